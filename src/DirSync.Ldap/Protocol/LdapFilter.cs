using System.Formats.Asn1;
using System.Text;

namespace DirSync.Ldap.Protocol;

/// <summary>A search filter in its string form (RFC 4515), checked and encoded for the wire (RFC 4511 section 4.5.1.7).</summary>
public sealed class LdapFilter
{
    private readonly Node _root;

    private LdapFilter(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The filter as written.</summary>
    public string Text { get; }

    /// <summary>Parses a filter; the outer parentheses may be left out, as ldapsearch allows.</summary>
    /// <exception cref="FormatException">The text is not a filter; the message says where and why.</exception>
    public static LdapFilter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new FormatException("the filter is empty");
        }

        var source = trimmed[0] == '(' ? trimmed : "(" + trimmed + ")";
        var position = 0;
        var root = ParseFilter(source, ref position, depth: 0);
        if (position != source.Length)
        {
            throw new FormatException($"unexpected '{source[position]}' at position {position + 1} after the filter's closing parenthesis");
        }

        return new LdapFilter(trimmed, root);
    }

    /// <summary>Why <paramref name="text"/> is not a filter, or null when it is.</summary>
    public static string? Validate(string text)
    {
        try
        {
            Parse(text);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Both filters must hold.</summary>
    public static LdapFilter And(LdapFilter first, LdapFilter second) =>
        new($"(&{Wrap(first.Text)}{Wrap(second.Text)})", new Node(Kind.And, null, null, [first._root, second._root]));

    /// <inheritdoc/>
    public override string ToString() => Text;

    internal void Write(AsnWriter writer) => Write(writer, _root);

    private static string Wrap(string text) => text.StartsWith('(') ? text : "(" + text + ")";

    private static void Write(AsnWriter writer, Node node)
    {
        switch (node.Kind)
        {
            case Kind.And or Kind.Or:
                writer.PushSequence(Context(node.Kind == Kind.And ? 0 : 1, true));
                foreach (var child in node.Children!)
                {
                    Write(writer, child);
                }

                writer.PopSequence(Context(node.Kind == Kind.And ? 0 : 1, true));
                break;
            case Kind.Not:
                writer.PushSequence(Context(2, true));
                Write(writer, node.Children![0]);
                writer.PopSequence(Context(2, true));
                break;
            case Kind.Present:
                writer.WriteOctetString(Encoding.UTF8.GetBytes(node.Attribute!), Context(7, false));
                break;
            case Kind.Substrings:
                writer.PushSequence(Context(4, true));
                writer.WriteOctetString(Encoding.UTF8.GetBytes(node.Attribute!));
                writer.PushSequence();
                foreach (var (part, value) in node.Parts!)
                {
                    writer.WriteOctetString(value, Context(part, false));
                }

                writer.PopSequence();
                writer.PopSequence(Context(4, true));
                break;
            case Kind.Extensible:
                writer.PushSequence(Context(9, true));
                if (node.Rule is not null)
                {
                    writer.WriteOctetString(Encoding.UTF8.GetBytes(node.Rule), Context(1, false));
                }

                if (node.Attribute is not null)
                {
                    writer.WriteOctetString(Encoding.UTF8.GetBytes(node.Attribute), Context(2, false));
                }

                writer.WriteOctetString(node.Value!, Context(3, false));
                if (node.DnAttributes)
                {
                    writer.WriteBoolean(true, Context(4, false));
                }

                writer.PopSequence(Context(9, true));
                break;
            default:
                var tag = node.Kind switch { Kind.Equal => 3, Kind.GreaterOrEqual => 5, Kind.LessOrEqual => 6, _ => 8 };
                writer.PushSequence(Context(tag, true));
                writer.WriteOctetString(Encoding.UTF8.GetBytes(node.Attribute!));
                writer.WriteOctetString(node.Value!);
                writer.PopSequence(Context(tag, true));
                break;
        }
    }

    private static Asn1Tag Context(int number, bool constructed) => new(TagClass.ContextSpecific, number, constructed);

    private static Node ParseFilter(string s, ref int i, int depth)
    {
        if (depth > 64)
        {
            throw new FormatException("the filter is nested more than 64 levels deep");
        }

        Expect(s, ref i, '(');
        if (i >= s.Length)
        {
            throw new FormatException("the filter ends after '('");
        }

        Node node;
        switch (s[i])
        {
            case '&' or '|':
                var kind = s[i] == '&' ? Kind.And : Kind.Or;
                i++;
                var children = new List<Node>();
                while (i < s.Length && s[i] == '(')
                {
                    children.Add(ParseFilter(s, ref i, depth + 1));
                }

                if (children.Count == 0)
                {
                    throw new FormatException($"'{(kind == Kind.And ? '&' : '|')}' at position {i} needs at least one filter in parentheses");
                }

                node = new Node(kind, null, null, children);
                break;
            case '!':
                i++;
                if (i >= s.Length || s[i] != '(')
                {
                    throw new FormatException($"'!' at position {i} must be followed by a filter in parentheses");
                }

                node = new Node(Kind.Not, null, null, [ParseFilter(s, ref i, depth + 1)]);
                break;
            default:
                node = ParseItem(s, ref i);
                break;
        }

        Expect(s, ref i, ')');
        return node;
    }

    private static Node ParseItem(string s, ref int i)
    {
        var start = i;
        var close = FindClose(s, i);
        var item = s[start..close];
        i = close;
        var eq = item.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            throw new FormatException($"'{item}' at position {start + 1} is not an assertion: it has no '='");
        }

        var left = item[..eq];
        var right = item[(eq + 1)..];
        if (left.EndsWith(':'))
        {
            return ParseExtensible(left[..^1], right, start);
        }

        var kind = Kind.Equal;
        if (left.EndsWith('>') || left.EndsWith('<') || left.EndsWith('~'))
        {
            kind = left[^1] switch { '>' => Kind.GreaterOrEqual, '<' => Kind.LessOrEqual, _ => Kind.Approx };
            left = left[..^1];
        }

        CheckAttribute(left, start);
        if (kind == Kind.Equal && right == "*")
        {
            return new Node(Kind.Present, left, null, null);
        }

        if (kind == Kind.Equal && right.Contains('*', StringComparison.Ordinal))
        {
            var pieces = right.Split('*');
            var parts = new List<(int, byte[])>();
            for (var p = 0; p < pieces.Length; p++)
            {
                if (pieces[p].Length == 0)
                {
                    if (p > 0 && p < pieces.Length - 1)
                    {
                        throw new FormatException($"'{item}' at position {start + 1} has two '*' in a row");
                    }

                    continue;
                }

                var part = p == 0 ? 0 : p == pieces.Length - 1 ? 2 : 1;
                parts.Add((part, Unescape(pieces[p], start)));
            }

            return new Node(Kind.Substrings, left, null, null) { Parts = parts };
        }

        return new Node(kind, left, Unescape(right, start), null);
    }

    private static Node ParseExtensible(string left, string right, int start)
    {
        var pieces = left.Split(':');
        string? attribute = pieces[0].Length == 0 ? null : pieces[0];
        var dn = false;
        string? rule = null;
        foreach (var piece in pieces.Skip(1))
        {
            if (piece.Equals("dn", StringComparison.OrdinalIgnoreCase) && rule is null && !dn)
            {
                dn = true;
            }
            else if (rule is null && piece.Length > 0)
            {
                rule = piece;
            }
            else
            {
                throw new FormatException($"the extensible match at position {start + 1} is malformed");
            }
        }

        if (attribute is null && rule is null)
        {
            throw new FormatException($"the extensible match at position {start + 1} needs an attribute or a matching rule");
        }

        if (attribute is not null)
        {
            CheckAttribute(attribute, start);
        }

        return new Node(Kind.Extensible, attribute, Unescape(right, start), null) { Rule = rule, DnAttributes = dn };
    }

    private static void CheckAttribute(string name, int start)
    {
        // An attribute description: a name or an OID, with options after ';' (RFC 4512 section 2.5).
        var valid = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ';')
            && (char.IsAsciiLetter(name[0]) || char.IsAsciiDigit(name[0]));
        if (!valid)
        {
            throw new FormatException($"'{name}' at position {start + 1} is not an attribute name");
        }
    }

    private static byte[] Unescape(string value, int start)
    {
        var bytes = new List<byte>(value.Length);
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\')
            {
                if (i + 2 >= value.Length)
                {
                    throw new FormatException($"a '\\' at position {start + 1} must be followed by two hex digits");
                }

                if (!char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
                {
                    throw new FormatException($"a '\\' at position {start + 1} must be followed by two hex digits (write '\\5c' for a backslash, '\\2a' for '*', '\\28' and '\\29' for parentheses)");
                }

                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c is '(' or ')')
            {
                throw new FormatException($"a value at position {start + 1} holds an unescaped '{c}'; write it as '\\{(c == '(' ? "28" : "29")}'");
            }
            else
            {
                var rune = char.IsSurrogate(c) && i + 1 < value.Length ? new Rune(c, value[++i]) : new Rune(c);
                bytes.AddRange(buffer[..rune.EncodeToUtf8(buffer)]);
            }
        }

        return [.. bytes];
    }

    private static int FindClose(string s, int i)
    {
        for (var j = i; j < s.Length; j++)
        {
            if (s[j] == ')')
            {
                return j;
            }

            if (s[j] == '(')
            {
                throw new FormatException($"unexpected '(' at position {j + 1}; a value's parenthesis is written '\\28'");
            }
        }

        throw new FormatException("a parenthesis is not closed");
    }

    private static void Expect(string s, ref int i, char c)
    {
        if (i >= s.Length)
        {
            throw new FormatException($"the filter ends where '{c}' was expected");
        }

        if (s[i] != c)
        {
            throw new FormatException($"'{c}' expected at position {i + 1}, found '{s[i]}'");
        }

        i++;
    }

    private enum Kind
    {
        And,
        Or,
        Not,
        Equal,
        Substrings,
        GreaterOrEqual,
        LessOrEqual,
        Present,
        Approx,
        Extensible,
    }

    private sealed record Node(Kind Kind, string? Attribute, byte[]? Value, List<Node>? Children)
    {
        public List<(int Part, byte[] Value)>? Parts { get; init; }

        public string? Rule { get; init; }

        public bool DnAttributes { get; init; }
    }
}
