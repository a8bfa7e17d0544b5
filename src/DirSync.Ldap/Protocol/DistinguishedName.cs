using System.Text;
using DirSync.Core.Sync;

namespace DirSync.Ldap.Protocol;

/// <summary>A distinguished name read from its string form (RFC 4514): relative names leaf first.</summary>
/// <remarks>Compared as directories compare naming attributes: types and values without regard to case.</remarks>
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    private readonly IReadOnlyList<IReadOnlyList<(string Type, string Value)>> _rdns;

    private DistinguishedName(IReadOnlyList<IReadOnlyList<(string Type, string Value)>> rdns)
    {
        _rdns = rdns;
    }

    /// <summary>The empty DN (the root DSE).</summary>
    public static DistinguishedName Root { get; } = new([]);

    /// <summary>How many relative names it has.</summary>
    public int Count => _rdns.Count;

    /// <summary>The leaf's first attribute type, such as <c>cn</c>; null for the root.</summary>
    public string? LeafType => _rdns.Count == 0 ? null : _rdns[0][0].Type;

    /// <summary>The leaf's first attribute value (unescaped); null for the root.</summary>
    public string? LeafValue => _rdns.Count == 0 ? null : _rdns[0][0].Value;

    /// <summary>The DN one level up; the root for a one-level DN.</summary>
    public DistinguishedName Parent => _rdns.Count == 0 ? this : new DistinguishedName(_rdns.Skip(1).ToList());

    /// <summary>Parses a DN.</summary>
    /// <exception cref="FormatException">Not a DN; the message says why.</exception>
    public static DistinguishedName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rdns = new List<IReadOnlyList<(string, string)>>();
        if (text.Trim().Length == 0)
        {
            return Root;
        }

        var i = 0;
        var current = new List<(string, string)>();
        while (true)
        {
            var type = ReadType(text, ref i);
            var value = ReadValue(text, ref i);
            current.Add((type, value));
            if (i >= text.Length)
            {
                rdns.Add(current);
                break;
            }

            if (text[i] == '+')
            {
                i++;
                continue;
            }

            // ',' (or ';', which RFC 2253 parsers still accept) ends a relative name.
            i++;
            rdns.Add(current);
            current = [];
        }

        return new DistinguishedName(rdns);
    }

    /// <summary>Parses a DN, or returns why it is not one.</summary>
    public static bool TryParse(string text, out DistinguishedName? dn, out string? error)
    {
        try
        {
            dn = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            dn = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>A child of this DN: <c>type=value,this</c>, the value escaped.</summary>
    public DistinguishedName Child(string type, string value) => new([[(type, value)], .. _rdns]);

    /// <summary>True when this DN is <paramref name="ancestor"/> or below it.</summary>
    public bool IsWithin(DistinguishedName ancestor)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        if (ancestor.Count > Count)
        {
            return false;
        }

        var offset = Count - ancestor.Count;
        for (var k = 0; k < ancestor.Count; k++)
        {
            if (!RdnEquals(_rdns[offset + k], ancestor._rdns[k]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The leaf's relative name in string form, escaped (<c>cn=A\, B</c>).</summary>
    public string LeafRdn => _rdns.Count == 0 ? "" : FormatRdn(_rdns[0]);

    /// <inheritdoc/>
    public bool Equals(DistinguishedName? other) => other is not null && other.Count == Count && IsWithin(other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DistinguishedName);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var rdn in _rdns)
        {
            foreach (var (type, value) in rdn)
            {
                hash.Add(type, StringComparer.OrdinalIgnoreCase);
                hash.Add(value, StringComparer.OrdinalIgnoreCase);
            }
        }

        return hash.ToHashCode();
    }

    /// <summary>The string form, every value escaped as RFC 4514 requires.</summary>
    public override string ToString() => string.Join(',', _rdns.Select(FormatRdn));

    private static string FormatRdn(IReadOnlyList<(string Type, string Value)> rdn) =>
        string.Join('+', rdn.Select(p => p.Type + "=" + DistinguishedNames.EscapeValue(p.Value)));

    private static bool RdnEquals(IReadOnlyList<(string Type, string Value)> a, IReadOnlyList<(string Type, string Value)> b) =>
        a.Count == b.Count && a.All(p => b.Any(q => string.Equals(p.Type, q.Type, StringComparison.OrdinalIgnoreCase) && string.Equals(p.Value, q.Value, StringComparison.OrdinalIgnoreCase)));

    private static string ReadType(string s, ref int i)
    {
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }

        var start = i;
        while (i < s.Length && s[i] != '=')
        {
            if (!char.IsAsciiLetterOrDigit(s[i]) && s[i] is not ('-' or '.'))
            {
                throw new FormatException($"'{s[start..(i + 1)].Trim()}' at position {start + 1} is not an attribute type followed by '='");
            }

            i++;
        }

        if (i >= s.Length || i == start)
        {
            throw new FormatException($"'{s[start..].Trim()}' at position {start + 1} is not of the form type=value");
        }

        var type = s[start..i];
        i++;
        return type;
    }

    private static string ReadValue(string s, ref int i)
    {
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }

        if (i < s.Length && s[i] == '#')
        {
            // A BER-encoded value (RFC 4514 section 2.4): kept in its hex form.
            var start = i++;
            while (i < s.Length && char.IsAsciiHexDigit(s[i]))
            {
                i++;
            }

            return s[start..i];
        }

        var bytes = new List<byte>();
        var trailingSpaces = 0;
        Span<byte> buffer = stackalloc byte[4];
        while (i < s.Length && s[i] is not (',' or '+' or ';'))
        {
            var c = s[i];
            if (c == '\\')
            {
                if (i + 1 >= s.Length)
                {
                    throw new FormatException("the DN ends with a lone '\\'");
                }

                if (i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 1]) && char.IsAsciiHexDigit(s[i + 2]))
                {
                    bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16));
                    i += 3;
                }
                else
                {
                    var escaped = char.IsSurrogate(s[i + 1]) && i + 2 < s.Length ? new Rune(s[i + 1], s[i + 2]) : new Rune(s[i + 1]);
                    bytes.AddRange(buffer[..escaped.EncodeToUtf8(buffer)]);
                    i += 1 + escaped.Utf16SequenceLength;
                }

                trailingSpaces = 0;
                continue;
            }

            if (c is '"' or '<' or '>' or '=')
            {
                throw new FormatException($"'{c}' at position {i + 1} must be escaped as '\\{c}'");
            }

            trailingSpaces = c == ' ' ? trailingSpaces + 1 : 0;
            var rune = char.IsSurrogate(c) && i + 1 < s.Length ? new Rune(c, s[++i]) : new Rune(c);
            bytes.AddRange(buffer[..rune.EncodeToUtf8(buffer)]);
            i++;
        }

        // Unescaped trailing spaces are not part of the value.
        var value = Encoding.UTF8.GetString([.. bytes]);
        return trailingSpaces > 0 ? value[..^trailingSpaces] : value;
    }
}
