using DirSync.Core.Sync;

namespace DirSync.Core.Formats.Ldif;

/// <summary>How an LDIF change set for LDAP tools names and shapes its entries, and what it remembers of the DNs it wrote.</summary>
/// <remarks>
/// With it, a rename or move is written as a <c>modrdn</c> record (with <c>newsuperior</c> for a move) from the
/// DN the object had in the last file, so <c>ldapmodify</c> applies an incremental file to a real server.
/// </remarks>
/// <param name="Dn">The DN an object's entry has now.</param>
/// <param name="PreviousDn">The DN its entry had in the last file written, or null.</param>
/// <param name="Mapping">Entries a stock OpenLDAP schema accepts (inetOrgPerson), or null for DirSync's own attributes.</param>
/// <param name="AddressType">Which address becomes <c>mail</c>.</param>
/// <param name="Written">Told each object's DN as written (null once deleted).</param>
internal sealed record LdapToolsLayout(
    Func<ChangeRecord, string> Dn,
    Func<Guid, string?> PreviousDn,
    LdapEntryMapping? Mapping,
    string AddressType,
    Action<Guid, string?> Written);
