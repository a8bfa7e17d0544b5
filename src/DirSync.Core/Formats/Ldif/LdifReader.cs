using System.Security.Cryptography;
using System.Text;

namespace DirSync.Core.Formats.Ldif;

/// <summary>Reads an LDIF file (RFC 2849) item by item, streaming, from its bytes.</summary>
/// <remarks>
/// <para>The items are the optional <c>version: 1</c> line, comments between records, and records.
/// Content records (no <c>changetype:</c>) and change records may be mixed; which ones a file may
/// hold is for the caller to decide.</para>
/// <para>Every malformed input ends in an <see cref="InputFormatException"/> that names the physical
/// line (and column, where one byte is to blame), also inside folded lines.</para>
/// <para>What is accepted beyond the strict grammar: a UTF-8 byte order mark at the start; UTF-8
/// (not only ASCII) in plain values; whitespace inside and after base64 values; trailing spaces after
/// keyword values such as <c>changetype: add </c>; a missing <c>-</c> after the last modification of a
/// record. What is refused although the grammar allows it: <c>name:&lt; URL</c> values,
/// <c>control:</c> lines are returned with their record for the caller to judge (a critical one it does not understand must fail the record),
/// values that are not UTF-8, and an attribute named <c>dn</c> inside a record (it is almost
/// always a missing blank line between two records).</para>
/// <para>The reader does not own the stream: disposing it leaves the stream open.</para>
/// </remarks>
public sealed partial class LdifReader : IDisposable
{
    private readonly LineReader _lines;
    private readonly LdifReaderOptions _options;
    private readonly NameCache _names = new();
    private readonly List<LdifValue> _attributes = [];
    private readonly List<LdifModification> _modifications = [];
    private readonly List<string> _values = [];
    private bool _hashing;
    private bool _seenVersion;
    private bool _seenRecord;
    private int _recordLines;
    private long _recordBytes;
    private LdifRecord? _record;
    private string? _comment;

    /// <summary>Creates a reader over <paramref name="stream"/>, naming it <paramref name="name"/> in errors.</summary>
    public LdifReader(Stream stream, string name, LdifReaderOptions? options = null)
    {
        _options = options ?? LdifReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxValueBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxAttributesPerRecord, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxRecordBytes, nameof(options));
        _lines = new LineReader(stream, name, _options.Lines);

