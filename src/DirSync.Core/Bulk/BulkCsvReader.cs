using System.Buffers;
using System.Text;
using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>Reads the Exchange administrator's bulk CSV (<c>admin /i</c>) row by row, streaming, from bytes.</summary>
/// <remarks>
/// <para>The format is RFC 4180: <c>,</c> between fields, <c>"</c> around a field that holds a comma,
/// quote or line break, <c>""</c> for a quote inside one, lines ending with CR LF or LF; a UTF-8 byte
/// order mark is skipped. The first line is the header (see <see cref="BulkCsvHeader"/>), checked when
/// the reader is made. Blank lines, and rows whose fields are all empty, are skipped.</para>
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

    // What a header may name, for "did you mean" hints.
    private static readonly string[] ColumnNames =
    [
        .. AttributeCatalog.All.Where(a => a.IsWritable).SelectMany(a => new[] { a.ExchangeName, a.LdapName }.Concat(a.OtherNames)),
        BulkCsvSyntax.ModeColumn,
    ];

    private readonly BulkCsvReaderOptions _options;
    private readonly BulkCsvRow _row;
    private byte[] _scratch = [];

    /// <summary>Creates a reader over <paramref name="stream"/>, naming it <paramref name="name"/> in errors, and reads the header.</summary>
    /// <exception cref="InputFormatException">The file is empty or its header is not valid.</exception>
    public BulkCsvReader(Stream stream, string name, BulkCsvReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        _stream = stream;
        Name = name;
        _options = options ?? BulkCsvReaderOptions.Default;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_options.ReadBlockBytes * 2, 4096));
        _row = new BulkCsvRow(this);
        try
        {
            SkipByteOrderMark();
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

    /// <summary>How many bytes of the stream the rows read so far span.</summary>
    public long BytesRead => _bufferOffset + _next;

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
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void SkipByteOrderMark()
    {
        while (_end < 3 && !_eof)
        {
            Fill();
        }

        if (_buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8))
        {
            _start = _next = _textEnd = 3;
        }
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

        if (_recordError is not null)
        {
            throw new InputFormatException(Name, _line, _recordErrorColumn, _recordError);
        }

        var columns = new List<BulkColumn>(_spanCount);
        BulkColumn? alias = null;
        BulkColumn? mode = null;
        var byAttribute = new Dictionary<AttributeDefinition, BulkColumn>();
        for (var i = 0; i < _spanCount; i++)
        {
            var name = Decode(i, "the header").Trim();
            var column = HeaderColumn(i, name, byAttribute, mode);
            columns.Add(column);
            if (column.IsMode)
            {
                mode = column;
            }
            else
            {
                byAttribute.Add(column.Attribute!, column);
                if (column.Attribute == AttributeCatalog.Alias)
                {
                    alias = column;
                }
            }
        }

        if (alias is null)
        {
            throw HeaderError(null, "the header has no Common-Name column (also spelled cn or Alias); every row names its recipient by alias");
        }

        var newLine = _next - _textEnd == 1 ? "\n" : "\r\n";
        return new BulkCsvHeader(_line, columns, alias, mode, CurrentRecordText.ToArray(), newLine);
    }

    private BulkColumn HeaderColumn(int index, string name, Dictionary<AttributeDefinition, BulkColumn> byAttribute, BulkColumn? mode)
    {
        AttributeCatalog.TryGet(name, out var attribute);
        if (index == 0)
        {
            return attribute == AttributeCatalog.ObjectClass
                ? new BulkColumn(0, name, attribute)
                : throw HeaderError(1, $"the first column must be Obj-Class (or objectClass), not {Quote(name)}");
        }

        if (name.Length == 0)
        {
            throw HeaderError(index + 1, $"column {index + 1} has no name");
        }

        if (string.Equals(name, BulkCsvSyntax.ModeColumn, StringComparison.OrdinalIgnoreCase))
        {
            return mode is null
                ? new BulkColumn(index, name, null)
                : throw HeaderError(index + 1, $"duplicate column '{name}': Mode is already column {mode.Index + 1}");
        }

        if (attribute is null)
        {
            var hint = NameSuggestions.Hint(name, ColumnNames) ?? "see 'dirsync attributes' for the list";
            throw HeaderError(index + 1, $"unknown attribute '{name}'; {hint}");
        }

        if (!attribute.IsWritable)
        {
            throw HeaderError(index + 1, $"'{name}' is kept by the directory and cannot be imported");
        }

        if (byAttribute.TryGetValue(attribute, out var earlier))
        {
            var same = string.Equals(earlier.Name, name, StringComparison.OrdinalIgnoreCase) ? "" : $" (the same attribute as '{earlier.Name}')";
            throw HeaderError(index + 1, $"duplicate column '{name}'{same}: already column {earlier.Index + 1}");
        }

        return new BulkColumn(index, name, attribute);
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
            if (_spans[i].Length == 0 || column.IsMode || i == aliasColumn.Index)
            {
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

    private string[] SplitValues(BulkColumn column, string text)
    {
        if (text.IndexOf(BulkCsvSyntax.ValueSeparator, StringComparison.Ordinal) < 0)
        {
            return [text];
        }

        var values = text.Split(BulkCsvSyntax.ValueSeparator);
        if (values.Any(v => v.Length == 0))
        {
            throw FieldError(column, $"an empty value between '{BulkCsvSyntax.ValueSeparator}' separators ('{text}')");
        }

        return values;
    }

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
            throw new InputFormatException(Name, _line, index + 1, $"{what}: the text is not valid UTF-8", e);
        }
    }

    private InputFormatException FieldError(BulkColumn column, string reason) =>
        new(Name, _line, column.Index + 1, $"{column.Name}: {reason}");

    private InputFormatException HeaderError(int? column, string reason) =>
        new(Name, _line, column, reason);

    private static string Quote(string name) => name.Length == 0 ? "an empty name" : $"'{name}'";
}
