namespace DirSync.Core.Bulk;

/// <summary>How far a bulk import or export has got.</summary>
/// <param name="Rows">Rows read (import) or written (export) so far.</param>
/// <param name="Bytes">Bytes of the file read or written so far.</param>
/// <param name="TotalBytes">The size of the file being imported; null when unknown (always for an export).</param>
public readonly record struct BulkProgress(long Rows, long Bytes, long? TotalBytes);