        // A folded line longer than this cannot hold a value within the limit, even base64-encoded.
        _maxFoldedBytes = (int)Math.Min(Array.MaxLength, (long)_options.MaxValueBytes * 4 / 3 + 4096);
    }

    /// <summary>The name of the input in error messages (usually the file path).</summary>
    public string Name => _lines.Name;

    /// <summary>What the reader is positioned on.</summary>
    public LdifItemKind ItemKind { get; private set; }

    /// <summary>The 1-based line where the current item starts; 0 when there is none.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// Whether records are read only as far as their <c>dn:</c>, <c>control:</c> and <c>changetype:</c> lines, the rest
    /// passed over unread: for a pass that needs only those (the anchors of a change set), a fraction of the work.
    /// </summary>
    internal bool SkipRecordBodies { get; set; }

    /// <summary>The current record.</summary>
    /// <remarks>Each record is a new object the caller may keep.</remarks>
    /// <exception cref="InvalidOperationException">The current item is not a record.</exception>
    public LdifRecord Record => _record ?? throw new InvalidOperationException("The reader is not positioned on a record.");

    /// <summary>The text of the current comment: what follows the <c>#</c>, one leading space removed, folded lines joined.</summary>
    /// <exception cref="InvalidOperationException">The current item is not a comment.</exception>
    public string Comment => _comment ?? throw new InvalidOperationException("The reader is not positioned on a comment.");

    /// <summary>Starts hashing the input from its first byte; call before the first <see cref="Read"/>.</summary>
    public void EnableHash(HashAlgorithmName algorithm)
    {
        _lines.EnableHash(algorithm);
        _hashing = true;
    }

    /// <summary>The hash of every byte before the current comment's first line, or of the whole input once <see cref="Read"/> has returned false.</summary>
    /// <remarks>This is what a trailer comment that checks "everything above me" needs.</remarks>
    /// <exception cref="InvalidOperationException">Hashing was not enabled, or the reader is on a version line or a record.</exception>
    public byte[] GetHashBeforeCurrentItem()
    {
        if (ItemKind is LdifItemKind.Version or LdifItemKind.Record)
        {
            throw new InvalidOperationException("The hash is only available on a comment or after the end of the input.");
        }

        return _foldedItemHash ?? _lines.GetHashBeforeCurrentLine();
    }

    /// <summary>Moves to the next item.</summary>
    /// <returns>False at the end of the input.</returns>
    /// <remarks>Comments between records are items; comments inside a record (before its closing blank
    /// line) are skipped, so a comment meant to be seen must follow a blank line.</remarks>
    /// <exception cref="InputFormatException">The input is not valid LDIF, or breaks a limit in the options.</exception>
    public bool Read()
    {
        _record = null;
        _comment = null;
        ItemKind = LdifItemKind.None;
        LineNumber = 0;
        while (ReadLogicalLine())
        {
            var line = Logical;
            if (line.IsEmpty)
            {
                continue;
            }

            LineNumber = _lineNumber;
            if (line[0] == (byte)'#')
            {
                _comment = ReadComment(line);
                ItemKind = LdifItemKind.Comment;
                return true;
            }

            if (line[0] == (byte)' ')
            {
                throw ErrorAt(0, "continuation line has no line before it");
            }

            var colon = line.IndexOf((byte)':');
            var name = colon < 0 ? [] : line[..colon];
            if (Ascii.EqualsIgnoreCase(name, "version"u8))
            {
                ReadVersion(line, colon);
                ItemKind = LdifItemKind.Version;
                return true;
            }

            if (!Ascii.EqualsIgnoreCase(name, "dn"u8))
            {
                throw ErrorAt(0, "record does not start with 'dn:'");
            }

            _record = ReadRecord(line, colon);
            ItemKind = LdifItemKind.Record;
            return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _lines.Dispose();
        ReturnBuffers();
    }

    private void ReadVersion(ReadOnlySpan<byte> line, int colon)
    {
        if (_seenRecord)
        {
            throw ErrorAt(0, "'version:' must come before the first record");
        }

        if (_seenVersion)
        {
            throw ErrorAt(0, "'version:' appears twice");
        }

        var value = KeywordValue(line, colon, out var start);
        if (!value.SequenceEqual("1"u8))
        {
            throw ErrorAt(start, $"unsupported LDIF version '{Quote(value)}'; only version 1 is supported");
        }

        _seenVersion = true;
    }

    private string ReadComment(ReadOnlySpan<byte> line)
    {
        var start = line.Length > 1 && line[1] == (byte)' ' ? 2 : 1;
        return DecodeUtf8(line[start..], start, "comment is not valid UTF-8");
    }

    private LdifRecord ReadRecord(ReadOnlySpan<byte> line, int colon)
    {
        var lineNumber = _lineNumber;
        _recordLines = 0;
        _recordBytes = 0;
        var dn = ReadValue(line, colon);
        _seenRecord = true;

        var changeType = LdifChangeType.None;
        List<LdifControl>? controls = null;
        var hasLine = NextRecordLine();
        while (hasLine && !IsSeparator(Logical))
        {
            line = Logical;
            colon = ParseAttributeName(line);
            var name = line[..colon];
            if (Ascii.EqualsIgnoreCase(name, "control"u8))
            {
                (controls ??= []).Add(ReadControl(line, colon));
                hasLine = NextRecordLine();
                continue;
            }

            if (Ascii.EqualsIgnoreCase(name, "changetype"u8))
            {
                changeType = ReadChangeType(line, colon);
                hasLine = NextRecordLine();
            }

            break;
        }

        if (controls is not null && changeType == LdifChangeType.None)
        {
            throw ErrorAt(0, "'control:' lines belong to change records; 'changetype:' must follow them");
        }

        if (SkipRecordBodies)
        {
            // Counted, limited and hashed as ever, but neither decoded nor checked: a later full read does that.
            while (hasLine)
            {
                hasLine = NextRecordLine();
            }

            return new LdifRecord { Dn = dn, ChangeType = changeType, LineNumber = lineNumber, Controls = controls ?? [] };
        }

        var record = changeType switch
        {
            LdifChangeType.None or LdifChangeType.Add => ReadAttributes(dn, changeType, lineNumber, hasLine),
            LdifChangeType.Delete => ReadDelete(dn, lineNumber, hasLine),
            LdifChangeType.Modify => ReadModify(dn, lineNumber, hasLine),
            _ => ReadModRdn(dn, lineNumber, hasLine),
        };
        return controls is null ? record : WithControls(record, controls);
    }

    private static LdifRecord WithControls(LdifRecord record, List<LdifControl> controls) => new()
    {
        Dn = record.Dn,
        ChangeType = record.ChangeType,
        LineNumber = record.LineNumber,
        Controls = controls,
        Attributes = record.Attributes,
        Modifications = record.Modifications,
        NewRdn = record.NewRdn,
        DeleteOldRdn = record.DeleteOldRdn,
        NewSuperior = record.NewSuperior,
    };

    /// <summary>Reads <c>control: oid [true|false] [: value | :: base64]</c> (RFC 2849).</summary>
    private LdifControl ReadControl(ReadOnlySpan<byte> line, int colon)
    {
        var at = SkipSpaces(line, colon + 1);
        var oidStart = at;
        while (at < line.Length && (char.IsAsciiDigit((char)line[at]) || line[at] == (byte)'.'))
        {
            at++;
        }

        var oid = line[oidStart..at];
        if (oid.IsEmpty || oid[0] == (byte)'.' || oid[^1] == (byte)'.' || oid.IndexOf(".."u8) >= 0)
        {
            throw ErrorAt(oidStart, "a control needs a numeric OID, such as 1.2.840.113556.1.4.417");
        }

        var critical = false;
        var afterOid = SkipSpaces(line, at);
        if (afterOid > at && afterOid < line.Length && line[afterOid] != (byte)':')
        {
            var rest = line[afterOid..];
            var word = rest[..(rest.IndexOf((byte)':') is var c and >= 0 ? c : rest.Length)].TrimEnd((byte)' ');
            if (Ascii.EqualsIgnoreCase(word, "true"u8))
            {
                critical = true;
            }
            else if (!Ascii.EqualsIgnoreCase(word, "false"u8))
            {
                throw ErrorAt(afterOid, "a control's criticality is 'true' or 'false'");
            }

            afterOid = SkipSpaces(line, afterOid + word.Length);
        }

        string? value = null;
        if (afterOid < line.Length)
        {
            if (line[afterOid] != (byte)':')
            {
                throw ErrorAt(afterOid, "expected ': value' after the control's OID and criticality");
            }

            value = ReadValue(line, afterOid);
        }

        return new LdifControl(Encoding.ASCII.GetString(oid), critical, value);
    }

    private LdifChangeType ReadChangeType(ReadOnlySpan<byte> line, int colon)
    {
        var value = KeywordValue(line, colon, out var start);
        if (Ascii.EqualsIgnoreCase(value, "add"u8))
        {
            return LdifChangeType.Add;
        }

        if (Ascii.EqualsIgnoreCase(value, "delete"u8))
        {
            return LdifChangeType.Delete;
        }

        if (Ascii.EqualsIgnoreCase(value, "modify"u8))
        {
            return LdifChangeType.Modify;
        }

        if (Ascii.EqualsIgnoreCase(value, "modrdn"u8) || Ascii.EqualsIgnoreCase(value, "moddn"u8))
        {
            return LdifChangeType.ModRdn;
        }

        throw ErrorAt(start, $"unknown changetype '{Quote(value)}'");
    }

    private LdifRecord ReadAttributes(string dn, LdifChangeType changeType, long lineNumber, bool hasLine)
    {
        _attributes.Clear();
        while (hasLine)
        {
            var line = Logical;
            var colon = ParseAttributeName(line);
            var name = line[..colon];
            if (Ascii.EqualsIgnoreCase(name, "dn"u8))
            {
                throw ErrorAt(0, "'dn:' inside a record; records are separated by a blank line");
            }

            if (Ascii.EqualsIgnoreCase(name, "changetype"u8))
            {
                throw ErrorAt(0, "'changetype:' must come right after the 'dn:' line");
            }

            _attributes.Add(new LdifValue(_names.Get(name), ReadValue(line, colon)));
            hasLine = NextRecordLine();
        }

        if (_attributes.Count == 0)
        {
            throw RecordError(lineNumber, changeType == LdifChangeType.Add ? "add record has no attributes" : "record has no attributes");
        }

        return new LdifRecord { Dn = dn, ChangeType = changeType, LineNumber = lineNumber, Attributes = _attributes.ToArray() };
    }

    private LdifRecord ReadDelete(string dn, long lineNumber, bool hasLine)
    {
        if (hasLine)
        {
            throw ErrorAt(0, "a delete record has no lines after 'changetype: delete'");
        }

        return new LdifRecord { Dn = dn, ChangeType = LdifChangeType.Delete, LineNumber = lineNumber };
    }

    private LdifRecord ReadModify(string dn, long lineNumber, bool hasLine)
    {
        _modifications.Clear();
        while (hasLine)
        {
            var line = Logical;
            if (IsSeparator(line))
            {
                throw ErrorAt(0, "'-' without a modification to close");
            }

            var colon = ParseAttributeName(line);
            var name = line[..colon];
            LdifModificationKind kind;
            if (Ascii.EqualsIgnoreCase(name, "add"u8))
            {
                kind = LdifModificationKind.Add;
            }
            else if (Ascii.EqualsIgnoreCase(name, "delete"u8))
            {
                kind = LdifModificationKind.Delete;
            }
            else if (Ascii.EqualsIgnoreCase(name, "replace"u8))
            {
                kind = LdifModificationKind.Replace;
            }
            else
            {
                throw ErrorAt(0, $"expected 'add:', 'delete:' or 'replace:' in a modify record, found '{Quote(name)}:'");
            }

            var attributeBytes = KeywordValue(line, colon, out var start);
            CheckAttributeName(attributeBytes, start);
            var attribute = _names.Get(attributeBytes);

            _values.Clear();
            while (true)
            {
                // A record may end without the last '-': unambiguous, and some tools write it so.
                hasLine = NextRecordLine();
                if (!hasLine)
                {
                    break;
                }

                line = Logical;
                if (IsSeparator(line))
                {
                    hasLine = NextRecordLine();
                    break;
                }

                colon = ParseAttributeName(line);
                name = line[..colon];
                if (!Ascii.EqualsIgnoreCase(name, attribute))
                {
                    throw ErrorAt(0, $"attribute '{Quote(name)}' does not match the modification of '{attribute}' (missing '-'?)");
                }

                _values.Add(ReadValue(line, colon));
            }

            _modifications.Add(new LdifModification(kind, attribute, _values.ToArray()));
        }

        return new LdifRecord { Dn = dn, ChangeType = LdifChangeType.Modify, LineNumber = lineNumber, Modifications = _modifications.ToArray() };
    }

    private LdifRecord ReadModRdn(string dn, long lineNumber, bool hasLine)
    {
        var colon = ExpectField(hasLine, "newrdn"u8, lineNumber);
        var newRdn = ReadValue(Logical, colon);

        colon = ExpectField(NextRecordLine(), "deleteoldrdn"u8, lineNumber);
        var flag = KeywordValue(Logical, colon, out var start);
        var deleteOldRdn = flag.SequenceEqual("1"u8);
        if (!deleteOldRdn && !flag.SequenceEqual("0"u8))
        {
            throw ErrorAt(start, "'deleteoldrdn:' must be 0 or 1");
        }

        string? newSuperior = null;
        hasLine = NextRecordLine();
        if (hasLine && !IsSeparator(Logical))
        {
            colon = ParseAttributeName(Logical);
            if (Ascii.EqualsIgnoreCase(Logical[..colon], "newsuperior"u8))
            {
                newSuperior = ReadValue(Logical, colon);
                hasLine = NextRecordLine();
            }
        }

        if (hasLine)
        {
            throw ErrorAt(0, "unexpected line after the fields of a modrdn record");
        }

        return new LdifRecord
        {
            Dn = dn,
            ChangeType = LdifChangeType.ModRdn,
            LineNumber = lineNumber,
            NewRdn = newRdn,
            DeleteOldRdn = deleteOldRdn,
            NewSuperior = newSuperior,
        };
    }

    /// <summary>Checks that the current line is <paramref name="field"/>; returns its colon.</summary>
    private int ExpectField(bool hasLine, ReadOnlySpan<byte> field, long lineNumber)
    {
        var expected = Encoding.ASCII.GetString(field);
        if (!hasLine)
        {
            throw RecordError(lineNumber, $"modrdn record has no '{expected}:' line");
        }

        var line = Logical;
        var colon = IsSeparator(line) ? -1 : ParseAttributeName(line);
        if (colon < 0 || !Ascii.EqualsIgnoreCase(line[..colon], field))
        {
            throw ErrorAt(0, $"expected '{expected}:' in a modrdn record");
        }

        return colon;
    }

    /// <summary>Moves to the record's next line, skipping comments; false at its closing blank line or the end of input.</summary>
    private bool NextRecordLine()
    {
        while (ReadLogicalLine())
        {
            var line = Logical;
            if (line.IsEmpty)
            {
                return false;
            }

            if (line[0] == (byte)'#')
            {
                continue;
            }

            if (++_recordLines > _options.MaxAttributesPerRecord)
            {
                throw ErrorAt(null, $"record has more than {_options.MaxAttributesPerRecord} lines");
            }

            return true;
        }

        return false;
    }

    private static bool IsSeparator(ReadOnlySpan<byte> line) => line.Length == 1 && line[0] == (byte)'-';

    /// <summary>Validates the attribute description that starts the line; returns the index of its colon.</summary>
    private int ParseAttributeName(ReadOnlySpan<byte> line)
    {
        if (IsSeparator(line))
        {
            throw ErrorAt(0, "'-' outside a modify record");
        }

        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            throw ErrorAt(null, "missing ':' after the attribute name");
        }

        CheckAttributeName(line[..colon], 0);
        return colon;
    }

    private void CheckAttributeName(ReadOnlySpan<byte> name, int offset)
    {
        if (name.IsEmpty)
        {
            throw ErrorAt(offset, "attribute name is empty");
        }

        var bad = LdifSyntax.FindInvalidNameChar(name);
        if (bad == name.Length)
        {
            throw ErrorAt(offset + bad, $"attribute name '{Quote(name)}' is incomplete");
        }

        if (bad >= 0)
        {
            throw ErrorAt(offset + bad, $"invalid character {Describe(name[bad])} in attribute name");
        }
    }

    /// <summary>The value of a keyword line (<c>changetype: add</c>): plain, leading and trailing spaces removed.</summary>
    private ReadOnlySpan<byte> KeywordValue(ReadOnlySpan<byte> line, int colon, out int start)
    {
        if (colon + 1 < line.Length && line[colon + 1] is (byte)':' or (byte)'<')
        {
            throw ErrorAt(colon + 1, $"'{Quote(line[..colon])}:' takes a plain value");
        }

        start = SkipSpaces(line, colon + 1);
        return line[start..].TrimEnd((byte)' ');
    }

    private static int SkipSpaces(ReadOnlySpan<byte> line, int index)
    {
        while (index < line.Length && line[index] == (byte)' ')
        {
            index++;
        }

        return index;
    }

    private InputFormatException RecordError(long lineNumber, string reason) => new(Name, lineNumber, null, reason);

    /// <summary>A short, printable rendering of input bytes for an error message.</summary>
    private static string Quote(ReadOnlySpan<byte> bytes)
    {
        const int Max = 40;
        return bytes.Length <= Max ? Encoding.UTF8.GetString(bytes) : Encoding.UTF8.GetString(bytes[..Max]) + "...";
    }

    private static string Describe(byte b) => b is >= 0x21 and < 0x7F || b == ' ' ? $"'{(char)b}'" : $"0x{b:X2}";
}
