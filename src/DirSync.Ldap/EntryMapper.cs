using System.Text;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>The mapping between directory entries and DirSync's records, through the attribute catalog (docs/ldap.md has the table).</summary>
internal sealed class EntryMapper
{
    private readonly ServerKind _kind;
    private readonly LdapEntryMapping _mapping;
    private readonly IReadOnlyList<(AttributeDefinition Attribute, string Name)> _attributes;

    public EntryMapper(ServerKind kind, IReadOnlySet<string>? schemaAttributes = null)
    {
        _kind = kind;
        _mapping = new LdapEntryMapping(kind == ServerKind.ActiveDirectory, schemaAttributes);
        _attributes = _mapping.Attributes;
    }

    /// <summary>The attribute that anchors entries.</summary>
    public string AnchorAttribute => _kind == ServerKind.ActiveDirectory ? "objectGUID" : "entryUUID";

    /// <summary>The object class of the entries an export makes.</summary>
    public string ExportClass => _mapping.ObjectClass;

    /// <summary>The object classes an export's adds write.</summary>
    public IReadOnlyList<string> ExportClasses => _mapping.ObjectClasses;

    /// <summary>The attributes an import asks for.</summary>
    public IReadOnlyList<string> ImportAttributes =>
        [AnchorAttribute, "cn", "displayName", "mail", "uid", "mailNickname", "sAMAccountName", "proxyAddresses", .. _attributes.Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The attributes an export writes and a full run restores (everything but the object class and the naming attribute).</summary>
    public IReadOnlyList<string> ManagedAttributes => _mapping.ManagedAttributes;

    /// <summary>The default import filter of the kind of server: people with a mail address.</summary>
    public static string DefaultFilter(ServerKind kind) => kind == ServerKind.ActiveDirectory
        ? "(&(objectCategory=person)(|(objectClass=user)(objectClass=contact))(mail=*))"
        : "(&(objectClass=inetOrgPerson)(mail=*))";

    /// <summary>The anchor of an entry: its objectGUID (AD) or entryUUID.</summary>
    public static Guid? AnchorOf(LdapEntry entry, ServerKind kind)
    {
        if (kind == ServerKind.ActiveDirectory)
        {
            var bytes = entry.GetBytes("objectGUID");
            return bytes.Count > 0 && bytes[0].Length == 16 ? new Guid(bytes[0]) : null;
        }

        return Guid.TryParse(entry.GetString("entryUUID"), out var uuid) ? uuid : null;
    }

    /// <summary>The record an import applies for an entry; a delete when the entry has no mail address (it left the scope).</summary>
    public ChangeRecord ToRecord(LdapEntry entry, Guid anchor, ChangeKind kind, DirectoryPath container, string addressType)
    {
        var mail = entry.GetString("mail");
        var proxies = new List<ProxyAddress>();
        foreach (var text in entry.GetStrings("proxyAddresses"))
        {
            if (ProxyAddress.TryParse(text, out var proxy, out _) && !proxies.Contains(proxy))
            {
                proxies.Add(proxy);
            }
        }

        if (!string.IsNullOrWhiteSpace(mail) && ProxyAddress.TryParse("SMTP:" + mail.Trim(), out var smtp, out _))
        {
            if (!proxies.Any(p => p.IsPrimary && p.Type == "SMTP"))
            {
                proxies.RemoveAll(p => p.Equals(smtp));
                proxies.Insert(0, smtp);
            }
        }

        var alias = Alias(entry, mail);
        if (alias is null || !proxies.Any(p => string.Equals(p.Type, addressType, StringComparison.OrdinalIgnoreCase)))
        {
            return new ChangeRecord(ChangeKind.Delete, anchor, alias ?? anchor.ToString(), container);
        }

        var record = new ChangeRecord(kind, anchor, alias, container)
        {
            DisplayName = Clean(entry.GetString("displayName") ?? entry.GetString("cn") ?? alias, AttributeCatalog.DisplayName.MaxLength),
        };
        record.ProxyAddresses.AddRange(proxies);
        foreach (var (attribute, name) in _attributes)
        {
            var values = entry.GetStrings(name)
                .Select(v => Clean(v, attribute.MaxLength))
                .Where(v => v.Length > 0)
                .ToList();
            if (values.Count > 0 && !record.Attributes.Get(attribute).Any())
            {
                record.Attributes.Set(attribute, attribute.IsMultiValued ? values : values.Take(1));
            }
        }

        return record;
    }

    /// <summary>The attributes of the entry an export makes for a record (the naming attribute included, the object classes not).</summary>
    public Dictionary<string, List<string>> ToAttributes(ChangeRecord record, string addressType) => _mapping.ToAttributes(record, addressType);

    private string? Alias(LdapEntry entry, string? mail)
    {
        var candidates = _kind == ServerKind.ActiveDirectory
            ? new[] { entry.GetString("mailNickname"), entry.GetString("sAMAccountName"), LocalPart(mail), entry.GetString("cn") }
            : new[] { entry.GetString("uid"), LocalPart(mail), entry.GetString("cn") };
        foreach (var candidate in candidates)
        {
            if (candidate is null)
            {
                continue;
            }

            var builder = new StringBuilder(candidate.Length);
            foreach (var c in candidate.Trim())
            {
                builder.Append(char.IsControl(c) || c is '/' or '\\' ? '_' : c);
            }

            var alias = builder.ToString();
            if (alias.Length > AttributeCatalog.Alias.MaxLength)
            {
                alias = alias[..AttributeCatalog.Alias.MaxLength].TrimEnd();
            }

            if (alias.Length > 0)
            {
                return alias;
            }
        }

        return null;
    }

    private static string? LocalPart(string? mail)
    {
        var at = mail?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        return at > 0 ? mail![..at] : null;
    }

    private static string Clean(string value, int maxLength)
    {
        var text = new string(value.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return text.Length > maxLength ? text[..maxLength] : text;
    }
}
