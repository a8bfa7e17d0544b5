namespace DirSync.Core.Hub;

/// <summary>What one step of the cycle did: messages taken in or sent, updates counted, refusals.</summary>
public sealed record CycleReport
{
    /// <summary>Messages processed.</summary>
    public int Messages { get; init; }

    /// <summary>Updates received, sent, imported or applied.</summary>
    public long Updates { get; init; }

    /// <summary>Messages refused and moved aside.</summary>
    public int Rejected { get; init; }

    /// <summary>One line per message or requestor, for the administrator.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary>Errors that did not stop the other messages or requestors.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}
