namespace DirSync.Ldap.Protocol;

/// <summary>A request or response control (RFC 4511 section 4.1.11).</summary>
/// <param name="Oid">The control type.</param>
/// <param name="Critical">Whether the server must refuse the operation when it does not know the control.</param>
/// <param name="Value">The BER-encoded value, or null.</param>
internal sealed record LdapControl(string Oid, bool Critical, byte[]? Value);
