namespace DirSync.Core.Sync;

/// <summary>What an import did (or, in a dry run, would do).</summary>
/// <param name="Mode">The change set's mode.</param>
/// <param name="File">The file read.</param>
/// <param name="Sequence">The change set's sequence number.</param>
/// <param name="Source">The source's readable name.</param>
/// <param name="Added">Objects created.</param>
/// <param name="Modified">Objects changed.</param>
/// <param name="Deleted">Objects deleted (by delete records, and by a full change set's reconciliation).</param>
/// <param name="Unchanged">Records that changed nothing.</param>
/// <param name="AlreadyApplied">True when the change set had been applied before and nothing was done.</param>
/// <param name="DryRun">True when nothing was written.</param>
/// <param name="Notes">What an administrator should know: collisions resolved with a suffix, adopted recipients, rebinding.</param>
public sealed record ImportResult(
    ChangeSetMode Mode,
    string File,
    long Sequence,
    string Source,
    long Added,
    long Modified,
    long Deleted,
    long Unchanged,
    bool AlreadyApplied,
    bool DryRun,
    IReadOnlyList<string> Notes)
{
    /// <summary>In a dry run, why the delete guard would stop the real run; null when it would not.</summary>
    public string? Blocked { get; init; }
}
