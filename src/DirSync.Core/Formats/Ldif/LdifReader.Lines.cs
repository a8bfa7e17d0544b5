using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace DirSync.Core.Formats.Ldif;

// Logical lines (folding undone), values, and errors that point at the physical line and column.
public sealed partial class LdifReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly int _maxFoldedBytes;
    private readonly List<int> _segmentStarts = [];   // where each physical line of a folded line starts in _folded
    private byte[] _folded = [];
    private int _foldedLength;
    private bool _isFolded;
    private int _skip;                                // bytes before the logical line on its first physical line (a BOM)
    private long _lineNumber;                         // the first physical line of the logical line
    private byte[] _decoded = [];
    private byte[]? _foldedItemHash;

    /// <summary>The current logical line: a span of the line reader's buffer, or of the unfolding buffer.</summary>
    private ReadOnlySpan<byte> Logical => _isFolded ? _folded.AsSpan(0, _foldedLength) : _lines.Line[_skip..];

    /// <summary>Reads one physical line plus the continuation lines that follow it.</summary>
    private bool ReadLogicalLine()
    {
        _isFolded = false;
        _foldedItemHash = null;
        if (!_lines.ReadLine())
        {
            _skip = 0;
            return false;
        }

        _lineNumber = _lines.LineNumber;
        var line = _lines.Line;
        _skip = _lineNumber == 1 && line.StartsWith("\uFEFF"u8) ? 3 : 0;
        line = line[_skip..];

        // Unfolded lines, nearly all of them, are parsed in place without a copy.
        if (line.IsEmpty || _lines.PeekByte() != ' ')
        {
            return true;
        }

        // Reading the continuation lines moves the line reader past this line, so the hash a
        // comment item promises has to be taken now.
        if (_hashing && line[0] == (byte)'#')
        {
            _foldedItemHash = _lines.GetHashBeforeCurrentLine();
        }

        _segmentStarts.Clear();
        _segmentStarts.Add(0);
        _foldedLength = 0;
        AppendFolded(line);
        while (_lines.PeekByte() == ' ')
        {
            _lines.ReadLine();
            _segmentStarts.Add(_foldedLength);
            AppendFolded(_lines.Line[1..]);
        }

        _isFolded = true;
        return true;
    }

    private void AppendFolded(ReadOnlySpan<byte> bytes)
    {
        var length = _foldedLength + bytes.Length;
        if (length > _maxFoldedBytes)
        {
            throw new InputFormatException(Name, _lineNumber, null, $"folded line is longer than the limit of {_maxFoldedBytes} bytes");
        }

        if (length > _folded.Length)
        {
            _folded = Grow(_folded, _foldedLength, length);
        }

        bytes.CopyTo(_folded.AsSpan(_foldedLength));
        _foldedLength = length;
    }

    /// <summary>Reads the value after the colon at <paramref name="colon"/>: plain or base64, UTF-8 decoded.</summary>
    private string ReadValue(ReadOnlySpan<byte> line, int colon)
    {
        var start = colon + 1;
        if (start < line.Length && line[start] == (byte)':')
        {
            start = SkipSpaces(line, start + 1);
            return ReadBase64Value(line[start..], start);
        }

        if (start < line.Length && line[start] == (byte)'<')
        {
            throw ErrorAt(start, "URL values are not supported");
        }

        start = SkipSpaces(line, start);
        var value = line[start..];
        CheckValueLength(value.Length);
        var bad = value.IndexOfAny((byte)0, (byte)'\r');
        if (bad >= 0)
        {
            throw ErrorAt(start + bad, "a plain value cannot contain NUL or CR; such values must be base64-encoded");
        }

        return DecodeUtf8(value, start, "value is not valid UTF-8");
    }

    private string ReadBase64Value(ReadOnlySpan<byte> base64, int start)
    {
        var max = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        if (max > _decoded.Length)
        {
            _decoded = Grow(_decoded, 0, max);
        }

        // Base64 decoding skips whitespace, which keeps stray trailing spaces from failing a file.
        var status = Base64.DecodeFromUtf8(base64, _decoded, out var consumed, out var written);
        if (status != OperationStatus.Done)
        {
            throw ErrorAt(start + consumed, "invalid base64 value");
        }

        CheckValueLength(written);
        try
        {
            return StrictUtf8.GetString(_decoded, 0, written);
        }
        catch (DecoderFallbackException e)
        {
            throw ErrorAt(start, "base64 value is not valid UTF-8", e);
        }
    }

    private void CheckValueLength(int bytes)
    {
        if (bytes > _options.MaxValueBytes)
        {
            throw ErrorAt(null, $"value is longer than the limit of {_options.MaxValueBytes} bytes");
        }

        _recordBytes += bytes;
        if (_recordBytes > _options.MaxRecordBytes)
        {
            throw ErrorAt(null, $"record has more than {_options.MaxRecordBytes} bytes of values");
        }
    }

    /// <summary>Decodes strict UTF-8; an error points at the first byte that is not.</summary>
    private string DecodeUtf8(ReadOnlySpan<byte> bytes, int start, string reason)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var index = 0;
            while (index < bytes.Length && Rune.DecodeFromUtf8(bytes[index..], out _, out var consumed) == OperationStatus.Done)
            {
                index += consumed;
            }

            throw ErrorAt(start + index, reason, e);
        }
    }

    /// <summary>A format error at an offset of the current logical line, mapped back to its physical line and column.</summary>
    private InputFormatException ErrorAt(int? offset, string reason, Exception? innerException = null)
    {
        if (offset is not { } at)
        {
            return new InputFormatException(Name, _lineNumber, null, reason, innerException);
        }

        if (!_isFolded)
        {
            return new InputFormatException(Name, _lineNumber, at + 1 + _skip, reason, innerException);
        }

        var segment = _segmentStarts.Count - 1;
        while (segment > 0 && _segmentStarts[segment] > at)
        {
            segment--;
        }

        // A continuation line's first byte is the space that marks it, so its content starts at column 2.
        var column = segment == 0 ? at + 1 + _skip : at - _segmentStarts[segment] + 2;
        return new InputFormatException(Name, _lineNumber + segment, column, reason, innerException);
    }

    private static byte[] Grow(byte[] buffer, int keep, int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(buffer.Length * 2, 256)));
        buffer.AsSpan(0, keep).CopyTo(bigger);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return bigger;
    }

    private void ReturnBuffers()
    {
        if (_folded.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_folded);
            _folded = [];
        }

        if (_decoded.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_decoded);
            _decoded = [];
        }
    }
}
