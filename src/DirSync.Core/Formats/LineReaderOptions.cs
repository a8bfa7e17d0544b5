namespace DirSync.Core.Formats;

/// <summary>Limits a <see cref="LineReader"/> enforces, so hostile input cannot exhaust memory.</summary>
public sealed record LineReaderOptions
{
    /// <summary>The default limits.</summary>
    public static LineReaderOptions Default { get; } = new();

    /// <summary>The longest line accepted, in bytes, without its terminator (default 4 MiB).</summary>
    public int MaxLineBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The size of each read from the underlying stream (default 256 KiB).</summary>
    public int ReadBlockBytes { get; init; } = 256 * 1024;
}
