using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace DirSync.Core.Formats.Ldif;

/// <summary>Writes LDIF (RFC 2849) as UTF-8 bytes, streaming, through its own buffer.</summary>
/// <remarks>
/// <para>A value (or DN) is written as plain text only when it is an RFC 2849 SAFE-STRING of ASCII that
/// does not end with a space; anything else is base64 (<c>name:: ...</c>), so every string comes back
/// from <see cref="LdifReader"/> exactly as given. Lines longer than 76 columns are folded.</para>
/// <para>Calls are checked against the shape of a record, so the output is always readable by
/// <see cref="LdifReader"/>: attributes only in content and add records, modifications only in modify
/// records, comments only between records. If a call throws, the output so far is incomplete.</para>
/// <para>Bytes reach the stream in blocks of 64 KiB, on <see cref="Flush"/>, and on <see cref="Dispose"/>;
/// the writer does not own the stream and leaves it open.</para>
/// </remarks>
public sealed class LdifWriter : IDisposable
{
    private const int BufferBytes = 64 * 1024;
    private const int Width = LdifSyntax.LineWidth;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // SAFE-CHAR: any ASCII character but NUL, LF and CR.
    private static readonly SearchValues<char> SafeChars = SearchValues.Create(
        string.Concat(Enumerable.Range(1, 127).Where(c => c is not '\n' and not '\r').Select(c => (char)c)));

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _position;
    private byte[] _scratch = [];
    private long _flushedBytes;
    private bool _disposed;
    private bool _wroteVersion;
    private bool _wroteRecord;
    private bool _inRecord;
    private LdifChangeType _changeType;
    private int _recordLines;

