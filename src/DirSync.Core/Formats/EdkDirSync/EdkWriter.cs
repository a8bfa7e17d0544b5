using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>Writes the EDK DIRSYNC text format: UTF-8, LF line ends, a blank line after each record.</summary>
/// <remarks>
/// <para><b>Values.</b> Every string without an unpaired surrogate is written so that <see cref="EdkReader"/>
/// reads it back exactly (within the reader's size limits). A value is written raw, as its UTF-8 bytes, when it is not empty, neither starts
/// nor ends with white space (<see cref="char.IsWhiteSpace(char)"/>), does not start with <c>"</c>, and holds no
/// control character (U+0000 to U+001F, U+007F) and no backslash. Any other value is quoted: <c>"</c>, then the
/// value with each backslash written <c>\\</c>, each <c>"</c> written <c>\"</c>, each control character written
/// <c>\xHH</c> (two upper-case hex digits) and every other character as its UTF-8 bytes, then <c>"</c>. The empty
/// string is <c>""</c>. Non-ASCII characters are never escaped.</para>
/// <para>When reading, <c>\\</c>, <c>\"</c> and <c>\xHH</c> are decoded in raw values too, as older files escape
/// without quoting; <c>\xHH</c> stands for one byte of the value's UTF-8, so the bytes a value's escapes make
/// must be valid UTF-8 together. Any other escape is an error.</para>
/// <para><b>Attributes.</b> An attribute with one value that is not indexed is written <c>- Name:value</c>; an
/// indexed one, or one with several values, <c>- Name[0]:value</c>, <c>- Name[1]:value</c>, ...; one with no values
/// <c>- Name:</c>, which reads back as not indexed. Names hold only ASCII letters, digits, <c>-</c>, <c>_</c>,
/// <c>.</c> and <c>;</c>, and appear once per record, compared case-insensitively.</para>
/// <para><b>Names and comments.</b> A distinguished name is written raw after the operation letter and a space;
/// it must not be empty or hold a control character. A comment is written <c># text</c> (<c>#</c> alone when
/// empty) and must not hold a line break.</para>
/// <para><b>Buffering.</b> Output is encoded straight into a pooled buffer that goes to the stream in blocks of
/// at least 64 KiB, between records. A record that fails validation is dropped whole, so the caller may go on
/// with the next one. The writer does not close the stream.</para>
/// </remarks>
public sealed class EdkWriter : IDisposable
{
    private const int FlushBytes = 64 * 1024;
    private const int InitialBufferBytes = 128 * 1024;

    private readonly Stream _stream;
    private readonly List<string> _recordNames = [];
    private byte[] _buffer;
    private int _count;
    private long _flushed;
    private int _recordStart = -1;   // where the open record starts in the buffer; -1 when none is open

