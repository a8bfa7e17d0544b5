using System.Text;

namespace DirSync.Ldap.Protocol;

/// <summary>One search result entry: its DN, attributes (names matched case-insensitively) and controls.</summary>
internal sealed class LdapEntry
{
    private readonly Dictionary<string, List<byte[]>> _attributes = new(StringComparer.OrdinalIgnoreCase);

    public LdapEntry(string dn)
    {
        Dn = dn;
    }

    public string Dn { get; }

    public IReadOnlyList<LdapControl> Controls { get; set; } = [];

    public IEnumerable<string> AttributeNames => _attributes.Keys;

    public int AttributeCount => _attributes.Count;

    public void Add(string name, byte[] value)
    {
        if (!_attributes.TryGetValue(name, out var values))
        {
            values = [];
            _attributes[name] = values;
        }

        values.Add(value);
    }

    public IReadOnlyList<byte[]> GetBytes(string name) => _attributes.TryGetValue(name, out var values) ? values : [];

    public IReadOnlyList<string> GetStrings(string name) =>
        _attributes.TryGetValue(name, out var values) ? values.Select(v => Encoding.UTF8.GetString(v)).ToList() : [];

    public string? GetString(string name) =>
        _attributes.TryGetValue(name, out var values) && values.Count > 0 ? Encoding.UTF8.GetString(values[0]) : null;
}
