namespace DirSync.Core.Formats.Ldif;

/// <summary>An LDAP control attached to a change record (<c>control: oid [true|false] [: value]</c>).</summary>
/// <param name="Oid">The control's object identifier.</param>
/// <param name="Critical">Whether the operation must fail when the control is not understood.</param>
/// <param name="Value">The control's value, or null when it has none.</param>
public sealed record LdifControl(string Oid, bool Critical, string? Value);
