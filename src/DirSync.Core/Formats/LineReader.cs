using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace DirSync.Core.Formats;

/// <summary>Reads a byte stream line by line without decoding it: the base of every text-format reader.</summary>
/// <remarks>
/// <para>Lines end with LF or CR LF; the terminator is not part of the line. A line's bytes stay valid
/// only until the next call to <see cref="ReadLine"/>. After a line is returned the first byte of the
/// next one is already buffered, so <see cref="PeekByte"/> never moves the current line.</para>
/// <para>With <see cref="EnableHash"/>, every byte of the stream is hashed as it is passed over, so a
/// reader can verify a checksum that covers "everything before this line".</para>
/// <para>Reading is synchronous over large blocks: parsing is CPU-bound, and one block read per
/// quarter-megabyte costs nothing next to the work done on it.</para>
/// </remarks>
public sealed class LineReader : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly LineReaderOptions _options;
    private byte[] _buffer;
    private int _start;        // first byte of the current line
    private int _lineLength;   // bytes of the current line, without terminator
    private int _next;         // first byte after the current line's terminator
    private int _end;          // end of valid data in the buffer
    private bool _eof;
    private IncrementalHash? _hash;
    private int _hashedUpTo;   // bytes of the buffer before this index are already hashed

    /// <summary>Creates a reader over <paramref name="stream"/>, naming it <paramref name="name"/> in errors.</summary>
    public LineReader(Stream stream, string name, LineReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        Name = name;
        _options = options ?? LineReaderOptions.Default;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_options.ReadBlockBytes * 2, 4096));
    }

    /// <summary>The name of the input in error messages (usually the file path).</summary>
    public string Name { get; }

    /// <summary>The 1-based number of the current line; 0 before the first.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The stream offset of the current line's first byte.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The current line's bytes, without its terminator.</summary>
    public ReadOnlySpan<byte> Line => _buffer.AsSpan(_start, _lineLength);

    /// <summary>True once <see cref="ReadLine"/> has returned false.</summary>
    public bool EndOfStream { get; private set; }

    /// <summary>Starts hashing the stream from its beginning; call before the first line is read.</summary>
    public void EnableHash(HashAlgorithmName algorithm)
    {
        if (LineNumber != 0)
        {
            throw new InvalidOperationException("The hash must be enabled before the first line is read.");
        }

        _hash = IncrementalHash.CreateHash(algorithm);
    }

    /// <summary>The hash of every byte before the current line (the whole stream once it has ended).</summary>
    public byte[] GetHashBeforeCurrentLine()
    {
        if (_hash is null)
        {
            throw new InvalidOperationException("Hashing was not enabled.");
        }

        HashThrough(EndOfStream ? _end : _start);
        return _hash.GetCurrentHash();
    }

    /// <summary>Moves to the next line.</summary>
    /// <returns>False at the end of the stream.</returns>
    /// <exception cref="InputFormatException">The line is longer than the limit.</exception>
    public bool ReadLine()
    {
        if (EndOfStream)
        {
            return false;
        }

        LineOffset += _next - _start;
        _start = _next;

        // Offsets relative to _start survive the buffer being compacted or grown.
        var scanned = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lf = _start + scanned + newline;
                _next = lf + 1;
                _lineLength = lf - _start;
                if (_lineLength > 0 && _buffer[lf - 1] == (byte)'\r')
                {
                    _lineLength--;
                }

                CheckLength(_lineLength);
                LineNumber++;

                // Keep the first byte of the next line buffered so PeekByte never has to move this one.
                if (_next == _end && !_eof)
                {
                    Fill();
                }

                return true;
            }

            scanned = _end - _start;

            // A CR at the end of the data may be the first half of a CR LF terminator, not part of the line.
            CheckLength(!_eof && scanned > 0 && _buffer[_end - 1] == (byte)'\r' ? scanned - 1 : scanned);
            if (_eof)
            {
                if (scanned == 0)
                {
                    EndOfStream = true;
                    _lineLength = 0;
                    return false;
                }

                // The last line has no terminator.
                _lineLength = scanned;
                _next = _end;
                LineNumber++;
                return true;
            }

            Fill();
        }
    }

    /// <summary>The first byte of the next line, or -1 at the end of the stream.</summary>
    public int PeekByte() => _next < _end ? _buffer[_next] : -1;

    /// <summary>Decodes bytes of the current line as strict UTF-8.</summary>
    /// <exception cref="InputFormatException">The bytes are not valid UTF-8.</exception>
    public string DecodeUtf8(ReadOnlySpan<byte> bytes, int column)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Error("the text is not valid UTF-8", column, e);
        }
    }

    /// <summary>A format error at the current line.</summary>
    public InputFormatException Error(string reason, int? column = null, Exception? innerException = null) =>
        new(Name, LineNumber, column, reason, innerException);

    /// <inheritdoc/>
    public void Dispose()
    {
        _hash?.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void CheckLength(int length)
    {
        if (length > _options.MaxLineBytes)
        {
            LineNumber++;
            throw Error($"line is longer than the limit of {_options.MaxLineBytes} bytes");
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Everything before the current line is done with: hash it, then slide the rest down.
            HashThrough(_start);
            var keep = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, keep);
            _next -= _start;
            _hashedUpTo -= _start;
            _end = keep;
            _start = 0;
        }

        if (_buffer.Length - _end < _options.ReadBlockBytes)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _end + _options.ReadBlockBytes));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private void HashThrough(int index)
    {
        if (_hash is not null && index > _hashedUpTo)
        {
            _hash.AppendData(_buffer, _hashedUpTo, index - _hashedUpTo);
            _hashedUpTo = index;
        }
    }
}
