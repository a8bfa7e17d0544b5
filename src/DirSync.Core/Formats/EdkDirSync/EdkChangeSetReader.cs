using System.Security.Cryptography;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>Reads a change set written by <see cref="EdkChangeSetWriter"/>, verifying it as it goes.</summary>
internal sealed class EdkChangeSetReader : ChangeSetReaderBase
{
    private readonly Stream _stream;
    private readonly EdkReader _reader;

    public EdkChangeSetReader(Stream stream, string name, ChangeSetReaderOptions options)
        : base(options)
    {
        _stream = stream;
        _reader = new EdkReader(stream, name, options.Edk);
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

    public override ChangeSetFormat Format => ChangeSetFormat.Edk;

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
            EdkItemKind.Comment => Item.Comment,
            EdkItemKind.Record => Item.Record,
            _ => Item.Other,
        };

    protected override byte[] HashBeforeCurrentComment() => _reader.GetHashBeforeCurrentLine();

    protected override InputFormatException Error(string reason) => new(Name, _reader.LineNumber, null, reason);

    protected override Guid MapAnchor()
    {
        var source = _reader.Record;
        string? anchorText = null;
        foreach (var attribute in source.Attributes)
        {
            if (AttributeCatalog.TryGet(attribute.Name, out var definition) && definition == AttributeCatalog.ObjectGuid)
            {
                anchorText = attribute.Values.Count == 1 ? attribute.Values[0] : null;
            }
        }

        return ParseAnchor(anchorText, $"'{source.DistinguishedName}'");
    }

    protected override ChangeRecord MapRecord(ChangeSetHeader header)
    {
        var source = _reader.Record;
        var kind = source.Operation switch
        {
            EdkOperation.Add => ChangeKind.Add,
            EdkOperation.Modify => ChangeKind.Modify,
            _ => ChangeKind.Delete,
        };
        if (!DistinguishedNames.TryParseEdk(source.DistinguishedName, out var dnAlias, out var container))
        {
            throw Error($"'{source.DistinguishedName}' is not a recipient's distinguished name (/o=Org/ou=Site/cn=Container/cn=Alias)");
        }

        string? anchorText = null;
        string? alias = null;
        foreach (var attribute in source.Attributes)
        {
            if (AttributeCatalog.TryGet(attribute.Name, out var definition))
            {
                if (definition == AttributeCatalog.ObjectGuid)
                {
                    anchorText = attribute.Values.Count == 1 ? attribute.Values[0] : null;
                }
                else if (definition == AttributeCatalog.Alias && attribute.Values.Count == 1)
                {
                    alias = attribute.Values[0];
                }
            }
        }

        var anchor = ParseAnchor(anchorText, $"'{source.DistinguishedName}'");
        if (kind == ChangeKind.Delete && source.Attributes.Count > 1)
        {
            throw Error($"the delete of '{source.DistinguishedName}' carries more than its Object-GUID");
        }

        var record = new ChangeRecord(kind, anchor, alias ?? dnAlias, container ?? DirectoryPath.Recipients) { LineNumber = source.LineNumber };
        var seen = new HashSet<AttributeDefinition>();
        foreach (var attribute in source.Attributes)
        {
            SetField(record, header, attribute.Name, attribute.Values, seen);
        }

        if (kind != ChangeKind.Delete && (!seen.Contains(AttributeCatalog.Alias) || !seen.Contains(AttributeCatalog.DisplayName)))
        {
            throw Error($"the record '{source.DistinguishedName}' lacks Common-Name or Display-Name, which every add and modify carries");
        }

        return record;
    }
}
