namespace DirSync.Core.Formats.Ldif;

/// <summary>One attribute value of a content or add record; a multi-valued attribute is several of these with the same name.</summary>
/// <param name="Name">The attribute description as written, options included (<c>cn;lang-en</c>).</param>
/// <param name="Value">The value, decoded from UTF-8.</param>
public readonly record struct LdifValue(string Name, string Value);
