using System.Diagnostics.CodeAnalysis;
using System.Text;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Core.Formats;

/// <summary>What every change-set reader shares: the header in the leading comments, counting, and the verified trailer.</summary>
/// <remarks>A format supplies its items (comments and records) and maps its records; everything about integrity lives here once.</remarks>
internal abstract class ChangeSetReaderBase(ChangeSetReaderOptions options) : IChangeSetReader
{
    private ChangeSetHeader? _header;
    private ChangeSetTrailer? _trailer;
    private bool _pendingRecord;
    private long _records;

    /// <summary>The kinds of item a format yields.</summary>
    protected enum Item
    {
        End,
        Comment,
        Record,
        Other,
    }

    /// <inheritdoc/>
    public abstract ChangeSetFormat Format { get; }

    /// <inheritdoc/>
    public ChangeSetHeader Header => _header ?? throw new InvalidOperationException("The header has not been read.");

    /// <inheritdoc/>
    public ChangeSetTrailer Trailer => _trailer ?? throw new InvalidOperationException("The trailer has not been reached.");

    /// <summary>The file's name in errors.</summary>
    protected abstract string Name { get; }

    /// <summary>Reads the leading comments into the header; call once from the constructor of a derived class.</summary>
    protected void ReadHeader()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var comments = 0;
        long bytes = 0;
        while (true)
        {
            var item = Next();
            if (item == Item.Comment)
            {
                // The header is the one part of a change set held in memory whole, so it has limits of its own.
                var comment = CurrentComment;
                if (++comments > options.MaxHeaderComments)
                {
                    throw Error($"the header has more than the limit of {options.MaxHeaderComments} comments before the first record");
                }

                bytes += Encoding.UTF8.GetByteCount(comment);
                if (bytes > options.MaxHeaderBytes)
                {
                    throw Error($"the header is longer than the limit of {options.MaxHeaderBytes} bytes of comments before the first record");
                }

                if (ChangeSetHeaderText.TrySplit(comment, out var key, out var value))
                {
                    if (key == ChangeSetHeaderText.EndKey)
                    {
                        _header = ChangeSetHeaderText.Parse(values, reason => Error(reason));
                        VerifyTrailer(value);
                        return;
                    }

                    values.TryAdd(key, value);
                }

                continue;
            }

            if (item == Item.Other)
            {
                continue;
            }

            _header = ChangeSetHeaderText.Parse(values, reason => Error(reason));
            if (item == Item.End)
            {
                throw Error("the file ends without its end marker: it was cut short or is still being written");
            }

            _pendingRecord = true;
            return;
        }
    }

    /// <inheritdoc/>
    public bool Read([NotNullWhen(true)] out ChangeRecord? record)
    {
        record = NextRecord() ? MapRecord(Header) : null;
        return record is not null;
    }

    /// <inheritdoc/>
    public bool ReadAnchor(out Guid anchor)
    {
        AnchorsOnly = true;
        try
        {
            anchor = NextRecord() ? MapAnchor() : default;
            return _trailer is null;
        }
        finally
        {
            AnchorsOnly = false;
        }
    }

    /// <summary>Told while the next record is read for its anchor alone; a format may then read less of it.</summary>
    protected virtual bool AnchorsOnly
    {
        set { }
    }

    /// <summary>Moves to the next record; false once the trailer has been reached and verified.</summary>
    private bool NextRecord()
    {
        if (_trailer is not null)
        {
            return false;
        }

        while (true)
        {
            var item = _pendingRecord ? Item.Record : Next();
            _pendingRecord = false;
            switch (item)
            {
                case Item.Record:
                    _records++;
                    return true;
                case Item.Comment when ChangeSetHeaderText.TrySplit(CurrentComment, out var key, out var value) && key == ChangeSetHeaderText.EndKey:
                    VerifyTrailer(value);
                    return false;
                case Item.End:
                    throw Error("the file ends without its end marker: it was cut short or is still being written");
                default:
                    continue;
            }
        }
    }

    /// <inheritdoc/>
    public abstract void Dispose();

    /// <summary>Moves to the next item of the file.</summary>
    protected abstract Item Next();

    /// <summary>The text of the current comment.</summary>
    protected abstract string CurrentComment { get; }

    /// <summary>The SHA-256 of every byte before the current comment.</summary>
    protected abstract byte[] HashBeforeCurrentComment();

    /// <summary>Maps the current record of the file.</summary>
    protected abstract ChangeRecord MapRecord(ChangeSetHeader header);

    /// <summary>The anchor of the current record of the file, and nothing else of it.</summary>
    protected abstract Guid MapAnchor();

    /// <summary>A format error at the current position.</summary>
    protected abstract InputFormatException Error(string reason);

    /// <summary>Reads an anchor GUID, or fails naming the record.</summary>
    protected Guid ParseAnchor(string? text, string where) =>
        text is null ? throw Error($"the record for {where} has no anchor (objectGUID); DirSync cannot match it")
        : Guid.TryParse(text, out var guid) ? guid
        : throw Error($"the anchor '{text}' of {where} is not a GUID");

    /// <summary>Puts one attribute's values onto a record; a value list for a modify may be empty (a clear).</summary>
    protected void SetField(ChangeRecord record, ChangeSetHeader header, string name, IReadOnlyList<string> values, ISet<AttributeDefinition> seen)
    {
        if (!AttributeCatalog.TryGet(name, out var attribute))
        {
            throw Error($"unknown attribute '{name}'");
        }

        if (!seen.Add(attribute))
        {
            throw Error($"the attribute '{name}' appears twice in the record");
        }

        if (!attribute.IsMultiValued && values.Count > 1)
        {
            throw Error($"'{name}' takes one value, not {values.Count}");
        }

        try
        {
            if (attribute == AttributeCatalog.ProxyAddresses)
            {
                record.ProxyAddresses.AddRange(values.Select(ProxyAddress.Parse));
            }
            else if (attribute == AttributeCatalog.TargetAddress)
            {
                record.TargetAddress = values.Count == 0 || values[0].Length == 0 ? null : ProxyAddress.Parse(values[0]);
            }
            else if (attribute == AttributeCatalog.DisplayName)
            {
                record.DisplayName = values.Count == 0 ? null : values[0];
            }
            else if (attribute == AttributeCatalog.ObjectClass)
            {
                record.Class = values.Count == 0 ? null : ObjectClassNames.Parse(values[0]);
            }
            else if (attribute.Kind == AttributeKind.Descriptive)
            {
                if (!header.Attributes.Contains(attribute))
                {
                    throw Error($"'{name}' is not among the attributes the header lists");
                }

                record.Attributes.Set(attribute, values.Any(v => v.Length == 0) ? values.Where(v => v.Length > 0) : values);
            }
            else if (attribute == AttributeCatalog.ImportedFrom)
            {
                record.Owner = values.Count == 0 || values[0].Length == 0 ? null : values[0];
            }
            else if (attribute != AttributeCatalog.Alias && attribute != AttributeCatalog.ObjectGuid)
            {
                throw Error($"'{name}' does not belong in a change set record");
            }
        }
        catch (InvalidValueException e)
        {
            throw Error(e.Message);
        }
    }

    private void VerifyTrailer(string value)
    {
        var declared = ChangeSetHeaderText.ParseTrailer(value, reason => Error(reason));
        var actual = Convert.ToHexStringLower(HashBeforeCurrentComment());
        if (declared.Records != _records)
        {
            throw Error($"the end marker declares {declared.Records} records but the file holds {_records}: it was edited or damaged");
        }

        if (!string.Equals(declared.Sha256, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw Error("the integrity check failed: the file was edited or damaged after it was exported");
        }

        while (true)
        {
            switch (Next())
            {
                case Item.End:
                    _trailer = new ChangeSetTrailer(_records, actual, declared.Proof);
                    return;
                case Item.Comment or Item.Record:
                    throw Error("there is content after the end marker: the file was edited or two files were joined");
                default:
                    continue;
            }
        }
    }
}
