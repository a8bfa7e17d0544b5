using DirSync.Core.Model;

namespace DirSync.Core.Addressing;

public sealed partial class AddressTemplate
{
    // Returns the reason the text is not a template, or null with the template built.
    private static string? Build(string addressType, string text, out AddressTemplate? template)
    {
        template = null;
        if (!ProxyAddress.IsValidType(addressType))
        {
            return $"'{addressType}' is not an address type (1 to {ProxyAddress.MaxTypeLength} letters, digits, '-' or '_')";
        }

        if (text.Length == 0)
        {
            return "a template cannot be empty";
        }

        if (text.Length > ProxyAddress.MaxAddressLength)
        {
            return $"a template is at most {ProxyAddress.MaxAddressLength} characters";
        }

        var type = addressType.ToUpperInvariant();
        var rule = AddressCharacterRules.For(type);
        var parts = new List<Part>();
        var error = Tokenize(text, parts);
        if (error is not null)
        {
            return error + "; valid tokens are " + ValidTokens;
        }

        error = SplitDomain(rule, text, parts, out var localParts, out var domain)
            ?? ValidateLiterals(type, rule, localParts);
        if (error is not null)
        {
            return error;
        }

        var fields = localParts.OfType<FieldPart>().Aggregate(TemplateFields.None, (all, field) => all | field.Field);
        if (fields == TemplateFields.None)
        {
            return "the template has no field token (%g, %s, %d, %m or %i), so every recipient would get the same address";
        }

        template = new AddressTemplate(type, text, [.. localParts], domain, fields, rule);
        return null;
    }

    private static string? Tokenize(string text, List<Part> parts)
    {
        var literalStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '%')
            {
                i++;
                continue;
            }

            if (i > literalStart)
            {
                parts.Add(new LiteralPart(literalStart, i - literalStart, text[literalStart..i], IsEscape: false));
            }

            var position = i + 1;
            if (i + 1 == text.Length)
            {
                return $"'%' at position {position} ends the template without a token";
            }

            var next = text[i + 1];
            if (next == '%')
            {
                parts.Add(new LiteralPart(i, 2, "%", IsEscape: true));
                i += 2;
            }
            else if (next is 'r' or 'R')
            {
                if (i + 3 >= text.Length)
                {
                    return $"'{text[i..]}' at position {position} needs two characters after %r: the character to replace and its replacement";
                }

                parts.Add(new ReplacePart(i, 4, text[i + 2], text[i + 3]));
                i += 4;
            }
            else
            {
                var maxLength = 0;
                var letter = i + 1;
                if (char.IsAsciiDigit(next))
                {
                    if (next == '0')
                    {
                        return $"'{text[i..Math.Min(i + 3, text.Length)]}' at position {position} has length 0; a length digit is 1-9";
                    }

                    maxLength = next - '0';
                    letter = i + 2;
                    if (letter == text.Length)
                    {
                        return $"'{text[i..]}' at position {position} ends the template without a field letter";
                    }
                }

                var token = text[i..(letter + 1)];
                var field = FieldOf(text[letter]);
                if (field == TemplateFields.None)
                {
                    return maxLength > 0 && text[letter] is 'r' or 'R' or '%'
                        ? $"'{token}' at position {position} has a length digit, which only %g, %s, %d, %m and %i take"
                        : $"unknown token '{token}' at position {position}";
                }

                parts.Add(new FieldPart(i, token.Length, field, maxLength));
                i = letter + 1;
            }

            literalStart = i;
        }

        if (text.Length > literalStart)
        {
            parts.Add(new LiteralPart(literalStart, text.Length - literalStart, text[literalStart..], IsEscape: false));
        }

        return null;
    }

    // Splits off the literal domain after '@'; only the local part keeps tokens.
    private static string? SplitDomain(AddressTypeRule rule, string text, List<Part> parts, out List<Part> localParts, out string? domain)
    {
        localParts = parts;
        domain = null;
        var at = -1;
        if (rule.AllowsDomain)
        {
            foreach (var literal in parts.OfType<LiteralPart>().Where(p => !p.IsEscape))
            {
                for (var k = 0; k < literal.Value.Length; k++)
                {
                    if (literal.Value[k] != '@')
                    {
                        continue;
                    }

                    if (at >= 0)
                    {
                        return $"a second '@' at position {literal.Position + k + 1}; an address has exactly one";
                    }

                    at = literal.Position + k;
                }
            }
        }

        if (at < 0)
        {
            return rule.RequiresDomain
                ? "the template needs '@' followed by a literal domain, as in %g.%s@example.com"
                : null;
        }

        var inDomain = parts.FirstOrDefault(p => p.Position > at && p is not LiteralPart { IsEscape: false });
        if (inDomain is not null)
        {
            return $"token '{text.Substring(inDomain.Position, inDomain.Length)}' at position {inDomain.Position + 1} is in the domain; the domain after '@' must be literal text";
        }

        domain = text[(at + 1)..];
        var error = ValidateDomain(domain, at + 1);
        if (error is not null)
        {
            return error;
        }

        localParts = [];
        foreach (var part in parts)
        {
            if (part.Position + part.Length <= at)
            {
                localParts.Add(part);
            }
            else if (part.Position < at && part is LiteralPart literal)
            {
                var length = at - literal.Position;
                localParts.Add(new LiteralPart(literal.Position, length, literal.Value[..length], IsEscape: false));
            }
        }

        return null;
    }

    private static string? ValidateDomain(string domain, int start)
    {
        if (domain.Length == 0)
        {
            return "the domain after '@' is empty";
        }

        for (var k = 0; k < domain.Length; k++)
        {
            if (!AddressCharacterRules.IsDomainCharacter(domain[k]))
            {
                return $"character {Describe(domain[k])} at position {start + k + 1} is not allowed in a domain; use letters, digits, '-' and '.'";
            }
        }

        if (domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return $"the domain '{domain}' has an empty label; it may not start or end with '.' or hold '..'";
        }

        return null;
    }

    private static string? ValidateLiterals(string type, AddressTypeRule rule, List<Part> localParts)
    {
        foreach (var literal in localParts.OfType<LiteralPart>())
        {
            for (var k = 0; k < literal.Value.Length; k++)
            {
                var c = literal.Value[k];
                if (!rule.IsLiteralCharacter(c))
                {
                    // An escaped %% sits at its token's position; other characters at their own.
                    var position = literal.Position + (literal.IsEscape ? 0 : k) + 1;
                    return $"character {Describe(c)} at position {position} is not allowed in {type} addresses; use {rule.LiteralCharacters}";
                }
            }
        }

        return null;
    }

    private static TemplateFields FieldOf(char letter) => char.ToLowerInvariant(letter) switch
    {
        'g' => TemplateFields.GivenName,
        's' => TemplateFields.Surname,
        'd' => TemplateFields.DisplayName,
        'm' => TemplateFields.Alias,
        'i' => TemplateFields.Initials,
        _ => TemplateFields.None,
    };

    private static string Describe(char c) =>
        char.IsControl(c) || (char.IsWhiteSpace(c) && c != ' ')
            ? $"U+{(int)c:X4}"
            : $"'{c}'";

    private abstract record Part(int Position, int Length);

    // A run of literal text; IsEscape marks the %% token, whose value is a single '%'.
    private sealed record LiteralPart(int Position, int Length, string Value, bool IsEscape) : Part(Position, Length);

    private sealed record FieldPart(int Position, int Length, TemplateFields Field, int MaxLength) : Part(Position, Length);

    private sealed record ReplacePart(int Position, int Length, char From, char To) : Part(Position, Length);
}
