using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Core.Formats.Ldif;

/// <summary>Writes a change set as LDIF change records (RFC 2849).</summary>
/// <remarks>
/// Each record's anchor travels in a non-critical control (<see cref="AnchorControlOid"/>), the
/// one place RFC 2849 gives a delete record for extra data; an LDAP server that is sent the
/// record ignores it. The header and the integrity trailer are comments.
/// </remarks>
internal sealed class LdifChangeSetWriter : ChangeSetWriterBase
{
    /// <summary>The OID of DirSync's anchor control, minted under the UUID arc 2.25 (ITU-T X.667), which needs no registration.</summary>
    public const string AnchorControlOid = "2.25.89598628217112727323832233397586271106";

    private readonly LdifWriter _writer;
    private readonly ChangeSetHeader _header;
    private readonly LdapToolsLayout? _tools;

    /// <summary>Writes the version line and header to <paramref name="stream"/>; with <paramref name="tools"/>, for LDAP tools.</summary>
    public LdifChangeSetWriter(Stream stream, ChangeSetHeader header, LdapToolsLayout? tools = null)
        : base(stream)
    {
        ArgumentNullException.ThrowIfNull(header);
        _header = header;
        _tools = tools;
        _writer = new LdifWriter(Output);
        _writer.WriteVersion();
        foreach (var line in ChangeSetHeaderText.Lines(header, a => a.LdapName))
        {
            _writer.WriteComment(line);
        }
    }

    /// <inheritdoc/>
    public override void Write(ChangeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        LdifControl[] controls = [new(AnchorControlOid, false, record.Anchor.ToString("D"))];
        if (_tools is not null)
        {
            WriteForTools(record, controls, _tools);
            Records++;
            return;
        }

        var dn = DistinguishedNames.ToLdap(_header.Source, record.Container, record.Alias);
        switch (record.Kind)
        {
            case ChangeKind.Add:
                _writer.WriteRecordStart(dn, LdifChangeType.Add, controls);
                if (record.Class is { } objectClass)
                {
                    _writer.WriteAttribute("objectClass", objectClass.ToToken());
                }

                _writer.WriteAttribute("cn", record.Alias);
                _writer.WriteAttribute("displayName", record.DisplayName ?? record.Alias);
                foreach (var proxy in record.ProxyAddresses)
                {
                    _writer.WriteAttribute("proxyAddresses", proxy.ToString());
                }

                if (record.TargetAddress is not null)
                {
                    _writer.WriteAttribute("targetAddress", record.TargetAddress.ToString());
                }

                if (record.Owner is not null)
                {
                    _writer.WriteAttribute("importedFrom", record.Owner);
                }

                foreach (var attribute in _header.Attributes)
                {
                    foreach (var value in record.Attributes.Get(attribute))
                    {
                        _writer.WriteAttribute(attribute.LdapName, value);
                    }
                }

                break;
            case ChangeKind.Modify:
                // A modify replaces everything the change set speaks for; an empty replace clears.
                _writer.WriteRecordStart(dn, LdifChangeType.Modify, controls);
                _writer.WriteModification(LdifModificationKind.Replace, "cn", [record.Alias]);
                _writer.WriteModification(LdifModificationKind.Replace, "displayName", [record.DisplayName ?? record.Alias]);
                _writer.WriteModification(LdifModificationKind.Replace, "proxyAddresses", record.ProxyAddresses.Select(p => p.ToString()));
                _writer.WriteModification(LdifModificationKind.Replace, "targetAddress", record.TargetAddress is null ? [] : [record.TargetAddress.ToString()]);
                if (record.Owner is not null)
                {
                    _writer.WriteModification(LdifModificationKind.Replace, "importedFrom", [record.Owner]);
                }
                foreach (var attribute in _header.Attributes)
                {
                    _writer.WriteModification(LdifModificationKind.Replace, attribute.LdapName, record.Attributes.Get(attribute));
                }

                break;
            default:
                _writer.WriteRecordStart(dn, LdifChangeType.Delete, controls);
                break;
        }

        _writer.WriteRecordEnd();
        Records++;
    }

    /// <inheritdoc/>
    protected override void WriteComment(string text) => _writer.WriteComment(text);