    /// <summary>Creates a writer that writes to <paramref name="stream"/>.</summary>
    public LdifWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    }

    /// <summary>The number of bytes written so far, including those still in the buffer.</summary>
    public long BytesWritten => _flushedBytes + _position;

    /// <summary>Writes <c>version: 1</c>; only before the first record.</summary>
    /// <exception cref="InvalidOperationException">A record or a version line was already written.</exception>
    public void WriteVersion()
    {
        CheckState(inRecord: false);
        if (_wroteVersion || _wroteRecord)
        {
            throw new InvalidOperationException("The version line must come first, and only once.");
        }

        WriteRaw("version: 1\n"u8);
        _wroteVersion = true;
    }

    /// <summary>Writes a comment line (<c># text</c>), folded when long; only between records.</summary>
    /// <exception cref="ArgumentException">The text contains a line break or an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">A record is open: a comment inside it would be skipped by readers.</exception>
    public void WriteComment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckState(inRecord: false);
        if (text.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("A comment cannot contain a line break.", nameof(text));
        }

        var prefix = text.Length == 0 ? 1 : 2;
        var line = Scratch(prefix + GetUtf8ByteCount(text, nameof(text)));
        line[0] = (byte)'#';
        if (prefix == 2)
        {
            line[1] = (byte)' ';
        }

        StrictUtf8.GetBytes(text, line[prefix..]);
        WriteFolded(line, keepUtf8Sequences: true);
    }

    /// <summary>Starts a record: writes its <c>dn:</c> line and, unless <paramref name="changeType"/> is None, its <c>changetype:</c> line.</summary>
    /// <exception cref="ArgumentException">The DN contains an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">The previous record was not ended.</exception>
    public void WriteRecordStart(string dn, LdifChangeType changeType) => WriteRecordStart(dn, changeType, []);

    /// <summary>Starts a change record with controls between its <c>dn:</c> and <c>changetype:</c> lines.</summary>
    /// <exception cref="ArgumentException">A control's OID is not numeric, or controls are given for a content record.</exception>
    public void WriteRecordStart(string dn, LdifChangeType changeType, IReadOnlyList<LdifControl> controls)
    {
        ArgumentNullException.ThrowIfNull(dn);
        ArgumentNullException.ThrowIfNull(controls);
        CheckState(inRecord: false);
        if (controls.Count > 0 && changeType == LdifChangeType.None)
        {
            throw new ArgumentException("Controls belong to change records, not to content records.", nameof(controls));
        }

        foreach (var control in controls)
        {
            if (control.Oid.Length == 0 || control.Oid[0] == '.' || control.Oid[^1] == '.' || control.Oid.Contains("..", StringComparison.Ordinal)
                || control.Oid.Any(c => !char.IsAsciiDigit(c) && c != '.'))
            {
                throw new ArgumentException($"'{control.Oid}' is not a numeric OID.", nameof(controls));
            }
        }

        var line = changeType switch
        {
            LdifChangeType.None => [],
            LdifChangeType.Add => "changetype: add\n"u8,
            LdifChangeType.Delete => "changetype: delete\n"u8,
            LdifChangeType.Modify => "changetype: modify\n"u8,
            LdifChangeType.ModRdn => "changetype: modrdn\n"u8,
            _ => throw new ArgumentOutOfRangeException(nameof(changeType), changeType, "Not a change type."),
        };

        WriteValueLine("dn", dn, nameof(dn));
        foreach (var control in controls)
        {
            var head = $"control: {control.Oid} {(control.Critical ? "true" : "false")}";
            if (control.Value is null)
            {
                WriteFolded(Encoding.ASCII.GetBytes(head), keepUtf8Sequences: false);
            }
            else
            {
                // The value spec after the criticality has the same form as an attribute's value.
                WriteValueLine(head, control.Value, nameof(controls));
            }
        }

        WriteRaw(line);
        _inRecord = true;
        _wroteRecord = true;
        _changeType = changeType;
        _recordLines = 0;
    }

    /// <summary>Writes one value of an attribute of a content or add record.</summary>
    /// <exception cref="ArgumentException">The name is not a valid attribute description, or the value contains an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">No content or add record is open.</exception>
    public void WriteAttribute(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        CheckState(inRecord: true);
        if (_changeType is not (LdifChangeType.None or LdifChangeType.Add))
        {
            throw new InvalidOperationException($"Attributes belong to content and add records, not to {_changeType} records.");
        }

        CheckAttributeName(name, nameof(name));
        WriteValueLine(name, value, nameof(value));
        _recordLines++;
    }

    /// <summary>Writes one modification of a modify record: its <c>add:</c>, <c>delete:</c> or <c>replace:</c> line, the values, and <c>-</c>.</summary>
    /// <exception cref="ArgumentException">The attribute is not a valid attribute description, or a value contains an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">No modify record is open.</exception>
    public void WriteModification(LdifModificationKind kind, string attribute, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        ArgumentNullException.ThrowIfNull(values);
        CheckState(inRecord: true);
        if (_changeType != LdifChangeType.Modify)
        {
            throw new InvalidOperationException($"Modifications belong to modify records, not to {_changeType} records.");
        }

        CheckAttributeName(attribute, nameof(attribute));
        var keyword = kind switch
        {
            LdifModificationKind.Add => "add",
            LdifModificationKind.Delete => "delete",
            LdifModificationKind.Replace => "replace",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a modification kind."),
        };

        WriteValueLine(keyword, attribute, nameof(attribute));
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            WriteValueLine(attribute, value, nameof(values));
        }

        WriteRaw("-\n"u8);
        _recordLines++;
    }

    /// <summary>Writes the fields of a modrdn record: <c>newrdn:</c>, <c>deleteoldrdn:</c> and, when moving, <c>newsuperior:</c>.</summary>
    /// <exception cref="ArgumentException">A name contains an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">No modrdn record is open, or its fields were already written.</exception>
    public void WriteModRdn(string newRdn, bool deleteOldRdn, string? newSuperior)
    {
        ArgumentNullException.ThrowIfNull(newRdn);
        CheckState(inRecord: true);
        if (_changeType != LdifChangeType.ModRdn || _recordLines > 0)
        {
            throw new InvalidOperationException("The modrdn fields belong to a modrdn record, once.");
        }

        WriteValueLine("newrdn", newRdn, nameof(newRdn));
        WriteRaw(deleteOldRdn ? "deleteoldrdn: 1\n"u8 : "deleteoldrdn: 0\n"u8);
        if (newSuperior is not null)
        {
            WriteValueLine("newsuperior", newSuperior, nameof(newSuperior));
        }

        _recordLines++;
    }

    /// <summary>Ends the open record with its blank line.</summary>
    /// <exception cref="InvalidOperationException">No record is open, or it lacks what its change type requires.</exception>
    public void WriteRecordEnd()
    {
        CheckState(inRecord: true);
        if (_recordLines == 0 && _changeType is LdifChangeType.None or LdifChangeType.Add)
        {
            throw new InvalidOperationException("A content or add record needs at least one attribute.");
        }

        if (_recordLines == 0 && _changeType == LdifChangeType.ModRdn)
        {
            throw new InvalidOperationException("A modrdn record needs its fields; call WriteModRdn.");
        }

        WriteRaw("\n"u8);
        _inRecord = false;
    }

    /// <summary>Writes a whole record, as the calls above would.</summary>
    /// <exception cref="ArgumentException">A name or value cannot be written.</exception>
    /// <exception cref="InvalidOperationException">A record is open, or this one lacks what its change type requires.</exception>
    public void WriteRecord(LdifRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        WriteRecordStart(record.Dn, record.ChangeType, record.Controls);
        switch (record.ChangeType)
        {
            case LdifChangeType.None or LdifChangeType.Add:
                foreach (var attribute in record.Attributes)
                {
                    WriteAttribute(attribute.Name, attribute.Value);
                }

                break;
            case LdifChangeType.Modify:
                foreach (var modification in record.Modifications)
                {
                    WriteModification(modification.Kind, modification.Attribute, modification.Values);
                }

                break;
            case LdifChangeType.ModRdn:
                WriteModRdn(record.NewRdn ?? throw new ArgumentException("A modrdn record needs a NewRdn.", nameof(record)), record.DeleteOldRdn, record.NewSuperior);
                break;
        }

        WriteRecordEnd();
    }

    /// <summary>Writes the buffered bytes to the stream and flushes it.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlushBuffer();
        _stream.Flush();
    }

    /// <summary>Flushes what is buffered and releases the buffers; the stream stays open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            Flush();
        }
        finally
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            if (_scratch.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
                _scratch = [];
            }
        }
    }

    private void CheckState(bool inRecord)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (inRecord && !_inRecord)
        {
            throw new InvalidOperationException("No record is open; call WriteRecordStart first.");
        }

        if (!inRecord && _inRecord)
        {
            throw new InvalidOperationException("A record is open; call WriteRecordEnd first.");
        }
    }

    private static void CheckAttributeName(string name, string parameter)
    {
        if (LdifSyntax.FindInvalidNameChar(name.AsSpan()) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a valid LDIF attribute description.", parameter);
        }

        // Readers take these for the record's own lines (or refuse them) rather than for attributes.
        if (name.Equals("dn", StringComparison.OrdinalIgnoreCase)
            || name.Equals("changetype", StringComparison.OrdinalIgnoreCase)
            || name.Equals("control", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{name}' cannot be written as an attribute.", parameter);
        }
    }

    /// <summary>Writes <c>name: value</c>, or <c>name:: base64</c> when the value is not safe as plain text.</summary>
    /// <remarks><paramref name="name"/> must already be valid, hence ASCII.</remarks>
    private void WriteValueLine(string name, string value, string parameter)
    {
        if (IsSafe(value))
        {
            var length = name.Length + (value.Length == 0 ? 1 : 2 + value.Length);
            if (length <= Width)
            {
                // The common case: one short line, encoded straight into the output buffer.
                var span = Reserve(length + 1);
                WritePlain(span, name, value);
                span[length] = (byte)'\n';
                _position += length + 1;
                return;
            }

            var line = Scratch(length);
            WritePlain(line, name, value);
            WriteFolded(line, keepUtf8Sequences: false);
            return;
        }

        var prefix = name.Length + 3;
        var utf8Length = GetUtf8ByteCount(value, parameter);
        var encoded = Scratch(prefix + Base64.GetMaxEncodedToUtf8Length(utf8Length));
        Ascii.FromUtf16(name, encoded, out _);
        ":: "u8.CopyTo(encoded[name.Length..]);
        var data = encoded[prefix..];
        StrictUtf8.GetBytes(value, data);
        Base64.EncodeToUtf8InPlace(data, utf8Length, out var written);
        WriteFolded(encoded[..(prefix + written)], keepUtf8Sequences: false);
    }

    private static void WritePlain(Span<byte> line, string name, string value)
    {
        Ascii.FromUtf16(name, line, out _);
        line[name.Length] = (byte)':';
        if (value.Length > 0)
        {
            line[name.Length + 1] = (byte)' ';
            Ascii.FromUtf16(value, line[(name.Length + 2)..], out _);
        }
    }

    /// <summary>Whether a value may be written as plain text and read back unchanged.</summary>
    private static bool IsSafe(string value)
    {
        if (value.Length == 0)
        {
            return true;
        }

        // Readers strip spaces after the colon, and ':' or '<' there would mark base64 or a URL;
        // a trailing space is legal but vanishes in editors and mail, so it is encoded too.
        return value[0] is not (' ' or ':' or '<')
            && value[^1] != ' '
            && !value.AsSpan().ContainsAnyExcept(SafeChars);
    }

    private static int GetUtf8ByteCount(string text, string parameter)
    {
        try
        {
            return StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The text contains an unpaired surrogate, which UTF-8 cannot represent.", parameter, e);
        }
    }

    /// <summary>Writes a logical line, folded into physical lines of at most 76 bytes.</summary>
    private void WriteFolded(ReadOnlySpan<byte> line, bool keepUtf8Sequences)
    {
        var width = Width;
        var continuation = false;
        while (true)
        {
            var take = Math.Min(width, line.Length);

            // RFC 2849 may fold inside a UTF-8 sequence; readers of comments are spared it.
            while (keepUtf8Sequences && take < line.Length && take > 1 && (line[take] & 0xC0) == 0x80)
            {
                take--;
            }

            var span = Reserve(take + 2);
            var at = 0;
            if (continuation)
            {
                span[at++] = (byte)' ';
            }

            line[..take].CopyTo(span[at..]);
            at += take;
            span[at++] = (byte)'\n';
            _position += at;

            line = line[take..];
            if (line.IsEmpty)
            {
                return;
            }

            continuation = true;
            width = Width - 1;
        }
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _position += bytes.Length;
    }

    /// <summary>The free part of the buffer, at least <paramref name="bytes"/> long (always under 100).</summary>
    private Span<byte> Reserve(int bytes)
    {
        if (_buffer.Length - _position < bytes)
        {
            FlushBuffer();
        }

        return _buffer.AsSpan(_position);
    }

    private void FlushBuffer()
    {
        if (_position > 0)
        {
            _stream.Write(_buffer, 0, _position);
            _flushedBytes += _position;
            _position = 0;
        }
    }

    /// <summary>A reusable work area of exactly <paramref name="bytes"/>, for lines that are built before being folded.</summary>
    private Span<byte> Scratch(int bytes)
    {
        if (_scratch.Length < bytes)
        {
            if (_scratch.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<byte>.Shared.Rent(Math.Max(bytes, 1024));
        }

        return _scratch.AsSpan(0, bytes);
    }
}
