using System.Security.Cryptography;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Core.Formats.Ldif;

/// <summary>Reads a change set written by <see cref="LdifChangeSetWriter"/>, verifying it as it goes.</summary>
internal sealed class LdifChangeSetReader : ChangeSetReaderBase
{
    private readonly Stream _stream;
    private readonly LdifReader _reader;

    public LdifChangeSetReader(Stream stream, string name, ChangeSetReaderOptions options)
        : base(options)
    {
        _stream = stream;
        _reader = new LdifReader(stream, name, options.Ldif);
        _reader.EnableHash(HashAlgorithmName.SHA256);
        Name = name;
        try
        {
            ReadHeader();
        }
        catch
        {
            _reader.Dispose();
            throw;
        }
    }

    public override ChangeSetFormat Format => ChangeSetFormat.Ldif;

    protected override string Name { get; }

    protected override string CurrentComment => _reader.Comment;

    /// <summary>Closes the reader and its stream, which the reader owns (see <see cref="ChangeSetCodecs.OpenReader"/>).</summary>
    public override void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    protected override Item Next() =>
        !_reader.Read() ? Item.End
        : _reader.ItemKind switch
        {
            LdifItemKind.Comment => Item.Comment,
            LdifItemKind.Record => Item.Record,
            _ => Item.Other,
        };

    protected override byte[] HashBeforeCurrentComment() => _reader.GetHashBeforeCurrentItem();

    protected override InputFormatException Error(string reason) => new(Name, _reader.LineNumber, null, reason);

    protected override bool AnchorsOnly
    {
        set => _reader.SkipRecordBodies = value;
    }

    protected override Guid MapAnchor()
    {
        var source = _reader.Record;
        string? anchorText = null;
        foreach (var control in source.Controls)
        {
            if (control.Oid == LdifChangeSetWriter.AnchorControlOid)
            {
                anchorText = control.Value;
            }
            else if (control.Critical)
            {
                throw Error($"the record '{source.Dn}' has a critical control {control.Oid} that DirSync does not understand");
            }
        }

        return ParseAnchor(anchorText, $"'{source.Dn}'");
    }

    protected override ChangeRecord MapRecord(ChangeSetHeader header)
    {
        var source = _reader.Record;
        var anchor = MapAnchor();
        if (!DistinguishedNames.TryParseLdap(source.Dn, out var dnAlias, out var container))
        {
            throw Error($"'{source.Dn}' is not a recipient's distinguished name (cn=alias,...,ou=Site,o=Org)");
        }

        var kind = source.ChangeType switch
        {
            LdifChangeType.Add => ChangeKind.Add,
            LdifChangeType.Modify => ChangeKind.Modify,
            LdifChangeType.Delete => ChangeKind.Delete,
            var other => throw Error($"a change set holds add, modify and delete records, not '{other}'"),
        };

        // Room for a group a value (the most there can be), rather than growing the list four or five times a record.
        var values = new List<(string Name, List<string> Values)>(kind == ChangeKind.Add ? source.Attributes.Count : source.Modifications.Count);
        if (kind == ChangeKind.Add)
        {
            foreach (var value in source.Attributes)
            {
                // Values of one attribute nearly always stand together, so the last group is tried first.
                var entry = values.Count - 1;
                while (entry >= 0 && !string.Equals(values[entry].Name, value.Name, StringComparison.OrdinalIgnoreCase))
                {
                    entry--;
                }

                if (entry < 0)
                {
                    values.Add((value.Name, [value.Value]));
                }
                else
                {
                    values[entry].Values.Add(value.Value);
                }
            }
        }
        else if (kind == ChangeKind.Modify)
        {
            foreach (var modification in source.Modifications)
            {
                if (modification.Kind != LdifModificationKind.Replace)
                {
                    throw Error($"a change set's modify records only replace; '{modification.Kind.ToString().ToLowerInvariant()}: {modification.Attribute}' is not one");
                }

                values.Add((modification.Attribute, [.. modification.Values]));
            }
        }

        // A cn with several values is refused below by SetField, with the line; it must not throw here.
        var alias = values.FirstOrDefault(v => AttributeCatalog.TryGet(v.Name, out var a) && a == AttributeCatalog.Alias).Values is [var only] ? only : dnAlias;
        var record = new ChangeRecord(kind, anchor, alias, container ?? DirectoryPath.Recipients, values.Count) { LineNumber = source.LineNumber };
        var seen = new HashSet<AttributeDefinition>(values.Count);
        foreach (var (name, list) in values)
        {
            SetField(record, header, name, list, seen);
        }

        if (kind != ChangeKind.Delete && (!seen.Contains(AttributeCatalog.Alias) || !seen.Contains(AttributeCatalog.DisplayName)))
        {
            throw Error($"the record '{source.Dn}' lacks cn or displayName, which every add and modify carries");
        }

        return record;
    }
}
