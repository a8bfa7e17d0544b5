using System.Buffers;
using System.Text;

namespace DirSync.Core.Bulk;

/// <summary>Writes RFC 4180 CSV as UTF-8 bytes, streaming, through its own buffer.</summary>
/// <remarks>
/// A field is quoted only when it must be — when it holds a comma, a quote, a carriage return or a
/// line feed — and a quote inside it is doubled. Rows end with <c>CR LF</c> unless told otherwise.
/// Bytes reach the stream in blocks of 64 KiB, on <see cref="Flush"/> and on <see cref="Dispose"/>;
/// the writer does not own the stream and leaves it open.
/// </remarks>
public sealed class BulkCsvWriter : IDisposable
{
    private const int BufferBytes = 64 * 1024;

    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create(",\"\r\n");
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly byte[] _newLine;
    private byte[] _buffer;
    private int _position;
    private long _flushedBytes;
    private bool _rowStarted;

    /// <summary>Creates a writer that writes to <paramref name="stream"/>, ending rows with <paramref name="newLine"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="newLine"/> is neither <c>"\r\n"</c> nor <c>"\n"</c>.</exception>
    public BulkCsvWriter(Stream stream, string newLine = "\r\n")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (newLine is not ("\r\n" or "\n"))
        {
            throw new ArgumentException("Rows end with CR LF or LF.", nameof(newLine));
        }

        _stream = stream;
        _newLine = Encoding.ASCII.GetBytes(newLine);
        _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    }

    /// <summary>The number of bytes written so far, including those still in the buffer.</summary>
    public long BytesWritten => _flushedBytes + _position;

    /// <summary>True when <paramref name="value"/> must be written between quotes.</summary>
    public static bool MustQuote(ReadOnlySpan<char> value) => value.ContainsAny(NeedsQuotes);

    /// <summary>Writes the next field of the current row.</summary>
    /// <exception cref="ArgumentException">The value holds an unpaired surrogate.</exception>
    public void WriteField(ReadOnlySpan<char> value)
    {
        StartField();
        if (!MustQuote(value))
        {
            WriteText(value);
            return;
        }

        WriteByte((byte)'"');
        while (true)
        {
            var quote = value.IndexOf('"');
            if (quote < 0)
            {
                WriteText(value);
                break;
            }

            WriteText(value[..(quote + 1)]);
            WriteByte((byte)'"');
            value = value[(quote + 1)..];
        }

        WriteByte((byte)'"');
    }

    /// <summary>Writes bytes as they are, as part of the current row (a field or fields already in CSV form).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _rowStarted = true;
        WriteBytes(bytes);
    }

    /// <summary>Ends the current row.</summary>
    public void EndRow()
    {
        WriteBytes(_newLine);
        _rowStarted = false;
    }

    /// <summary>Writes the buffered bytes to the stream.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _stream.Write(_buffer, 0, _position);
            _flushedBytes += _position;
            _position = 0;
        }

        _stream.Flush();
    }

    /// <summary>Flushes and returns the buffer; the stream stays open.</summary>
    public void Dispose()
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        Flush();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void StartField()
    {
        if (_rowStarted)
        {
            WriteByte((byte)',');
        }

        _rowStarted = true;
    }

    private void WriteText(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        try
        {
            if (StrictUtf8.GetMaxByteCount(text.Length) > _buffer.Length - _position)
            {
                var length = StrictUtf8.GetByteCount(text);
                if (length > _buffer.Length - _position)
                {
                    FlushBuffer();
                    if (length > _buffer.Length)
                    {
                        WriteLarge(text, length);
                        return;
                    }
                }
            }

            _position += StrictUtf8.GetBytes(text, _buffer.AsSpan(_position));
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The value holds an unpaired surrogate.", nameof(text), e);
        }
    }

    private void WriteLarge(ReadOnlySpan<char> text, int length)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = StrictUtf8.GetBytes(text, bytes);
            WriteBytes(bytes.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void WriteByte(byte value)
    {
        if (_position == _buffer.Length)
        {
            FlushBuffer();
        }

        _buffer[_position++] = value;
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_position == _buffer.Length)
            {
                FlushBuffer();
            }

            var count = Math.Min(bytes.Length, _buffer.Length - _position);
            bytes[..count].CopyTo(_buffer.AsSpan(_position));
            _position += count;
            bytes = bytes[count..];
        }
    }

    private void FlushBuffer()
    {
        _stream.Write(_buffer, 0, _position);
        _flushedBytes += _position;
        _position = 0;
    }
}
