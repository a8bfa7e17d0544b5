namespace DirSync.Core.Bulk;

/// <summary>What a bulk import did, or (for a dry run) would do.</summary>
/// <param name="File">The file imported.</param>
/// <param name="Rows">The data rows read (blank rows not counted).</param>
/// <param name="Added">Recipients created.</param>
/// <param name="Modified">Recipients changed.</param>
/// <param name="Deleted">Recipients deleted.</param>
/// <param name="Unchanged">Rows that asked for nothing different from what the store holds.</param>
/// <param name="Rejected">Bad rows written to the reject file (only with <see cref="BulkErrorPolicy.SkipErrors"/>).</param>
/// <param name="RejectFile">The reject file, or null when no row was rejected.</param>
/// <param name="DryRun">True when nothing was applied: the counts are what the import would do.</param>
/// <param name="Warnings">What was passed over (columns DirSync does not keep or know), one line each.</param>
public sealed record BulkImportResult(
    string File,
    long Rows,
    long Added,
    long Modified,
    long Deleted,
    long Unchanged,
    long Rejected,
    string? RejectFile,
    bool DryRun,
    IReadOnlyList<string> Warnings);
