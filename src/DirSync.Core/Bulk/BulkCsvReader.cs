using System.Buffers;
using System.Text;
using System.Text.Unicode;
using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>Reads the Exchange administrator's bulk CSV (<c>admin /i</c>) row by row, streaming, from bytes.</summary>
/// <remarks>
/// <para>The format is RFC 4180: <c>,</c> between fields, <c>"</c> around a field that holds a comma,
/// quote or line break, <c>""</c> for a quote inside one, lines ending with CR LF or LF. The text is UTF-8,
/// with or without a byte order mark, or UTF-16 with one (Exchange's Unicode export), which is turned into
/// UTF-8 as it is read. The first line is the header (see <see cref="BulkCsvHeader"/>), checked when the
/// reader is made. Blank lines, and rows whose fields are all empty, are skipped.</para>
/// <para>Why a parser of its own rather than CsvHelper or <see cref="Formats.LineReader"/>: a quoted
/// value may span lines, so a line reader would have to glue lines back together and could no longer
/// tell CR LF from LF inside a value; CsvHelper decodes everything to UTF-16 before splitting and
/// reports records, not the physical line a row starts on, which every error here must name. This
/// parser splits records with vectorized searches over the raw bytes, keeps each record whole in one
/// buffer (so a bad row can be copied byte for byte to the reject file), counts line feeds to know
/// where each row starts, and decodes only the non-empty fields — a few small strings per row.</para>
/// <para>A row that breaks a rule is returned with its <see cref="BulkCsvRow.Error"/> (naming the file,
/// the line the row starts on and, when known, the field) and reading goes on with the next row; only a
/// bad header, a row longer than <see cref="BulkCsvReaderOptions.MaxRowBytes"/> or a read failure throws.</para>
/// </remarks>
public sealed partial class BulkCsvReader : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly BulkCsvReaderOptions _options;
    private readonly BulkCsvRow _row;
    private byte[] _scratch = [];

    /// <summary>Creates a reader over <paramref name="stream"/>, naming it <paramref name="name"/> in errors, and reads the header.</summary>
    /// <exception cref="InputFormatException">The file is empty or its header is not valid.</exception>
    public BulkCsvReader(Stream stream, string name, BulkCsvReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        _stream = _input = stream;
        Name = name;
        _options = options ?? BulkCsvReaderOptions.Default;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_options.ReadBlockBytes * 2, 4096));
        _row = new BulkCsvRow(this);
        try
        {
            DetectEncoding();
            Header = ReadHeader();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The name of the input in error messages (usually the file path).</summary>
    public string Name { get; }

    /// <summary>The header.</summary>
    public BulkCsvHeader Header { get; }

    /// <summary>The current row; the same object after every <see cref="Read"/>.</summary>
    public BulkCsvRow Row => _row;

    /// <summary>How many bytes of the stream the rows read so far span (for a UTF-16 file, about how many it has read).</summary>
    public long BytesRead => _transcoder is null ? _bufferOffset + _next : _input.CanSeek ? _input.Position : 0;

    /// <summary>Moves to the next row; check <see cref="BulkCsvRow.Error"/> before using its values.</summary>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="InputFormatException">A row is longer than the limit.</exception>
    public bool Read()
    {
        while (NextRecord())
        {
            if (IsBlankRecord())
            {
                continue;
            }

            _row.Start(_line);
            if (_recordError is not null)
            {
                _row.Fail(new InputFormatException(Name, _line, _recordErrorColumn, _recordError));
            }
            else if (_spanCount != Header.Columns.Count)
            {
                _row.Fail(new InputFormatException(
                    Name, _line, null, $"the row has {_spanCount} field{(_spanCount == 1 ? "" : "s")}; the header has {Header.Columns.Count}"));
            }
            else
            {
                try
                {
                    FillRow();
                }
                catch (InputFormatException e)
                {
                    _row.Fail(e);
                }
            }

            return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _transcoder?.Dispose();
        _transcoder = null;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>Skips a UTF-8 byte order mark, or switches to reading UTF-16 through a transcoder after a UTF-16 one.</summary>
    private void DetectEncoding()
    {
        while (_end < 4 && !_eof)
        {
            Fill();
        }

        var start = _buffer.AsSpan(0, _end);
        if (start.StartsWith("\uFEFF"u8))
        {
            _start = _next = _textEnd = 3;
        }
        else if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || start.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]))
        {
            throw new InputFormatException(Name, 0, null, $"the file is UTF-32, which is not read; {EncodingFix}");
        }
        else if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            ReadAsUtf16(bigEndian: false);
        }
        else if (start.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            ReadAsUtf16(bigEndian: true);
        }
    }

    /// <summary>From here on reads the rest of the input (what follows its 2-byte order mark) turned from UTF-16 into UTF-8.</summary>
    private void ReadAsUtf16(bool bigEndian)
    {
        var buffered = _buffer.AsSpan(2, _end - 2).ToArray();
        var utf16 = new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true);
        _transcoder = Encoding.CreateTranscodingStream(new ReplayStream(buffered, _input), utf16, StrictUtf8, leaveOpen: true);
        _stream = _transcoder;
        _end = 0;
        _eof = false;
    }

    private BulkCsvHeader ReadHeader()
    {
        do
        {
            if (!NextRecord())
            {
                throw new InputFormatException(Name, 0, null, "the file is empty; its first line must be the header, such as Obj-Class,Common-Name,Display-Name");
            }
        }
        while (IsBlankRecord());

        // UTF-16 without a byte order mark reads as text with a NUL byte beside every ASCII letter; say so before
        // the line end it garbles does.
        if (_buffer.AsSpan(_start, _next - _start).Contains((byte)0))
        {
            throw HeaderError(null, $"the header holds NUL bytes, so the file looks like UTF-16 (Unicode) without a byte order mark; {EncodingFix}");
        }

        if (_recordError is not null)
        {
            throw new InputFormatException(Name, _line, _recordErrorColumn, _recordError);
        }

        var columns = new List<BulkColumn>(_spanCount);
        BulkColumn? directoryName = null;
        BulkColumn? nickname = null;
        BulkColumn? mode = null;
        BulkColumn? container = null;
        var byAttribute = new Dictionary<AttributeDefinition, BulkColumn>();
        for (var i = 0; i < _spanCount; i++)
        {
            var name = Decode(i, "the header").Trim();
            var column = HeaderColumn(i, name);
            columns.Add(column);
            switch (column.Kind)
            {
                case BulkColumnKind.Mode:
                    mode = mode is null ? column : throw HeaderError(i + 1, $"duplicate column '{name}': Mode is already column {mode.Index + 1}");
                    break;
                case BulkColumnKind.Container:
                    container = container is null ? column : throw HeaderError(i + 1, $"duplicate column '{name}': already column {container.Index + 1}");
                    break;
                case BulkColumnKind.Attribute when column.Attribute == AttributeCatalog.Alias:
                    // The alias may come twice: as the directory name and as the mail nickname (see BulkCsvHeader.Nickname).
                    if (BulkColumnNames.IsNickname(name))
                    {
                        nickname = nickname is null ? column : throw Duplicate(column, nickname);
                    }
                    else
                    {
                        directoryName = directoryName is null ? column : throw Duplicate(column, directoryName);
                    }

                    break;
                case BulkColumnKind.Attribute:
                    if (byAttribute.TryGetValue(column.Attribute!, out var earlier))
                    {
                        throw Duplicate(column, earlier);
                    }

                    byAttribute.Add(column.Attribute!, column);
                    break;
            }
        }

        var alias = directoryName ?? nickname
            ?? throw HeaderError(null, "the header has no Common-Name column (also spelled cn, Directory Name, Mail-Nickname or Alias Name); every row names its recipient by alias");
        if (directoryName is not null && nickname is not null)
        {
            nickname = nickname with { Kind = BulkColumnKind.MailNickname };
            columns[nickname.Index] = nickname;
        }
        else
        {
            nickname = null;
        }

        var newLine = _next - _textEnd == 1 ? "\n" : "\r\n";
        return new BulkCsvHeader(_line, columns, alias, nickname, mode, container, Warnings(columns), CurrentRecordText.ToArray(), newLine);
    }

    private BulkColumn HeaderColumn(int index, string name)
    {
        BulkColumnNames.TryGetAttribute(name, out var attribute);
        if (index == 0)
        {
            return attribute == AttributeCatalog.ObjectClass
                ? new BulkColumn(0, name, BulkColumnKind.Attribute, attribute)
                : throw HeaderError(1, $"the first column must be Obj-Class (or objectClass), not {Quote(name)}");
        }

        if (name.Length == 0)
        {
            throw HeaderError(index + 1, $"column {index + 1} has no name");
        }

        if (string.Equals(name, BulkCsvSyntax.ModeColumn, StringComparison.OrdinalIgnoreCase))
        {
            return new BulkColumn(index, name, BulkColumnKind.Mode);
        }

        if (string.Equals(name, BulkColumnNames.Container, StringComparison.OrdinalIgnoreCase))
        {
            return new BulkColumn(index, name, BulkColumnKind.Container);
        }

        if (attribute is not null)
        {
            return attribute.IsWritable
                ? new BulkColumn(index, name, BulkColumnKind.Attribute, attribute)
                : throw HeaderError(index + 1, $"'{name}' is kept by the directory and cannot be imported");
        }

        if (BulkColumnNames.IsNotKept(name))
        {
            return new BulkColumn(index, name, BulkColumnKind.NotKept);
        }

        if (_options.IgnoreUnknownColumns)
        {
            return new BulkColumn(index, name, BulkColumnKind.Unknown);
        }

        var hint = NameSuggestions.Hint(name, BulkColumnNames.All);
        throw HeaderError(index + 1, hint is null
            ? $"unknown column '{name}'; see '{CommandHints.Attributes()}' for the names DirSync keeps, or add --ignore-unknown-columns to pass over the columns it does not know"
            : $"unknown column '{name}'; {hint} (or add --ignore-unknown-columns to pass over the columns DirSync does not know)");
    }

    private InputFormatException Duplicate(BulkColumn column, BulkColumn earlier)
    {
        var same = string.Equals(earlier.Name, column.Name, StringComparison.OrdinalIgnoreCase) ? "" : $" (the same attribute as '{earlier.Name}')";
        return HeaderError(column.Index + 1, $"duplicate column '{column.Name}'{same}: already column {earlier.Index + 1}");
    }

    /// <summary>One line for the columns passed over because DirSync does not keep them, one for those it does not know.</summary>
    private List<string> Warnings(List<BulkColumn> columns)
    {
        var warnings = new List<string>();
        foreach (var (kind, what) in new[] { (BulkColumnKind.NotKept, "DirSync does not keep"), (BulkColumnKind.Unknown, "DirSync does not know (--ignore-unknown-columns)") })
        {
            var passed = columns.Where(c => c.Kind == kind).Select(c => $"'{c.Name}' (column {c.Index + 1})").ToList();
            if (passed.Count > 0)
            {
                var noun = passed.Count == 1 ? "column" : "columns";
                warnings.Add(new InputFormatException(Name, _line, null, $"passing over {passed.Count} {noun} {what}: {string.Join(", ", passed)}").Message);
            }
        }

        return warnings;
    }

    private void FillRow()
    {
        var header = Header;
        var classText = Decode(0, header.Columns[0].Name);
        if (!ObjectClassNames.TryParse(classText, out var objectClass))
        {
            throw FieldError(header.Columns[0], classText.Length == 0
                ? $"the class is empty; use {BulkCsvSyntax.AcceptedClasses}"
                : $"unknown class '{classText}'; use {BulkCsvSyntax.AcceptedClasses}");
        }

        var mode = BulkMode.Update;
        if (header.Mode is { } modeColumn)
        {
            var modeText = Decode(modeColumn.Index, modeColumn.Name);
            if (!BulkCsvSyntax.TryParseMode(modeText, out mode))
            {
                throw FieldError(modeColumn, $"unknown mode '{modeText}'; use {BulkCsvSyntax.AcceptedModes}");
            }
        }

        var aliasColumn = header.Alias;
        var alias = Decode(aliasColumn.Index, aliasColumn.Name);
        if (alias.Length == 0 || IsClear(alias))
        {
            throw FieldError(aliasColumn, "every row needs the alias of its recipient");
        }

        _row.SetIdentity(mode, objectClass.Value, alias);
        var columns = header.Columns;
        for (var i = 1; i < columns.Count; i++)
        {
            var column = columns[i];
            if (_spans[i].Length == 0 || column.Kind != BulkColumnKind.Attribute || i == aliasColumn.Index)
            {
                if (_spans[i].Length > 0 && column.Kind is BulkColumnKind.Container or BulkColumnKind.MailNickname)
                {
                    FillSpecial(column, alias);
                }

                continue;
            }

            var text = Decode(i, column.Name);
            if (IsClear(text))
            {
                var why = BulkCsvSyntax.WhyNotClearable(column.Attribute!);
                _row.Add(why is null ? new BulkField(column, []) : throw FieldError(column, $"{BulkCsvSyntax.Clear} cannot clear it: {why}"));
            }
            else if (column.IsMultiValued)
            {
                _row.Add(new BulkField(column, SplitValues(column, text)));
            }
            else
            {
                _row.Add(new BulkField(column, [text]));
            }
        }
    }

    /// <summary>Reads a row's non-empty <c>Obj-Container</c> or mail-nickname field.</summary>
    private void FillSpecial(BulkColumn column, string alias)
    {
        var text = Decode(column.Index, column.Name);
        if (column.Kind == BulkColumnKind.MailNickname)
        {
            // One name serves as both alias and directory name here; a row that gives two different ones would lose one.
            if (!string.Equals(text, alias, StringComparison.OrdinalIgnoreCase))
            {
                throw FieldError(column, $"the alias '{text}' differs from the directory name '{alias}' ({Header.Alias.Name}); DirSync keeps one name for both, so make them the same or leave the {column.Name} column out");
            }

            return;
        }

        _row.SetContainer(BulkCsvSyntax.TryParseContainer(text, out var container)
            ? container
            : throw FieldError(column, $"'{text}' is not a container; write it as Exchange does (/o=Org/ou=Site/cn=Recipients/cn=Sales) or as a path (Recipients/Sales)"));
    }

    private string[] SplitValues(BulkColumn column, string text) =>
        BulkCsvSyntax.TrySplitValues(text, out var values)
            ? values
            : throw FieldError(column, $"an empty value between '{BulkCsvSyntax.ValueSeparator}' separators ('{text}')");

    private static bool IsClear(string text) => string.Equals(text, BulkCsvSyntax.Clear, StringComparison.OrdinalIgnoreCase);

    /// <summary>The text of field <paramref name="index"/> of the current record, quotes undone.</summary>
    private string Decode(int index, string what)
    {
        var span = _spans[index];
        if (span.Length == 0)
        {
            return "";
        }

        var bytes = _buffer.AsSpan(span.Offset, span.Length);
        if (span.Escaped)
        {
            if (_scratch.Length < bytes.Length)
            {
                _scratch = new byte[Math.Max(bytes.Length, 256)];
            }

            var length = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                _scratch[length++] = bytes[i];
                if (bytes[i] == (byte)'"')
                {
                    i++;
                }
            }

            bytes = _scratch.AsSpan(0, length);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InputFormatException(Name, _line, index + 1, $"{what}: {InvalidUtf8(bytes)}", e);
        }
    }

    /// <summary>Names the first byte that is not UTF-8 and the fix.</summary>
    private static string InvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        Utf8.ToUtf16(bytes, new char[bytes.Length], out var valid, out _, replaceInvalidSequences: false);
        var what = valid < bytes.Length ? $"byte 0x{bytes[valid]:X2}" : "the text";
        return $"{what} is not UTF-8, so the file seems to be in another encoding, such as an ANSI code page; {EncodingFix}";
    }

    private InputFormatException FieldError(BulkColumn column, string reason) =>
        new(Name, _line, column.Index + 1, $"{column.Name}: {reason}");

    private InputFormatException HeaderError(int? column, string reason) =>
        new(Name, _line, column, reason);

    private const string EncodingFix = "save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)";

    private static string Quote(string name) => name.Length == 0 ? "an empty name" : $"'{name}'";
}
