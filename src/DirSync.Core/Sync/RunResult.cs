namespace DirSync.Core.Sync;

/// <summary>What one run of an instance did: its export, its import, or both.</summary>
/// <remarks>
/// In a run of both halves the export is committed before the import starts; when the import then fails, the
/// export stands and is reported, and <see cref="ImportFailure"/> says why the import did not.
/// </remarks>
public sealed record RunResult(string Instance, InstanceDirection Direction, ExportResult? Export, ImportResult? Import)
{
    /// <summary>Why the import half of a run of both halves failed after its export was committed; null when it did not.</summary>
    public DirSyncException? ImportFailure { get; init; }

    /// <summary>Why the import half of a run of both halves had nothing to do (the other side has not exported yet); null otherwise.</summary>
    public string? ImportSkipped { get; init; }
}
