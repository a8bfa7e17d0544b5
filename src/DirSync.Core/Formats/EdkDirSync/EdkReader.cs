using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>Reads the EDK DIRSYNC text format as a stream of comments and records.</summary>
/// <remarks>
/// <para>A record is a header line (<c>A</c>, <c>M</c> or <c>D</c>, one space, the distinguished name) and the
/// attribute lines (<c>- Name:value</c>, <c>- Name[n]:value</c>) and comment lines directly below it; it ends at a
/// blank line, at the next header or at the end of the input. Comments inside a record are skipped; every other
/// comment is returned as an item, so a caller can keep structured data (a source, a checksum) in comments
/// written between records. Lines holding only spaces and tabs count as blank.</para>
/// <para>Values are decoded as <see cref="EdkWriter"/> describes. A line <c>- Name:</c> with nothing after the
/// colon is an attribute with no values (<c>- Name[n]:</c> is an empty value); an empty string is written
/// <c>""</c>. The values of <c>Name[0]</c>, <c>Name[1]</c>, ... are gathered into one attribute; the indexes of one
/// attribute must run 0, 1, 2, ... within the record, though other attributes may come between them.</para>
/// <para>Any malformed input raises <see cref="InputFormatException"/>; its column is the 1-based byte position
/// within the line. A UTF-8 byte order mark at the very start is skipped (its three bytes still count as
/// columns).</para>
/// </remarks>
public sealed class EdkReader : IDisposable
{
    private const int NameCacheSlots = 256;
    private const int MaxCachedNameBytes = 64;

    private readonly LineReader _lines;
    private readonly EdkReaderOptions _options;
    private readonly byte[]?[] _cachedNameBytes = new byte[NameCacheSlots][];
    private readonly string?[] _cachedNames = new string[NameCacheSlots];
    private PendingAttribute[] _pending = new PendingAttribute[16];
    private List<string>?[] _pendingValues = new List<string>[16];
    private int _pendingCount;
    private byte[] _scratch = [];
    private int _columnOffset;
    private long _recordBytes;
    private string? _comment;
    private EdkRecord? _record;

