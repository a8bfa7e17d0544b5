namespace DirSync.Core.Bulk;

/// <summary>What a bulk import did.</summary>
/// <param name="File">The file imported.</param>
/// <param name="Rows">The data rows read (blank rows not counted).</param>
/// <param name="Created">Recipients created.</param>
/// <param name="Modified">Recipients changed.</param>
/// <param name="Deleted">Recipients deleted.</param>
/// <param name="Unchanged">Rows that asked for nothing different from what the store holds.</param>
/// <param name="Rejected">Bad rows written to the reject file (only with <see cref="BulkErrorPolicy.SkipErrors"/>).</param>
/// <param name="RejectFile">The reject file, or null when no row was rejected.</param>
public sealed record BulkImportResult(
    string File,
    long Rows,
    long Created,
    long Modified,
    long Deleted,
    long Unchanged,
    long Rejected,
    string? RejectFile);
