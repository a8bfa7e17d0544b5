namespace DirSync.Core.Bulk;

/// <summary>How a <see cref="BulkCsvReader"/> reads: the limits that keep a hostile or broken file from exhausting memory, and how lenient its header check is.</summary>
public sealed record BulkCsvReaderOptions
{
    /// <summary>The default limits; unknown columns are errors.</summary>
    public static BulkCsvReaderOptions Default { get; } = new();

    /// <summary>The longest row accepted, in bytes, quoted line breaks included (default 4 MiB).</summary>
    /// <remarks>A quote left open swallows the rest of the file into one row; this limit turns that into an error.</remarks>
    public int MaxRowBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The size of each read from the underlying stream (default 256 KiB).</summary>
    public int ReadBlockBytes { get; init; } = 256 * 1024;

    /// <summary>True to pass over, with a warning, columns whose names DirSync does not know, instead of refusing the header.</summary>
    public bool IgnoreUnknownColumns { get; init; }
}
