using System.Collections.Frozen;
using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>The column names a bulk CSV header may use besides the schema's: the Exchange administrator's, and those DirSync passes over.</summary>
/// <remarks>
/// <para>The Exchange 5.5 administrator program (<c>admin /e</c>, Directory Export) heads its columns with
/// the names its property pages show — <c>First Name</c>, <c>Alias Name</c>, <c>E-mail Addresses</c> —
/// rather than the schema's <c>Given-Name</c>, <c>Mail-Nickname</c>, <c>Proxy-Addresses</c>. Both are read,
/// in any case. These names belong to the file format, not to the schema, so they live here and not in
/// <see cref="AttributeCatalog"/>: nothing else in DirSync takes <c>First Name</c> for an attribute.</para>
/// <para>An Exchange export also carries attributes DirSync has no place for (the mailbox's home server,
/// its Windows NT account, whether it is hidden from the address book). Such columns are known, and passed
/// over with a warning, so that an export from Exchange imports as it is.</para>
/// </remarks>
public static class BulkColumnNames
{
    /// <summary>The column that says where a new recipient is created.</summary>
    public const string Container = "Obj-Container";

    /// <summary>The administrator program's column names for attributes DirSync keeps, with the attribute each names.</summary>
    public static IReadOnlyList<(string Name, AttributeDefinition Attribute)> AdminNames { get; } = BuildAdminNames();

    /// <summary>Exchange attributes DirSync knows of but does not keep, in the administrator's and the schema's spellings.</summary>
    public static IReadOnlyList<string> NotKept { get; } =
    [
        "Home-Server", "Home-MDB", "Primary Windows NT Account", "Assoc-NT-Account", "Hide from AB", "Hide-From-Address-Book",
        "Delivery-Mechanism", "Assistant", "Assistant-Name", "Telephone-Assistant", "Manager", "Telephone-Home2",
        "Deliv-Cont-Length", "Submission-Cont-Length", "MDB-Use-Defaults", "MDB-Storage-Quota", "MDB-Over-Quota-Limit",
        "Alt-Recipient", "Employee-Number", "Personal-Title", "Generation-Qualifier", "Admin-Description", "Street-Address",
        "Address-Home", "ADC-Global-Names",
    ];

    // The spellings of the alias that name it as the mail nickname rather than the directory name (Common-Name).
    private static readonly FrozenSet<string> NicknameNames =
        FrozenSet.ToFrozenSet(["Mail-Nickname", "mailNickname", "Alias", "Alias Name"], StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, AttributeDefinition> ByAdminName =
        AdminNames.ToFrozenDictionary(n => n.Name, n => n.Attribute, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> NotKeptNames = NotKept.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every name a header may use, for "did you mean" hints.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. AttributeCatalog.All.Where(a => a.IsWritable).SelectMany(a => new[] { a.ExchangeName, a.LdapName }.Concat(a.OtherNames)),
        .. AdminNames.Select(n => n.Name),
        BulkCsvSyntax.ModeColumn,
        Container,
        .. NotKept,
    ];

    /// <summary>Finds the attribute a column name means, in the schema's spellings or the administrator's.</summary>
    public static bool TryGetAttribute(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AttributeDefinition? attribute) =>
        AttributeCatalog.TryGet(name, out attribute) || ByAdminName.TryGetValue(name, out attribute);

    /// <summary>True when <paramref name="name"/> spells the alias as the mail nickname (<c>Mail-Nickname</c>, <c>Alias Name</c>), not the directory name.</summary>
    public static bool IsNickname(string name) => NicknameNames.Contains(name);

    /// <summary>True when <paramref name="name"/> is an Exchange attribute DirSync does not keep.</summary>
    public static bool IsNotKept(string name) => NotKeptNames.Contains(name);

    private static List<(string, AttributeDefinition)> BuildAdminNames()
    {
        var names = new List<(string, AttributeDefinition)>
        {
            ("Object-Class", AttributeCatalog.ObjectClass),
            ("Directory Name", AttributeCatalog.Alias),
            ("Alias Name", AttributeCatalog.Alias),
            ("Display Name", AttributeCatalog.DisplayName),
            ("E-mail Addresses", AttributeCatalog.ProxyAddresses),
            ("E-mail address", AttributeCatalog.TargetAddress),
            ("Members", AttributeCatalog.Member),
            ("First Name", AttributeCatalog.GivenName),
            ("Last Name", AttributeCatalog.Surname),
            ("Office", AttributeCatalog.Get("physicalDeliveryOfficeName")),
            ("Phone number", AttributeCatalog.Get("telephoneNumber")),
            ("Home phone number", AttributeCatalog.Get("homePhone")),
            ("Mobile number", AttributeCatalog.Get("mobile")),
            ("Fax number", AttributeCatalog.Get("facsimileTelephoneNumber")),
            ("Pager number", AttributeCatalog.Get("pager")),
            ("State", AttributeCatalog.Get("st")),
            ("Postal code", AttributeCatalog.Get("postalCode")),
            ("Notes", AttributeCatalog.Get("info")),
        };
        for (var n = 1; n <= 15; n++)
        {
            names.Add(($"Custom Attribute {n}", AttributeCatalog.Get($"extensionAttribute{n}")));
        }

        return names;
    }
}
