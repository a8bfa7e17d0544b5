namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>Limits an <see cref="EdkReader"/> enforces, so hostile input cannot exhaust memory.</summary>
/// <remarks>
/// Memory stays bounded by one record, and one record by these limits: up to
/// <see cref="MaxAttributeLinesPerRecord"/> values of up to <see cref="MaxValueBytes"/> each, and
/// <see cref="MaxRecordBytes"/> in all. Lower them for input from an untrusted source.
/// </remarks>
public sealed record EdkReaderOptions
{
    /// <summary>The default limits.</summary>
    public static EdkReaderOptions Default { get; } = new();

    /// <summary>The longest value accepted, in UTF-8 bytes after decoding quotes and escapes (default 1 MiB); the distinguished name too.</summary>
    public int MaxValueBytes { get; init; } = 1024 * 1024;

    /// <summary>The most attribute lines one record may have (default 10,000).</summary>
    public int MaxAttributeLinesPerRecord { get; init; } = 10_000;

    /// <summary>The most bytes one record may hold in all: its distinguished name and its values, decoded (default 64 MiB).</summary>
    /// <remarks>Without it the two limits above would still let a single record take gigabytes.</remarks>
    public long MaxRecordBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The most values one attribute may have, so the highest index is one less (default 10,000).</summary>
    public int MaxValuesPerAttribute { get; init; } = 10_000;

    /// <summary>The limits of the underlying <see cref="LineReader"/>.</summary>
    /// <remarks>
    /// The default admits lines of 5 MiB: a value of <see cref="MaxValueBytes"/> made entirely of control
    /// characters takes four bytes per character once escaped, and the line also holds the attribute name.
    /// Raise it with <see cref="MaxValueBytes"/>.
    /// </remarks>
    public LineReaderOptions Lines { get; init; } = LineReaderOptions.Default with { MaxLineBytes = 5 * 1024 * 1024 };
}
