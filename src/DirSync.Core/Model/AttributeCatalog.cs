using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace DirSync.Core.Model;

/// <summary>The directory schema: every attribute a recipient may carry, found by either spelling.</summary>
/// <remarks>
/// The schema is closed, as Exchange's was: an unknown name is an error, never a new attribute.
/// Names match case-insensitively in both the Exchange spelling (<c>Given-Name</c>) and the
/// LDAP spelling (<c>givenName</c>).
/// </remarks>
public static class AttributeCatalog
{
    private const int Short = 64;
    private const int Long = 256;
    private const int Text = 1024;

    /// <summary>The alias: the object's Common-Name, unique within a store.</summary>
    public static AttributeDefinition Alias { get; } =
        new(1, "Common-Name", "cn", AttributeKind.Identity, false, Short) { OtherNames = ["Alias", "Mail-Nickname", "mailNickname"] };

    /// <summary>The name shown in address lists.</summary>
    public static AttributeDefinition DisplayName { get; } = new(2, "Display-Name", "displayName", AttributeKind.Identity, false, Long);

    /// <summary>The object class.</summary>
    public static AttributeDefinition ObjectClass { get; } = new(3, "Obj-Class", "objectClass", AttributeKind.Identity, false, Short);

    /// <summary>The e-mail addresses, <c>TYPE:address</c>, one primary per type.</summary>
    public static AttributeDefinition ProxyAddresses { get; } = new(10, "Proxy-Addresses", "proxyAddresses", AttributeKind.Addressing, true, ProxyAddress.MaxAddressLength + ProxyAddress.MaxTypeLength + 1);

    /// <summary>Where a custom recipient's mail goes.</summary>
    public static AttributeDefinition TargetAddress { get; } = new(11, "Target-Address", "targetAddress", AttributeKind.Addressing, false, ProxyAddress.MaxAddressLength + ProxyAddress.MaxTypeLength + 1);

    /// <summary>The members of a distribution list.</summary>
    public static AttributeDefinition Member { get; } = new(12, "Member", "member", AttributeKind.Membership, true, Long);

    /// <summary>Given name.</summary>
    public static AttributeDefinition GivenName { get; } = new(20, "Given-Name", "givenName", AttributeKind.Descriptive, false, Short);

    /// <summary>Surname.</summary>
    public static AttributeDefinition Surname { get; } = new(21, "Surname", "sn", AttributeKind.Descriptive, false, Short);

    /// <summary>Initials.</summary>
    public static AttributeDefinition Initials { get; } = new(22, "Initials", "initials", AttributeKind.Descriptive, false, 6);

    /// <summary>The anchor GUID: the object's identity, which never changes.</summary>
    public static AttributeDefinition ObjectGuid { get; } = new(100, "Object-GUID", "objectGUID", AttributeKind.Operational, false, 36);

    /// <summary>The USN at which the object was created.</summary>
    public static AttributeDefinition UsnCreated { get; } = new(101, "USN-Created", "uSNCreated", AttributeKind.Operational, false, 20);

    /// <summary>The USN of the object's latest change.</summary>
    public static AttributeDefinition UsnChanged { get; } = new(102, "USN-Changed", "uSNChanged", AttributeKind.Operational, false, 20);

    /// <summary>True for a tombstone.</summary>
    public static AttributeDefinition IsDeleted { get; } = new(103, "Is-Deleted", "isDeleted", AttributeKind.Operational, false, 5);

    /// <summary>The object's distinguished name.</summary>
    public static AttributeDefinition DistinguishedName { get; } = new(104, "Obj-Dist-Name", "distinguishedName", AttributeKind.Operational, false, Text);

    /// <summary>The source an imported object came from.</summary>
    public static AttributeDefinition ImportedFrom { get; } = new(105, "Imported-From", "importedFrom", AttributeKind.Operational, false, Long);

    /// <summary>Every attribute, in a stable order (by id).</summary>
    public static IReadOnlyList<AttributeDefinition> All { get; } = Build();

    private static readonly FrozenDictionary<string, AttributeDefinition> ByName = All
        .SelectMany(a => new[] { a.ExchangeName, a.LdapName }.Concat(a.OtherNames).Select(n => KeyValuePair.Create(n, a)))
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<int, AttributeDefinition> ById = All.ToFrozenDictionary(a => a.Id);

    /// <summary>Finds an attribute by any of its spellings, case-insensitively.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out AttributeDefinition? attribute) =>
        ByName.TryGetValue(name.Trim(), out attribute);

    /// <summary>Finds an attribute by its persisted id.</summary>
    public static bool TryGet(int id, [NotNullWhen(true)] out AttributeDefinition? attribute) =>
        ById.TryGetValue(id, out attribute);

    /// <summary>Finds an attribute by name or throws a message suggesting the closest names.</summary>
    /// <exception cref="InvalidValueException">No attribute has that name.</exception>
    public static AttributeDefinition Get(string name)
    {
        if (TryGet(name, out var attribute))
        {
            return attribute;
        }

        var hint = NameSuggestions.Hint(name, ByName.Keys) ?? $"see '{CommandHints.Attributes()}' for the list";
        throw new InvalidValueException($"unknown attribute '{name}'; {hint}");
    }

    /// <summary>Every accepted spelling of every attribute.</summary>
    public static IEnumerable<string> AllNames => ByName.Keys;

    private static List<AttributeDefinition> Build()
    {
        var list = new List<AttributeDefinition>
        {
            Alias, DisplayName, ObjectClass, ProxyAddresses, TargetAddress, Member,
            GivenName, Surname, Initials,
            new(23, "Title", "title", AttributeKind.Descriptive, false, Short),
            new(24, "Company", "company", AttributeKind.Descriptive, false, Short),
            new(25, "Department", "department", AttributeKind.Descriptive, false, Short),
            new(26, "Office-Location", "physicalDeliveryOfficeName", AttributeKind.Descriptive, false, 128) { OtherNames = ["Physical-Delivery-Office-Name"] },
            new(27, "Telephone-Office1", "telephoneNumber", AttributeKind.Descriptive, false, Short),
            new(28, "Telephone-Office2", "otherTelephone", AttributeKind.Descriptive, true, Short),
            new(29, "Telephone-Home", "homePhone", AttributeKind.Descriptive, false, Short),
            new(30, "Telephone-Mobile", "mobile", AttributeKind.Descriptive, false, Short),
            new(31, "Telephone-Fax", "facsimileTelephoneNumber", AttributeKind.Descriptive, false, Short),
            new(32, "Telephone-Pager", "pager", AttributeKind.Descriptive, false, Short),
            new(33, "Address", "streetAddress", AttributeKind.Descriptive, false, Text),
            new(34, "City", "l", AttributeKind.Descriptive, false, 128) { OtherNames = ["Locality-Name"] },
            new(35, "State-Or-Province-Name", "st", AttributeKind.Descriptive, false, 128),
            new(36, "Postal-Code", "postalCode", AttributeKind.Descriptive, false, 40),
            new(37, "Country", "co", AttributeKind.Descriptive, false, 128) { OtherNames = ["Text-Country"] },
            new(38, "Comment", "info", AttributeKind.Descriptive, false, Text),
        };
        for (var n = 1; n <= 15; n++)
        {
            list.Add(new(40 + n, $"Extension-Attribute-{n}", $"extensionAttribute{n}", AttributeKind.Descriptive, false, Text));
        }

        list.AddRange([ObjectGuid, UsnCreated, UsnChanged, IsDeleted, DistinguishedName, ImportedFrom]);
        return list;
    }
}
