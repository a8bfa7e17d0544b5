namespace DirSync.Core.Formats.Ldif;

/// <summary>One change to one attribute in a modify record.</summary>
/// <param name="Kind">Whether the values are added, deleted or replace the attribute's values.</param>
/// <param name="Attribute">The attribute description as written in the <c>add:</c>, <c>delete:</c> or <c>replace:</c> line.</param>
/// <param name="Values">The values, in file order; empty deletes or clears the whole attribute.</param>
public sealed record LdifModification(LdifModificationKind Kind, string Attribute, IReadOnlyList<string> Values);
