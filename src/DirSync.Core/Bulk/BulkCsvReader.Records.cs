using System.Buffers;
using System.Text;

namespace DirSync.Core.Bulk;

// The byte level: splitting the stream into RFC 4180 records and fields without decoding it.
public sealed partial class BulkCsvReader
{
    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\r\n\""u8);

    private readonly Stream _input;     // the stream the reader was given
    private Stream _stream;             // what is read: the input, or a transcoder over it for UTF-16
    private Stream? _transcoder;
    private byte[] _buffer;
    private long _bufferOffset;  // stream offset of _buffer[0]
    private int _start;          // first byte of the current record
    private int _textEnd;        // end of the current record's text, before its line end
    private int _next;           // first byte after the current record's line end
    private int _end;            // end of valid data in the buffer
    private bool _eof;
    private long _line;          // the line the current record starts on
    private long _nextLine = 1;  // the line the next record starts on
    private FieldSpan[] _spans = new FieldSpan[16];
    private int _spanCount;
    private string? _recordError;
    private int? _recordErrorColumn;

    private enum Scan
    {
        Complete,
        NeedMore,
    }

    /// <summary>The current record's bytes without its line end; valid until the next record is read.</summary>
    internal ReadOnlySpan<byte> CurrentRecordText => _buffer.AsSpan(_start, _textEnd - _start);

    /// <summary>Moves to the next record, keeping it whole in the buffer; false at the end of the stream.</summary>
    /// <exception cref="InputFormatException">The record is longer than the limit.</exception>
    private bool NextRecord()
    {
        _start = _next;
        while (true)
        {
            if (_start < _end || _eof)
            {
                if (_start == _end)
                {
                    return false;
                }

                // A record is scanned again from its start after each refill: simpler than resuming mid-field,
                // and a record rarely straddles a block.
                if (ScanRecord(final: _eof) == Scan.Complete)
                {
                    if (_next - _start > _options.MaxRowBytes)
                    {
                        throw TooLong();
                    }

                    _line = _nextLine;
                    _nextLine += _buffer.AsSpan(_start, _next - _start).Count((byte)'\n');
                    return true;
                }
            }

            if (_end - _start > _options.MaxRowBytes)
            {
                throw TooLong();
            }

            Fill();
        }
    }

    private InputFormatException TooLong() =>
        new(Name, _nextLine, null, $"the row is longer than the limit of {_options.MaxRowBytes} bytes; is a quote left open in it?");

    /// <summary>Finds the fields and the end of the record at <see cref="_start"/>.</summary>
    /// <param name="final">True when no more data will come: the end of the data ends the record.</param>
    private Scan ScanRecord(bool final)
    {
        _spanCount = 0;
        _recordError = null;
        _recordErrorColumn = null;
        var buffer = _buffer;
        var pos = _start;
        while (true)
        {
            if (pos >= _end)
            {
                if (!final)
                {
                    return Scan.NeedMore;
                }

                AddSpan(pos, 0, quoted: false, escaped: false);
                return EndRecord(pos, pos);
            }

            if (buffer[pos] == (byte)'"')
            {
                var contentStart = pos + 1;
                var scan = contentStart;
                var escaped = false;
                while (true)
                {
                    var quote = buffer.AsSpan(scan, _end - scan).IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        return final
                            ? Fail(pos, _spanCount + 1, "the quoted value is not closed; a quote inside a value is written as two quotes (\"\")")
                            : Scan.NeedMore;
                    }

                    quote += scan;
                    if (quote + 1 >= _end && !final)
                    {
                        return Scan.NeedMore;
                    }

                    if (quote + 1 < _end && buffer[quote + 1] == (byte)'"')
                    {
                        escaped = true;
                        scan = quote + 2;
                        continue;
                    }

                    AddSpan(contentStart, quote - contentStart, quoted: true, escaped);
                    pos = quote + 1;
                    break;
                }

                if (pos >= _end)
                {
                    return final ? EndRecord(pos, pos) : Scan.NeedMore;
                }

                switch (buffer[pos])
                {
                    case (byte)',':
                        pos++;
                        continue;
                    case (byte)'\n':
                        return EndRecord(pos, pos + 1);
                    case (byte)'\r':
                        return EndAtCarriageReturn(pos, final);
                    default:
                        return Fail(pos, _spanCount, "text follows the closing quote; quote the whole value, writing a quote inside it as two quotes (\"\")");
                }
            }

            var stop = buffer.AsSpan(pos, _end - pos).IndexOfAny(UnquotedStops);
            if (stop < 0)
            {
                if (!final)
                {
                    return Scan.NeedMore;
                }

                AddSpan(pos, _end - pos, quoted: false, escaped: false);
                return EndRecord(_end, _end);
            }

            stop += pos;
            AddSpan(pos, stop - pos, quoted: false, escaped: false);
            switch (buffer[stop])
            {
                case (byte)',':
                    pos = stop + 1;
                    continue;
                case (byte)'\n':
                    return EndRecord(stop, stop + 1);
                case (byte)'\r':
                    return EndAtCarriageReturn(stop, final);
                default:
                    return Fail(stop, _spanCount, "a quote inside an unquoted value; quote the whole value and write the quote as two quotes (\"\")");
            }
        }
    }

    private Scan EndAtCarriageReturn(int carriageReturn, bool final)
    {
        if (carriageReturn + 1 >= _end)
        {
            // A carriage return as the very last byte ends the last record; otherwise its line feed has not arrived yet.
            return final ? EndRecord(carriageReturn, _end) : Scan.NeedMore;
        }

        return _buffer[carriageReturn + 1] == (byte)'\n'
            ? EndRecord(carriageReturn, carriageReturn + 2)
            : Fail(carriageReturn, _spanCount, "a carriage return without a line feed outside quotes; lines end with CR LF or LF");
    }

    private Scan EndRecord(int textEnd, int next)
    {
        _textEnd = textEnd;
        _next = next;
        return Scan.Complete;
    }

    /// <summary>Records a malformed record and skips to the end of the line the error is on.</summary>
    private Scan Fail(int position, int column, string reason)
    {
        var lineFeed = _buffer.AsSpan(position, _end - position).IndexOf((byte)'\n');
        if (lineFeed < 0 && !_eof)
        {
            return Scan.NeedMore;
        }

        _recordError = reason;
        _recordErrorColumn = column;
        if (lineFeed < 0)
        {
            return EndRecord(_end, _end);
        }

        lineFeed += position;
        return EndRecord(lineFeed > _start && _buffer[lineFeed - 1] == (byte)'\r' ? lineFeed - 1 : lineFeed, lineFeed + 1);
    }

    private void AddSpan(int offset, int length, bool quoted, bool escaped)
    {
        if (_spanCount == _spans.Length)
        {
            Array.Resize(ref _spans, _spans.Length * 2);
        }

        _spans[_spanCount++] = new FieldSpan(offset, length, quoted, escaped);
    }

    /// <summary>True when every field of the record is empty: a blank line, or a spreadsheet's row of commas.</summary>
    private bool IsBlankRecord()
    {
        if (_recordError is not null)
        {
            return false;
        }

        for (var i = 0; i < _spanCount; i++)
        {
            if (_spans[i].Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Everything before the current record is done with: slide the rest down.
            var keep = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, keep);
            _bufferOffset += _start;
            _next -= _start;
            _textEnd -= _start;
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

        int read;
        try
        {
            read = _stream.Read(_buffer, _end, Math.Min(_options.ReadBlockBytes, _buffer.Length - _end));
        }
        catch (DecoderFallbackException e)
        {
            // The transcoder decodes ahead of the rows, so the line is not known.
            throw new InputFormatException(
                Name, 0, null, $"the file starts with a UTF-16 byte order mark but holds bytes that are not UTF-16 text (a lone surrogate, or an odd byte at the end); {EncodingFix}", e);
        }

        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    /// <summary>Where a field's content is in the buffer; a quoted field's content is between its quotes.</summary>
    private readonly record struct FieldSpan(int Offset, int Length, bool Quoted, bool Escaped);

    /// <summary>Reads some bytes already taken from a stream, then the rest of the stream; leaves the stream open.</summary>
    private sealed class ReplayStream(byte[] replay, Stream rest) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position < replay.Length)
            {
                var count = Math.Min(buffer.Length, replay.Length - _position);
                replay.AsSpan(_position, count).CopyTo(buffer);
                _position += count;
                return count;
            }

            return rest.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
