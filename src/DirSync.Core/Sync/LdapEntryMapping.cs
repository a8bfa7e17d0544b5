using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>How a recipient is written as an LDAP entry: a stock-schema <c>inetOrgPerson</c> (OpenLDAP) or an AD <c>contact</c>.</summary>
/// <remarks>The one mapping both the live-directory export and LDIF files for LDAP tools use (docs/ldap.md has the table).</remarks>
public sealed class LdapEntryMapping
{
    /// <summary>The catalog's descriptive attributes as the stock OpenLDAP schema (core, cosine, inetorgperson) names them; the others have no place there.</summary>
    private static readonly Dictionary<string, string> InetOrgPersonNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["givenName"] = "givenName",
        ["sn"] = "sn",
        ["initials"] = "initials",
        ["title"] = "title",
        ["company"] = "o",
        ["department"] = "ou",
        ["physicalDeliveryOfficeName"] = "physicalDeliveryOfficeName",
        ["telephoneNumber"] = "telephoneNumber",
        ["homePhone"] = "homePhone",
        ["mobile"] = "mobile",
        ["facsimileTelephoneNumber"] = "facsimileTelephoneNumber",
        ["pager"] = "pager",
        ["streetAddress"] = "street",
        ["l"] = "l",
        ["st"] = "st",
        ["postalCode"] = "postalCode",
        ["info"] = "description",
    };

    private readonly bool _activeDirectory;

    /// <summary>Creates the mapping for a kind of directory; <paramref name="schema"/> limits it to the attributes the directory's schema holds.</summary>
    public LdapEntryMapping(bool activeDirectory, IReadOnlySet<string>? schema = null)
    {
        _activeDirectory = activeDirectory;
        Attributes = AttributeCatalog.All
            .Where(a => a.Kind == AttributeKind.Descriptive)
            .Select(a => (Attribute: a, Name: DirectoryName(activeDirectory, a)))
            .Where(p => p.Name is not null && (schema is null || schema.Contains(p.Name)))
            .Select(p => (p.Attribute, p.Name!))
            .ToList();
        HasTargetAddress = activeDirectory && schema?.Contains("targetAddress") == true;
        HasMailNickname = activeDirectory && schema?.Contains("mailNickname") == true;
    }

    /// <summary>The stock OpenLDAP mapping.</summary>
    public static LdapEntryMapping InetOrgPerson { get; } = new(activeDirectory: false);

    /// <summary>The catalog's descriptive attributes this directory holds, with their names there.</summary>
    public IReadOnlyList<(AttributeDefinition Attribute, string Name)> Attributes { get; }

    /// <summary>Whether entries carry <c>targetAddress</c> (an AD with Exchange's schema).</summary>
    public bool HasTargetAddress { get; }

    /// <summary>Whether entries carry <c>mailNickname</c> (an AD with Exchange's schema).</summary>
    public bool HasMailNickname { get; }

    /// <summary>The structural object class of the entries: <c>contact</c> on AD, <c>inetOrgPerson</c> elsewhere.</summary>
    public string ObjectClass => _activeDirectory ? "contact" : "inetOrgPerson";

    /// <summary>The object classes an add writes.</summary>
    public IReadOnlyList<string> ObjectClasses => ["top", "person", "organizationalPerson", ObjectClass];

    /// <summary>The attributes an export writes and a full run restores (all but the object class and the naming attribute).</summary>
    public IReadOnlyList<string> ManagedAttributes
    {
        get
        {
            var names = new List<string> { "displayName", "givenName", "sn", "mail" };
            if (_activeDirectory)
            {
                names.Add("proxyAddresses");
                if (HasTargetAddress)
                {
                    names.Add("targetAddress");
                }

                if (HasMailNickname)
                {
                    names.Add("mailNickname");
                }
            }

            names.AddRange(Attributes.Select(a => a.Name));
            return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
    }

    /// <summary>The name a directory of this kind gives a catalog attribute, or null when it has none.</summary>
    public static string? DirectoryName(bool activeDirectory, AttributeDefinition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return activeDirectory ? attribute.LdapName : InetOrgPersonNames.GetValueOrDefault(attribute.LdapName);
    }

    /// <summary>The attributes of the entry for a record (the naming attribute <c>cn</c> included, the object classes not).</summary>
    /// <param name="record">The object as the export selection made it.</param>
    /// <param name="addressType">Which address becomes <c>mail</c> (a custom recipient's target address when of that type).</param>
    public Dictionary<string, List<string>> ToAttributes(ChangeRecord record, string addressType)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        void Put(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                if (!result.TryGetValue(name, out var list))
                {
                    result[name] = list = [];
                }

                if (!list.Contains(value, StringComparer.Ordinal))
                {
                    list.Add(value);
                }
            }
        }

        var mail = record.TargetAddress is { } target && string.Equals(target.Type, addressType, StringComparison.OrdinalIgnoreCase)
            ? target
            : record.ProxyAddresses.FirstOrDefault(p => p.IsPrimary && string.Equals(p.Type, addressType, StringComparison.OrdinalIgnoreCase));
        var displayName = record.DisplayName ?? record.Alias;
        Put("cn", record.Alias);
        Put("displayName", displayName);
        foreach (var (attribute, name) in Attributes)
        {
            foreach (var value in record.Attributes.Get(attribute))
            {
                Put(name, value);
            }
        }

        if (!result.ContainsKey("sn"))
        {
            // inetOrgPerson must have a surname: the last word of the display name stands in.
            var words = displayName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Put("sn", words.Length > 0 ? words[^1] : record.Alias);
        }

        if (mail is not null)
        {
            Put("mail", mail.Address);
        }

        if (_activeDirectory)
        {
            if (mail is not null)
            {
                Put("proxyAddresses", "SMTP:" + mail.Address);
            }

            foreach (var proxy in record.ProxyAddresses.Where(p => !(p.Type == "SMTP" && string.Equals(p.Address, mail?.Address, StringComparison.OrdinalIgnoreCase))))
            {
                Put("proxyAddresses", (proxy.Type == "SMTP" ? "smtp" : proxy.Type) + ":" + proxy.Address);
            }

            if (HasTargetAddress && mail is not null)
            {
                Put("targetAddress", "SMTP:" + mail.Address);
            }

            if (HasMailNickname)
            {
                Put("mailNickname", record.Alias);
            }
        }

        return result;
    }
}
