using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>Writes a change set in the EDK DIRSYNC text format, with Exchange attribute names.</summary>
/// <remarks>
/// Each record names its object by DN as the original did and also carries its anchor as an
/// <c>Object-GUID</c> line — deletes included, which the original left bare. A modify writes
/// every attribute the header lists; an attribute line with no value clears it.
/// </remarks>
internal sealed class EdkChangeSetWriter : ChangeSetWriterBase
{
    private readonly EdkWriter _writer;
    private readonly ChangeSetHeader _header;

    /// <summary>Writes the header to <paramref name="stream"/>.</summary>
    public EdkChangeSetWriter(Stream stream, ChangeSetHeader header)
        : base(stream)
    {
        ArgumentNullException.ThrowIfNull(header);
        _header = header;
        _writer = new EdkWriter(Output);
        foreach (var line in ChangeSetHeaderText.Lines(header, a => a.ExchangeName))
        {
            _writer.WriteComment(line);
        }
    }

    /// <inheritdoc/>
    public override void Write(ChangeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var operation = record.Kind switch
        {
            ChangeKind.Add => EdkOperation.Add,
            ChangeKind.Modify => EdkOperation.Modify,
            _ => EdkOperation.Delete,
        };
        _writer.WriteStartRecord(operation, DistinguishedNames.ToEdk(_header.Source, record.Container, record.Alias));
        _writer.WriteAttribute(AttributeCatalog.ObjectGuid.ExchangeName, record.Anchor.ToString("D"));
        if (record.Kind != ChangeKind.Delete)
        {
            var isModify = record.Kind == ChangeKind.Modify;
            if (record.Class is { } objectClass && !isModify)
            {
                _writer.WriteAttribute(AttributeCatalog.ObjectClass.ExchangeName, objectClass.ToExchangeName());
            }

            _writer.WriteAttribute(AttributeCatalog.Alias.ExchangeName, record.Alias);
            _writer.WriteAttribute(AttributeCatalog.DisplayName.ExchangeName, record.DisplayName ?? record.Alias);
            _writer.WriteAttribute(AttributeCatalog.ProxyAddresses.ExchangeName, record.ProxyAddresses.Select(p => p.ToString()).ToList(), isIndexed: true);
            if (record.TargetAddress is not null || isModify)
            {
                _writer.WriteAttribute(AttributeCatalog.TargetAddress.ExchangeName, record.TargetAddress is null ? [] : [record.TargetAddress.ToString()]);
            }

            if (record.Owner is not null)
            {
                _writer.WriteAttribute(AttributeCatalog.ImportedFrom.ExchangeName, record.Owner);
            }

            foreach (var attribute in _header.Attributes)
            {
                var values = record.Attributes.Get(attribute);
                if (values.Count > 0 || isModify)
                {
                    _writer.WriteAttribute(attribute.ExchangeName, values, isIndexed: attribute.IsMultiValued && values.Count > 0);
                }
            }
        }

        _writer.WriteEndRecord();
        Records++;
    }

    /// <inheritdoc/>
    protected override void WriteComment(string text) => _writer.WriteComment(text);

    /// <inheritdoc/>
    protected override void FlushFormat() => _writer.Flush();

    /// <inheritdoc/>
    protected override void DisposeFormat() => _writer.Dispose();
}
