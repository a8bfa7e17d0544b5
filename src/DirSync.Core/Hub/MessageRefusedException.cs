namespace DirSync.Core.Hub;

/// <summary>The server refused a requestor's message or request: its numbered code (156, 158, 161, ...) and why.</summary>
public sealed class MessageRefusedException : DirSyncException
{
    /// <summary>Creates the refusal.</summary>
    public MessageRefusedException(int code, string reason)
        : base($"{code}: {reason}", ErrorCategory.Sync)
    {
        Code = code;
        Reason = reason;
    }

    /// <summary>The event code.</summary>
    public int Code { get; }

    /// <summary>Why, without the code.</summary>
    public string Reason { get; }
}