    /// <summary>Creates a reader over <paramref name="stream"/>, naming it <paramref name="name"/> in errors.</summary>
    /// <remarks>The reader does not close the stream.</remarks>
    public EdkReader(Stream stream, string name, EdkReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        _options = options ?? EdkReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxValueBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxAttributeLinesPerRecord, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxValuesPerAttribute, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxRecordBytes, nameof(options));
        _lines = new LineReader(stream, name, _options.Lines);
    }

    /// <summary>The name of the input in error messages (usually the file path).</summary>
    public string Name => _lines.Name;

    /// <summary>What the last <see cref="Read"/> stopped on.</summary>
    public EdkItemKind ItemKind { get; private set; }

    /// <summary>The 1-based line on which the current item starts; 0 when there is none.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The current comment's text after the <c>#</c>, without one leading space.</summary>
    /// <exception cref="InvalidOperationException">The current item is not a comment.</exception>
    public string Comment => _comment ?? throw new InvalidOperationException("The current item is not a comment.");

    /// <summary>The current record.</summary>
    /// <exception cref="InvalidOperationException">The current item is not a record.</exception>
    public EdkRecord Record => _record ?? throw new InvalidOperationException("The current item is not a record.");

    /// <summary>Starts hashing the input from its beginning; call before the first <see cref="Read"/>.</summary>
    public void EnableHash(HashAlgorithmName algorithm) => _lines.EnableHash(algorithm);

    /// <summary>The hash of every byte before the current line: before the comment line when the current item is a comment.</summary>
    /// <remarks>For a record it covers everything before the record's last line; after the end, the whole input.</remarks>
    public byte[] GetHashBeforeCurrentLine() => _lines.GetHashBeforeCurrentLine();

    /// <summary>Moves to the next comment or record.</summary>
    /// <returns>False at the end of the input.</returns>
    /// <exception cref="InputFormatException">The input is malformed.</exception>
    public bool Read()
    {
        _comment = null;
        _record = null;
        ItemKind = EdkItemKind.None;
        LineNumber = 0;
        while (_lines.ReadLine())
        {
            var line = CurrentLine();
            if (line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
            {
                continue;
            }

            LineNumber = _lines.LineNumber;
            switch (line[0])
            {
                case (byte)'#':
                    _comment = ReadComment(line);
                    ItemKind = EdkItemKind.Comment;
                    return true;
                case (byte)'-':
                    throw Error("an attribute line must follow a record header ('A', 'M' or 'D' and a distinguished name)", 0);
                default:
                    _record = ReadRecord(line);
                    ItemKind = EdkItemKind.Record;
                    return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _lines.Dispose();
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private ReadOnlySpan<byte> CurrentLine()
    {
        var line = _lines.Line;
        _columnOffset = 0;
        if (_lines.LineNumber == 1 && line.StartsWith("\uFEFF"u8))
        {
            _columnOffset = 3;
            line = line[3..];
        }

        return line;
    }

    private string ReadComment(ReadOnlySpan<byte> line)
    {
        var start = line.Length > 1 && line[1] == (byte)' ' ? 2 : 1;
        return Decode(line, start, line.Length);
    }

    private EdkRecord ReadRecord(ReadOnlySpan<byte> line)
    {
        var operation = ReadHeader(line, out var distinguishedName);
        var headerLine = _lines.LineNumber;
        _pendingCount = 0;
        var attributeLines = 0;
        while (true)
        {
            // The record goes on while the next line is an attribute or a comment; peeking keeps the line
            // after the record unread, so a comment there is still the current line when it is returned.
            var next = _lines.PeekByte();
            if (next != '-' && next != '#')
            {
                break;
            }

            _lines.ReadLine();
            line = CurrentLine();
            if (next == '#')
            {
                if (!Utf8.IsValid(line))
                {
                    throw Error("the text is not valid UTF-8", FirstInvalidByte(line));
                }

                continue;
            }

            if (++attributeLines > _options.MaxAttributeLinesPerRecord)
            {
                throw Error($"the record has more than the limit of {_options.MaxAttributeLinesPerRecord} attribute lines", 0);
            }

            ReadAttributeLine(line);
        }

        return new EdkRecord(operation, distinguishedName, TakeAttributes()) { LineNumber = headerLine };
    }

    private EdkOperation ReadHeader(ReadOnlySpan<byte> line, out string distinguishedName)
    {
        if (line.Length == 1 && line[0] is (byte)'A' or (byte)'M' or (byte)'D')
        {
            throw Error($"expected a space and a distinguished name after '{(char)line[0]}'", 1);
        }

        if (line.Length < 2 || line[1] != (byte)' ' || !char.IsAsciiLetter((char)line[0]))
        {
            throw Error("expected a record header ('A', 'M' or 'D', a space and a distinguished name), "
                + "an attribute line ('- Name:value'), a comment ('#') or a blank line", 0);
        }

        var operation = line[0] switch
        {
            (byte)'A' => EdkOperation.Add,
            (byte)'M' => EdkOperation.Modify,
            (byte)'D' => EdkOperation.Delete,
            _ => throw Error($"unknown operation {Describe(line, 0)}; expected 'A', 'M' or 'D'", 0),
        };

        if (line.Length == 2)
        {
            throw Error("the distinguished name is empty", 2);
        }

        var control = line[2..].IndexOfAny(EdkSyntax.ControlBytes);
        if (control >= 0)
        {
            throw Error($"{Describe(line, control + 2)} in the distinguished name", control + 2);
        }

        if (line.Length - 2 > _options.MaxValueBytes)
        {
            throw Error($"the distinguished name is longer than the limit of {_options.MaxValueBytes} bytes", 2);
        }

        _recordBytes = line.Length - 2;
        distinguishedName = Decode(line, 2, line.Length);
        return operation;
    }

    private void ReadAttributeLine(ReadOnlySpan<byte> line)
    {
        if (line.Length < 2 || line[1] != (byte)' ')
        {
            throw Error($"expected a space after '-' at the start of an attribute line, found {Describe(line, 1)}", 1);
        }

        var nameLength = line[2..].IndexOfAnyExcept(EdkSyntax.NameBytes);
        var nameEnd = nameLength < 0 ? line.Length : nameLength + 2;
        if (nameEnd == 2)
        {
            throw nameEnd == line.Length || line[2] is (byte)':' or (byte)'['
                ? Error("the attribute name is empty", 2)
                : Error($"expected an attribute name ({EdkSyntax.NameRule}), found {Describe(line, 2)}", 2);
        }

        if (nameEnd == line.Length || line[nameEnd] is not ((byte)':' or (byte)'['))
        {
            throw Error($"expected ':' after the attribute name, found {Describe(line, nameEnd)}", nameEnd);
        }

        var nameBytes = line[2..nameEnd];
        var fold = Fold(nameBytes);
        var name = CachedName(nameBytes, fold);
        var slot = FindPending(name, fold);

        if (line[nameEnd] == (byte)':')
        {
            if (slot >= 0)
            {
                throw _pending[slot].IsIndexed
                    ? Error($"'{name}' appears both with and without an index", 2)
                    : Error($"'{name}' appears twice in the record; several values are written {name}[0], {name}[1], ...", 2);
            }

            var single = nameEnd + 1 == line.Length ? null : ReadValue(line, nameEnd + 1);
            AddPending(name, fold, isIndexed: false).Single = single;
            return;
        }

        var colon = ReadIndex(line, nameEnd + 1, out var digitsStart, out var index);
        if (slot >= 0 && !_pending[slot].IsIndexed)
        {
            throw Error($"'{name}' appears both with and without an index", 2);
        }

        var expected = slot >= 0 ? _pendingValues[slot]!.Count : 0;
        if (index != expected)
        {
            var found = Encoding.ASCII.GetString(line[digitsStart..(colon - 1)]);
            throw Error($"expected index [{expected}] of '{name}', found [{found}]", digitsStart);
        }

        var value = ReadValue(line, colon + 1);
        if (slot < 0)
        {
            slot = _pendingCount;
            AddPending(name, fold, isIndexed: true);
            (_pendingValues[slot] ??= []).Clear();
        }

        _pendingValues[slot]!.Add(value);
    }

    /// <summary>Reads <c>n]:</c> after the <c>[</c>; returns the colon's index.</summary>
    private int ReadIndex(ReadOnlySpan<byte> line, int start, out int digitsStart, out long index)
    {
        digitsStart = start;
        index = 0;
        var position = start;
        while (position < line.Length && char.IsAsciiDigit((char)line[position]))
        {
            // Clamped rather than overflowed: anything this large is over the limit anyway.
            index = Math.Min(index * 10 + (line[position] - '0'), int.MaxValue);
            position++;
        }

        if (position == start)
        {
            throw Error($"expected a number in '[n]', found {Describe(line, position)}", position);
        }

        if (position == line.Length || line[position] != (byte)']')
        {
            throw Error($"expected ']' after the index, found {Describe(line, position)}", position);
        }

        if (index >= _options.MaxValuesPerAttribute)
        {
            var digits = Encoding.ASCII.GetString(line[start..position]);
            throw Error($"index [{digits}] is over the limit of {_options.MaxValuesPerAttribute} values per attribute", start);
        }

        position++;
        if (position == line.Length || line[position] != (byte)':')
        {
            throw Error($"expected ':' after ']', found {Describe(line, position)}", position);
        }

        return position;
    }

    /// <summary>Decodes the value that starts at <paramref name="start"/> and runs to the end of the line.</summary>
    private string ReadValue(ReadOnlySpan<byte> line, int start)
    {
        var quoted = start < line.Length && line[start] == (byte)'"';
        var specials = quoted ? EdkSyntax.QuotedSpecialBytes : EdkSyntax.RawSpecialBytes;
        var contentStart = quoted ? start + 1 : start;
        var position = contentStart;
        var copied = -1;   // bytes decoded into _scratch so far; -1 while the value is a plain slice of the line
        int contentEnd;
        while (true)
        {
            var found = line[position..].IndexOfAny(specials);
            if (found < 0)
            {
                if (quoted)
                {
                    throw Error("the quoted value has no closing '\"'", start);
                }

                contentEnd = line.Length;
                break;
            }

            found += position;
            var b = line[found];
            if (b == (byte)'"')
            {
                if (found != line.Length - 1)
                {
                    throw Error("text after the closing '\"' of a quoted value; a '\"' inside one is written \\\"", found);
                }

                contentEnd = found;
                break;
            }

            if (b != (byte)'\\')
            {
                throw Error($"{Describe(line, found)} in a value; control characters are written \\xHH", found);
            }

            if (copied < 0)
            {
                // Unescaping only shrinks the text, so a buffer the size of the line is enough.
                if (_scratch.Length < line.Length)
                {
                    ArrayPool<byte>.Shared.Return(_scratch);
                    _scratch = ArrayPool<byte>.Shared.Rent(line.Length);
                }

                copied = 0;
            }

            line[position..found].CopyTo(_scratch.AsSpan(copied));
            copied += found - position;
            _scratch[copied++] = ReadEscape(line, found, out var escapeLength);
            position = found + escapeLength;
        }

        if (copied < 0)
        {
            CheckValueLength(contentEnd - contentStart, start);
            return Decode(line, contentStart, contentEnd);
        }

        line[position..contentEnd].CopyTo(_scratch.AsSpan(copied));
        copied += contentEnd - position;
        CheckValueLength(copied, start);

        // An escape may stand for any byte, so the decoded bytes are checked as a whole; the error points at the value.
        return _lines.DecodeUtf8(_scratch.AsSpan(0, copied), _columnOffset + start + 1);
    }

    private byte ReadEscape(ReadOnlySpan<byte> line, int backslash, out int length)
    {
        length = 2;
        switch (backslash + 1 < line.Length ? line[backslash + 1] : -1)
        {
            case '\\':
                return (byte)'\\';
            case '"':
                return (byte)'"';
            case 'x':
                if (backslash + 3 < line.Length
                    && HexValue(line[backslash + 2]) is var high and >= 0
                    && HexValue(line[backslash + 3]) is var low and >= 0)
                {
                    length = 4;
                    return (byte)(high << 4 | low);
                }

                throw Error("expected two hex digits after '\\x'", backslash);
            case -1:
                throw Error("incomplete escape '\\' at the end of the line; a backslash is written \\\\", backslash);
            default:
                throw Error($"unknown escape '\\' followed by {Describe(line, backslash + 1)}; expected \\\\, \\\" or \\xHH", backslash);
        }
    }

    private void CheckValueLength(int bytes, int start)
    {
        if (bytes > _options.MaxValueBytes)
        {
            throw Error($"the value is longer than the limit of {_options.MaxValueBytes} bytes", start);
        }

        _recordBytes += bytes;
        if (_recordBytes > _options.MaxRecordBytes)
        {
            throw Error($"the record has more than the limit of {_options.MaxRecordBytes} bytes of values", start);
        }
    }

    private string Decode(ReadOnlySpan<byte> line, int start, int end)
    {
        var bytes = line[start..end];
        try
        {
            return _lines.DecodeUtf8(bytes, _columnOffset + start + 1);
        }
        catch (InputFormatException e)
        {
            // Finding the bad byte costs a second pass, so it is done only once there is one.
            throw _lines.Error(e.Reason, _columnOffset + start + FirstInvalidByte(bytes) + 1, e.InnerException);
        }
    }

    private string CachedName(ReadOnlySpan<byte> bytes, uint fold)
    {
        var slot = (int)(fold % NameCacheSlots);
        var cached = _cachedNameBytes[slot];
        if (cached is not null && bytes.SequenceEqual(cached))
        {
            return _cachedNames[slot]!;
        }

        var name = Encoding.ASCII.GetString(bytes);
        if (bytes.Length <= MaxCachedNameBytes)
        {
            _cachedNameBytes[slot] = bytes.ToArray();
            _cachedNames[slot] = name;
        }

        return name;
    }

    private int FindPending(string name, uint fold)
    {
        for (var i = 0; i < _pendingCount; i++)
        {
            if (_pending[i].Fold == fold && string.Equals(_pending[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private ref PendingAttribute AddPending(string name, uint fold, bool isIndexed)
    {
        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
            Array.Resize(ref _pendingValues, _pending.Length);
        }

        ref var pending = ref _pending[_pendingCount++];
        pending = new PendingAttribute { Name = name, Fold = fold, IsIndexed = isIndexed };
        return ref pending;
    }

    private EdkAttribute[] TakeAttributes()
    {
        if (_pendingCount == 0)
        {
            return [];
        }

        var attributes = new EdkAttribute[_pendingCount];
        for (var i = 0; i < _pendingCount; i++)
        {
            ref readonly var pending = ref _pending[i];
            IReadOnlyList<string> values = pending.IsIndexed ? _pendingValues[i]!.ToArray()
                : pending.Single is null ? []
                : new[] { pending.Single };
            attributes[i] = new EdkAttribute(pending.Name, values, pending.IsIndexed);
        }

        return attributes;
    }

    private InputFormatException Error(string reason, int index) => _lines.Error(reason, _columnOffset + index + 1);

    /// <summary>A hash of an attribute name that ignores ASCII case; names hold only letters, digits and <c>-_.;</c>.</summary>
    private static uint Fold(ReadOnlySpan<byte> name)
    {
        var hash = 2166136261u;
        foreach (var b in name)
        {
            hash = (hash ^ (uint)(b | 0x20)) * 16777619u;
        }

        return hash;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => -1,
    };

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length
            && Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    /// <summary>Names the character at <paramref name="index"/> for an error message.</summary>
    private static string Describe(ReadOnlySpan<byte> line, int index)
    {
        if (index >= line.Length)
        {
            return "the end of the line";
        }

        var b = line[index];
        if (EdkSyntax.IsControl(b))
        {
            return $"control character 0x{b:X2}";
        }

        if (b < 0x80)
        {
            return $"'{(char)b}'";
        }

        return Rune.DecodeFromUtf8(line[index..], out var rune, out _) == OperationStatus.Done
            ? $"'{rune}'"
            : $"byte 0x{b:X2}";
    }

    private struct PendingAttribute
    {
        public string Name;
        public uint Fold;
        public bool IsIndexed;
        public string? Single;
    }
}
