namespace DirSync.Ldap.Protocol;

/// <summary>One change of a modify request: add (0), delete (1) or replace (2) the values of an attribute.</summary>
internal sealed record LdapModification(int Operation, string Attribute, IReadOnlyList<byte[]> Values)
{
    public const int AddValues = 0;
    public const int DeleteValues = 1;
    public const int ReplaceValues = 2;

    public static LdapModification Replace(string attribute, IEnumerable<string> values) =>
        new(ReplaceValues, attribute, values.Select(v => System.Text.Encoding.UTF8.GetBytes(v)).ToList());
}
