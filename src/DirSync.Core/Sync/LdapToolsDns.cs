using DirSync.Core.Connectors;
using DirSync.Core.Formats.Ldif;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>The DNs an LDIF export for LDAP tools gave its entries, kept per instance so the next file can rename and move them.</summary>
/// <remarks>One setting per object (<c>ldif-dn/INSTANCE/objectguid</c> = DN), written in the export's own transaction.</remarks>
internal sealed class LdapToolsDns
{
    private const string Prefix = "ldif-dn/";

    private readonly Dictionary<Guid, string> _previous;
    private readonly Dictionary<Guid, string?> _written = [];
    private readonly string _instance;
    private readonly bool _full;

    private LdapToolsDns(string instance, Dictionary<Guid, string> previous, bool full, InstanceSettings settings, StoreInfo store)
    {
        _instance = instance;
        _previous = previous;
        _full = full;
        var roots = new ExportScope(settings).Roots;
        Func<ChangeRecord, string> dn = settings.LdifBaseDn is { } baseDn
            ? record => string.Concat(
                DirectoryExporter.PathBelow(roots, settings.IncludeSubcontainers, record.Container).Reverse().Select(ou => ",ou=" + DistinguishedNames.EscapeValue(ou))
                    .Prepend("cn=" + DistinguishedNames.EscapeValue(record.Alias))) + "," + baseDn
            : record => DistinguishedNames.ToLdap(store, record.Container, record.Alias);
        Layout = new LdapToolsLayout(
            dn,
            anchor => full ? null : _previous.GetValueOrDefault(anchor),
            settings.LdifInetOrgPerson ? LdapEntryMapping.InetOrgPerson : null,
            settings.AddressType,
            (anchor, written) => _written[anchor] = written);
    }

    public LdapToolsLayout Layout { get; }

    public static async Task<LdapToolsDns> LoadAsync(IDirectoryReader reader, Instance instance, StoreInfo store, bool full, CancellationToken cancellationToken)
    {
        var prefix = Key(instance.Name, null);
        var previous = new Dictionary<Guid, string>();
        foreach (var (key, value) in await reader.ListSettingsAsync(prefix, cancellationToken))
        {
            if (Guid.TryParseExact(key.AsSpan(prefix.Length), "N", out var anchor))
            {
                previous[anchor] = value;
            }
        }

        return new LdapToolsDns(instance.Name, previous, full, instance.Settings, store);
    }

    /// <summary>Records what this file wrote; a full file replaces the whole map.</summary>
    public async Task SaveAsync(IDirectoryTransaction transaction, CancellationToken cancellationToken)
    {
        if (_full)
        {
            foreach (var anchor in _previous.Keys.Where(a => !_written.ContainsKey(a)))
            {
                await transaction.SetSettingAsync(Key(_instance, anchor), null, cancellationToken);
            }
        }

        foreach (var (anchor, dn) in _written)
        {
            if (!_previous.TryGetValue(anchor, out var before) || before != dn)
            {
                await transaction.SetSettingAsync(Key(_instance, anchor), dn, cancellationToken);
            }
        }
    }

    private static string Key(string instance, Guid? anchor) => Prefix + instance.ToUpperInvariant() + "/" + (anchor?.ToString("N") ?? "");
}