    /// <summary>A record as an LDAP server takes it: renames and moves as modrdn from the DN last written, stock attributes when asked.</summary>
    private void WriteForTools(ChangeRecord record, LdifControl[] controls, LdapToolsLayout tools)
    {
        var previous = tools.PreviousDn(record.Anchor);
        if (record.Kind == ChangeKind.Delete)
        {
            _writer.WriteRecordStart(previous ?? tools.Dn(record), LdifChangeType.Delete, controls);
            _writer.WriteRecordEnd();
            tools.Written(record.Anchor, null);
            return;
        }

        var dn = tools.Dn(record);
        if (record.Kind == ChangeKind.Add || previous is null)
        {
            _writer.WriteRecordStart(dn, LdifChangeType.Add, controls);
            if (tools.Mapping is { } mapping)
            {
                foreach (var objectClass in mapping.ObjectClasses)
                {
                    _writer.WriteAttribute("objectClass", objectClass);
                }

                foreach (var (name, values) in mapping.ToAttributes(record, tools.AddressType))
                {
                    foreach (var value in values)
                    {
                        _writer.WriteAttribute(name, value);
                    }
                }
            }
            else
            {
                WriteDirSyncAttributes(record);
            }

            _writer.WriteRecordEnd();
            tools.Written(record.Anchor, dn);
            return;
        }

        if (!string.Equals(previous, dn, StringComparison.Ordinal))
        {
            var (_, oldParent) = SplitDn(previous);
            var (newRdn, newParent) = SplitDn(dn);
            _writer.WriteRecordStart(previous, LdifChangeType.ModRdn, controls);
            _writer.WriteModRdn(newRdn, deleteOldRdn: true, string.Equals(oldParent, newParent, StringComparison.OrdinalIgnoreCase) ? null : newParent);
            _writer.WriteRecordEnd();
        }

        _writer.WriteRecordStart(dn, LdifChangeType.Modify, controls);
        if (tools.Mapping is { } stock)
        {
            // The naming attribute is the modrdn's business; everything else the entry speaks for is replaced.
            var attributes = stock.ToAttributes(record, tools.AddressType);
            foreach (var name in stock.ManagedAttributes)
            {
                _writer.WriteModification(LdifModificationKind.Replace, name, attributes.GetValueOrDefault(name) ?? []);
            }
        }
        else
        {
            _writer.WriteModification(LdifModificationKind.Replace, "displayName", [record.DisplayName ?? record.Alias]);
            _writer.WriteModification(LdifModificationKind.Replace, "proxyAddresses", record.ProxyAddresses.Select(p => p.ToString()));
            _writer.WriteModification(LdifModificationKind.Replace, "targetAddress", record.TargetAddress is null ? [] : [record.TargetAddress.ToString()]);
            foreach (var attribute in _header.Attributes)
            {
                _writer.WriteModification(LdifModificationKind.Replace, attribute.LdapName, record.Attributes.Get(attribute));
            }
        }

        _writer.WriteRecordEnd();
        tools.Written(record.Anchor, dn);
    }

    private void WriteDirSyncAttributes(ChangeRecord record)
    {
        if (record.Class is { } objectClass)
        {
            _writer.WriteAttribute("objectClass", objectClass.ToToken());
        }

        _writer.WriteAttribute("cn", record.Alias);
        _writer.WriteAttribute("displayName", record.DisplayName ?? record.Alias);
        foreach (var proxy in record.ProxyAddresses)
        {
            _writer.WriteAttribute("proxyAddresses", proxy.ToString());
        }

        if (record.TargetAddress is not null)
        {
            _writer.WriteAttribute("targetAddress", record.TargetAddress.ToString());
        }

        foreach (var attribute in _header.Attributes)
        {
            foreach (var value in record.Attributes.Get(attribute))
            {
                _writer.WriteAttribute(attribute.LdapName, value);
            }
        }
    }

    /// <summary>A DN written by <see cref="DistinguishedNames"/>: its first RDN (escaped as written) and the rest.</summary>
    private static (string Rdn, string Parent) SplitDn(string dn)
    {
        for (var i = 0; i < dn.Length; i++)
        {
            if (dn[i] == '\\')
            {
                i++;
            }
            else if (dn[i] == ',')
            {
                return (dn[..i], dn[(i + 1)..]);
            }
        }

        return (dn, "");
    }

    /// <inheritdoc/>
    protected override void FlushFormat() => _writer.Flush();

    /// <inheritdoc/>
    protected override void DisposeFormat() => _writer.Dispose();
}
