namespace DirSync.Core.Formats.Ldif;

/// <summary>Limits an <see cref="LdifReader"/> enforces, so hostile input cannot exhaust memory.</summary>
public sealed record LdifReaderOptions
{
    /// <summary>The default limits.</summary>
    public static LdifReaderOptions Default { get; } = new();

    /// <summary>The longest value accepted, in UTF-8 bytes after base64 decoding (default 1 MiB).</summary>
    public int MaxValueBytes { get; init; } = 1024 * 1024;

    /// <summary>The most lines a record may have after its <c>dn:</c> line, comments not counted (default 10,000).</summary>
    public int MaxAttributesPerRecord { get; init; } = 10_000;

    /// <summary>The most value bytes (UTF-8, after base64 decoding) one record may hold in all (default 64 MiB).</summary>
    /// <remarks>Without it the two limits above would still let a single record take gigabytes.</remarks>
    public long MaxRecordBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The limits of the underlying <see cref="LineReader"/>.</summary>
    public LineReaderOptions Lines { get; init; } = LineReaderOptions.Default;
}
