using System.Text;
using DirSync.Core.Formats.EdkDirSync;
using DirSync.Core.Formats.Ldif;

namespace DirSync.Core.Sync;

/// <summary>Creates change-set writers per format and readers that detect the format themselves.</summary>
public sealed class ChangeSetCodecs
{
    private const int SniffBytes = 64 * 1024;

    /// <summary>Creates codecs whose readers enforce <paramref name="readerOptions"/> (the defaults when null).</summary>
    public ChangeSetCodecs(ChangeSetReaderOptions? readerOptions = null)
    {
        ReaderOptions = readerOptions ?? ChangeSetReaderOptions.Default;
    }

    /// <summary>The codecs with default limits.</summary>
    public static ChangeSetCodecs Default { get; } = new();

    /// <summary>The limits the readers enforce.</summary>
    public ChangeSetReaderOptions ReaderOptions { get; }

    /// <summary>A writer of <paramref name="format"/> that writes the header at once.</summary>
    public IChangeSetWriter CreateWriter(ChangeSetFormat format, Stream stream, ChangeSetHeader header) => format switch
    {
        ChangeSetFormat.Ldif => new LdifChangeSetWriter(stream, header),
        ChangeSetFormat.Edk => new EdkChangeSetWriter(stream, header),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>Opens a change set, telling LDIF from the EDK DIRSYNC format by its first line that is not a comment.</summary>
    /// <remarks>
    /// The stream must be seekable: the first block is read to detect the format, then the stream is rewound.
    /// The reader owns the stream: disposing the reader closes it, and so does a file refused here.
    /// </remarks>
    /// <exception cref="InputFormatException">The file is in neither format, its header is wrong, or it breaks a limit of <see cref="ReaderOptions"/>.</exception>
    public IChangeSetReader OpenReader(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            var format = Detect(stream, name);
            stream.Position = 0;
            return format == ChangeSetFormat.Ldif
                ? new LdifChangeSetReader(stream, name, ReaderOptions)
                : new EdkChangeSetReader(stream, name, ReaderOptions);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static ChangeSetFormat Detect(Stream stream, string name)
    {
        var buffer = new byte[SniffBytes];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (length == 0)
        {
            throw new InputFormatException(name, 0, null, "the file is empty");
        }

        var text = buffer.AsSpan(0, length);
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..];
        }

        var lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            var end = text.IndexOf((byte)'\n');
            var line = (end < 0 ? text : text[..end]).TrimEnd("\r"u8);
            text = end < 0 ? [] : text[(end + 1)..];
            if (line.IsEmpty || line[0] == (byte)'#' || line[0] == (byte)' ')
            {
                continue;
            }

            if (StartsWithIgnoreCase(line, "version:"u8) || StartsWithIgnoreCase(line, "dn:"u8))
            {
                return ChangeSetFormat.Ldif;
            }

            if (line.Length >= 2 && line[0] is (byte)'A' or (byte)'M' or (byte)'D' && line[1] == (byte)' ')
            {
                return ChangeSetFormat.Edk;
            }

            var shown = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 40)]);
            throw new InputFormatException(name, lineNumber, 1, $"neither an LDIF nor an EDK DIRSYNC change set: the line starts with '{shown}'");
        }

        // Only comments: an EDK change set with no records is nothing but its header and trailer.
        return ChangeSetFormat.Edk;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) =>
        line.Length >= prefix.Length && Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix);
}
