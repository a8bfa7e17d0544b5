namespace DirSync.Core.Sync;

/// <summary>What an export wrote.</summary>
/// <param name="Mode">Full or incremental.</param>
/// <param name="File">The file written (or that would be, in a dry run).</param>
/// <param name="Sequence">The change set's sequence number.</param>
/// <param name="UsnFrom">The watermark it started after.</param>
/// <param name="UsnTo">The new watermark.</param>
/// <param name="Added">Add records written.</param>
/// <param name="Modified">Modify records written.</param>
/// <param name="Deleted">Delete records written.</param>
/// <param name="Skipped">Changed objects passed over: imported ones (never exported back) and ones outside the instance's containers or classes.</param>
/// <param name="DryRun">True when nothing was written.</param>
public sealed record ExportResult(
    ChangeSetMode Mode,
    string File,
    long Sequence,
    long UsnFrom,
    long UsnTo,
    long Added,
    long Modified,
    long Deleted,
    long Skipped,
    bool DryRun)
{
    /// <summary>For a live directory target: the entries it refused, each with its DN and the server's reason.</summary>
    public IReadOnlyList<string> Refused { get; init; } = [];

    /// <summary>For a live directory target: the changes that needed no write (counted in <see cref="Skipped"/> too).</summary>
    public long Unchanged { get; init; }
}