    /// <summary>Creates a writer onto <paramref name="stream"/>.</summary>
    public EdkWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    }

    /// <summary>Every byte written so far, whether still buffered or already passed to the stream.</summary>
    public long BytesWritten => _flushed + _count;

    /// <summary>Writes a comment line between records.</summary>
    /// <exception cref="ArgumentException">The text holds a line break or an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">A record is open.</exception>
    public void WriteComment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfRecordOpen();
        if (text.AsSpan().ContainsAny(EdkSyntax.NewlineChars))
        {
            throw new ArgumentException("a comment cannot hold a line break", nameof(text));
        }

        var start = _count;
        EnsureSpace(3L * text.Length + 3);
        Put((byte)'#');
        if (text.Length > 0)
        {
            Put((byte)' ');
            if (!PutText(text))
            {
                _count = start;
                throw new ArgumentException("the comment holds an unpaired surrogate", nameof(text));
            }
        }

        Put((byte)'\n');
        FlushIfFull();
    }

    /// <summary>Writes a whole record and the blank line after it.</summary>
    /// <exception cref="ArgumentException">The name or an attribute cannot be written; nothing is written.</exception>
    /// <exception cref="InvalidOperationException">A record is open.</exception>
    public void WriteRecord(EdkOperation operation, string distinguishedName, IEnumerable<EdkAttribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        WriteStartRecord(operation, distinguishedName);
        try
        {
            foreach (var attribute in attributes)
            {
                WriteAttribute(attribute);
            }
        }
        catch
        {
            // Whatever failed (a bad value, the caller's enumerator), the record goes whole or not at all.
            AbandonRecord();
            throw;
        }

        WriteEndRecord();
    }

    /// <summary>Writes a whole record and the blank line after it.</summary>
    /// <exception cref="ArgumentException">The record cannot be written; nothing is written.</exception>
    /// <exception cref="InvalidOperationException">A record is open.</exception>
    public void WriteRecord(EdkRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        WriteRecord(record.Operation, record.DistinguishedName, record.Attributes);
    }

    /// <summary>Opens a record by writing its header line; attributes and <see cref="WriteEndRecord"/> follow.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds a control character or an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">A record is already open.</exception>
    public void WriteStartRecord(EdkOperation operation, string distinguishedName)
    {
        ArgumentNullException.ThrowIfNull(distinguishedName);
        ThrowIfRecordOpen();
        var letter = EdkSyntax.Letter(operation);
        if (distinguishedName.Length == 0)
        {
            throw new ArgumentException("the distinguished name is empty", nameof(distinguishedName));
        }

        if (distinguishedName.AsSpan().ContainsAny(EdkSyntax.ControlChars))
        {
            throw new ArgumentException(
                $"the distinguished name '{distinguishedName}' holds a control character, which a header line cannot carry",
                nameof(distinguishedName));
        }

        var start = _count;
        EnsureSpace(3L * distinguishedName.Length + 3);
        Put(letter);
        Put((byte)' ');
        if (!PutText(distinguishedName))
        {
            _count = start;
            throw new ArgumentException("the distinguished name holds an unpaired surrogate", nameof(distinguishedName));
        }

        Put((byte)'\n');
        _recordStart = start;
        _recordNames.Clear();
    }

    /// <summary>Writes a single-valued attribute of the open record as <c>- Name:value</c>.</summary>
    /// <exception cref="ArgumentException">The name or value cannot be written; the record is dropped.</exception>
    /// <exception cref="InvalidOperationException">No record is open.</exception>
    public void WriteAttribute(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StartAttribute(name);
        WriteLine(name, -1, value);
    }

    /// <summary>Writes an attribute of the open record with all its values.</summary>
    /// <exception cref="ArgumentException">The name or a value cannot be written; the record is dropped.</exception>
    /// <exception cref="InvalidOperationException">No record is open.</exception>
    public void WriteAttribute(string name, IReadOnlyList<string> values, bool isIndexed = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        StartAttribute(name);
        if (values.Count == 0)
        {
            EnsureSpace(name.Length + 4L);
            PutName(name);
            Put((byte)':');
            Put((byte)'\n');
            return;
        }

        var indexed = isIndexed || values.Count > 1;
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value is null)
            {
                AbandonRecord();
                throw new ArgumentException($"value {i} of '{name}' is null", nameof(values));
            }

            WriteLine(name, indexed ? i : -1, value);
        }
    }

    /// <summary>Writes an attribute of the open record.</summary>
    /// <exception cref="ArgumentException">The attribute cannot be written; the record is dropped.</exception>
    /// <exception cref="InvalidOperationException">No record is open.</exception>
    public void WriteAttribute(EdkAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        WriteAttribute(attribute.Name, attribute.Values, attribute.IsIndexed);
    }

    /// <summary>Closes the open record with its blank line.</summary>
    /// <exception cref="InvalidOperationException">No record is open.</exception>
    public void WriteEndRecord()
    {
        if (_recordStart < 0)
        {
            throw new InvalidOperationException("No record is open.");
        }

        EnsureSpace(1);
        Put((byte)'\n');
        _recordStart = -1;
        FlushIfFull();
    }

    /// <summary>Passes everything buffered to the stream and flushes the stream.</summary>
    /// <exception cref="InvalidOperationException">A record is open.</exception>
    public void Flush()
    {
        ThrowIfRecordOpen();
        FlushBuffer();
        _stream.Flush();
    }

    /// <summary>Passes every finished record and comment to the stream and releases the buffer; an open record is dropped.</summary>
    public void Dispose()
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        if (_recordStart >= 0)
        {
            AbandonRecord();
        }

        try
        {
            FlushBuffer();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void StartAttribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_recordStart < 0)
        {
            throw new InvalidOperationException("No record is open.");
        }

        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(EdkSyntax.NameChars))
        {
            AbandonRecord();
            throw new ArgumentException($"the attribute name '{name}' must be one or more of {EdkSyntax.NameRule}", nameof(name));
        }

        foreach (var written in _recordNames)
        {
            if (string.Equals(written, name, StringComparison.OrdinalIgnoreCase))
            {
                AbandonRecord();
                throw new ArgumentException($"the attribute '{name}' appears twice in the record", nameof(name));
            }
        }

        _recordNames.Add(name);
    }

    /// <summary>Writes <c>- Name:value</c>, or <c>- Name[index]:value</c> when <paramref name="index"/> is not negative.</summary>
    private void WriteLine(string name, int index, string value)
    {
        // Room for the name, "- ", "[index]", ":", the line feed and the worst case of the value: four bytes
        // per character when every one is escaped, plus the quotes.
        EnsureSpace(name.Length + 4L * value.Length + 20);
        PutName(name);
        if (index >= 0)
        {
            Put((byte)'[');
            index.TryFormat(_buffer.AsSpan(_count), out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
            _count += digits;
            Put((byte)']');
        }

        Put((byte)':');
        if (!PutValue(value))
        {
            AbandonRecord();
            throw new ArgumentException($"a value of '{name}' holds an unpaired surrogate, which UTF-8 cannot carry", nameof(value));
        }

        Put((byte)'\n');
    }

    private void PutName(string name)
    {
        Put((byte)'-');
        Put((byte)' ');

        // Names were checked to be ASCII, so each character is one byte.
        _count += Encoding.ASCII.GetBytes(name, _buffer.AsSpan(_count));
    }

    private bool PutValue(string value)
    {
        var span = value.AsSpan();
        var needsQuotes = span.Length == 0
            || span[0] == '"'
            || char.IsWhiteSpace(span[0])
            || char.IsWhiteSpace(span[^1])
            || span.ContainsAny(EdkSyntax.RawSpecialChars);
        if (!needsQuotes)
        {
            return PutText(span);
        }

        Put((byte)'"');
        while (true)
        {
            var special = span.IndexOfAny(EdkSyntax.QuotedSpecialChars);
            if (!PutText(special < 0 ? span : span[..special]))
            {
                return false;
            }

            if (special < 0)
            {
                break;
            }

            var c = span[special];
            Put((byte)'\\');
            if (c is '\\' or '"')
            {
                Put((byte)c);
            }
            else
            {
                Put((byte)'x');
                Put((byte)"0123456789ABCDEF"[c >> 4]);
                Put((byte)"0123456789ABCDEF"[c & 0xF]);
            }

            span = span[(special + 1)..];
        }

        Put((byte)'"');
        return true;
    }

    /// <summary>Encodes text as UTF-8 into the buffer, which has room; false for an unpaired surrogate.</summary>
    private bool PutText(ReadOnlySpan<char> text)
    {
        // The text is only ever split at ASCII characters, so a surrogate pair is never cut in two.
        var status = Utf8.FromUtf16(text, _buffer.AsSpan(_count), out _, out var written, replaceInvalidSequences: false);
        _count += written;
        return status == OperationStatus.Done;
    }

    private void Put(byte b) => _buffer[_count++] = b;

    private void EnsureSpace(long bytes)
    {
        if (_buffer.Length - _count >= bytes)
        {
            return;
        }

        // Records are never split across flushes, so a record larger than the buffer grows it.
        var needed = _count + bytes;
        if (needed > Array.MaxLength)
        {
            AbandonRecord();
            throw new ArgumentException("the record is too large to write");
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(needed, 2L * _buffer.Length), Array.MaxLength));
        _buffer.AsSpan(0, _count).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void AbandonRecord()
    {
        if (_recordStart >= 0)
        {
            _count = _recordStart;
            _recordStart = -1;
        }
    }

    private void ThrowIfRecordOpen()
    {
        if (_recordStart >= 0)
        {
            throw new InvalidOperationException("A record is open; end it with WriteEndRecord first.");
        }
    }

    private void FlushIfFull()
    {
        if (_count >= FlushBytes)
        {
            FlushBuffer();
        }
    }

    private void FlushBuffer()
    {
        if (_count > 0)
        {
            _stream.Write(_buffer, 0, _count);
            _flushed += _count;
            _count = 0;
        }
    }
}
