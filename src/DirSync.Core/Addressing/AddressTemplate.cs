using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using DirSync.Core.Model;

namespace DirSync.Core.Addressing;

/// <summary>A site's rule for making the addresses of one type from recipients' names, such as <c>%g.%s@example.com</c>.</summary>
/// <remarks>
/// Tokens: <c>%g</c> given name, <c>%s</c> surname, <c>%d</c> display name, <c>%m</c> alias,
/// <c>%i</c> initials, <c>%%</c> a literal percent, and <c>%rXY</c>, which replaces X by Y in every
/// name substituted after it (X = Y deletes X). A digit 1-9 after the <c>%</c> of a name token
/// limits its length: <c>%1g</c> is the first letter of the given name. Substituted names are
/// folded to plain letters and lose the characters their address type does not allow; literal
/// text is taken as written, and checked when the template is parsed.
/// </remarks>
public sealed partial class AddressTemplate
{
    private const string ValidTokens =
        "%g (given name), %s (surname), %d (display name), %m (alias), %i (initials), %% (a literal %), "
        + "%rXY (replace X by Y in what follows; X = Y deletes X), with an optional length digit 1-9 as in %1g";

    private readonly Part[] _parts;
    private readonly string? _domain;
    private readonly AddressTypeRule _rule;

    private AddressTemplate(string addressType, string text, Part[] parts, string? domain, TemplateFields fields, AddressTypeRule rule)
    {
        AddressType = addressType;
        Text = text;
        Fields = fields;
        _parts = parts;
        _domain = domain;
        _rule = rule;
    }

    /// <summary>The address type the template makes, upper case (<c>SMTP</c>, <c>EDK</c>, <c>MS</c>).</summary>
    public string AddressType { get; }

    /// <summary>The template text as given, without the type prefix.</summary>
    public string Text { get; }

    /// <summary>The name fields the template uses, so a change to other fields can leave its addresses alone.</summary>
    public TemplateFields Fields { get; }

    /// <summary>Reads a template for an address type or throws a message naming what is wrong.</summary>
    /// <exception cref="InvalidValueException">The text is not a valid template for the type.</exception>
    public static AddressTemplate Parse(string addressType, string text) =>
        TryParse(addressType, text, out var template, out var error)
            ? template
            : throw new InvalidValueException(error);

    /// <summary>Reads a template for an address type; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string addressType, string text, [NotNullWhen(true)] out AddressTemplate? template, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(addressType);
        text ??= "";
        var reason = Build(addressType, text, out template);
        error = reason is null ? null : $"invalid template '{text}' for {addressType.ToUpperInvariant()}: {reason}";
        return reason is null;
    }

    /// <summary>The template a new store starts with: <c>%m@Site.Org.com</c>, with site and organization cleaned to fit a domain.</summary>
    /// <remarks>MS Mail addresses have no domain; their default is <c>ORG/SITE/%m</c>.</remarks>
    /// <exception cref="InvalidValueException">The address type is not valid.</exception>
    public static AddressTemplate Default(string addressType, StoreInfo store)
    {
        ArgumentNullException.ThrowIfNull(addressType);
        ArgumentNullException.ThrowIfNull(store);
        return Parse(addressType, AddressCharacterRules.For(addressType).DefaultTemplate(store));
    }

    /// <summary>The address (without the type prefix) the template makes for a recipient, or null when the names leave nothing usable.</summary>
    public string? Expand(RecipientNames names)
    {
        var values = new List<string>();
        List<ReplacePart>? replacements = null;
        foreach (var part in _parts)
        {
            if (part is ReplacePart replace)
            {
                (replacements ??= []).Add(replace);
            }
            else if (part is FieldPart field)
            {
                values.Add(Substitute(names.Get(field.Field), replacements, field.MaxLength));
            }
        }

        // Without any name the result is pure literal text: the same address for everybody.
        if (values.TrueForAll(v => v.Length == 0))
        {
            return null;
        }

        var local = Compose(values);
        if (_rule.IsSmtpShaped)
        {
            local = FitLocalPart(values, local);
        }

        if (local.Length == 0)
        {
            return null;
        }

        var address = _domain is null ? local : local + "@" + _domain;
        return address.Length <= ProxyAddress.MaxAddressLength ? address : null;
    }

    /// <summary>The form to try when this template's address is taken: the names replaced by <c>%m</c>, then <c>%m2</c>, <c>%m3</c> ...</summary>
    /// <remarks>
    /// The span from the first token to the last becomes <c>%m</c>, keeping the <c>%r</c> tokens
    /// inside it so the alias is treated as the names were; attempt n (n ≥ 2) appends the digits of n.
    /// </remarks>
    /// <param name="attempt">1 for <c>%m</c>, n for <c>%m</c> followed by n.</param>
    public AddressTemplate WithAliasFallback(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var tokens = _parts.Where(p => p is FieldPart or ReplacePart).ToArray();
        var start = tokens[0].Position;
        var end = tokens[^1].Position + tokens[^1].Length;

        var builder = new StringBuilder(Text.Length + 8);
        builder.Append(Text, 0, start);
        foreach (var replace in tokens.OfType<ReplacePart>())
        {
            builder.Append(Text, replace.Position, replace.Length);
        }

        builder.Append("%m");
        if (attempt >= 2)
        {
            builder.Append(attempt.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append(Text, end, Text.Length - end);
        return Parse(AddressType, builder.ToString());
    }

    /// <summary><c>TYPE:template</c>, the way a site address is written.</summary>
    public override string ToString() => AddressType + ":" + Text;

    private string Compose(List<string> values)
    {
        var length = 0;
        var next = 0;
        foreach (var part in _parts)
        {
            length += part switch
            {
                LiteralPart literal => literal.Value.Length,
                FieldPart => values[next++].Length,
                _ => 0,
            };
        }

        // One string of the exact length: an address is made for every recipient a load creates.
        return string.Create(length, (_parts, values), static (span, state) =>
        {
            var next = 0;
            foreach (var part in state._parts)
            {
                var text = part switch
                {
                    LiteralPart literal => literal.Value,
                    FieldPart => state.values[next++],
                    _ => "",
                };
                text.CopyTo(span);
                span = span[text.Length..];
            }
        });
    }

    // Shortens the names, last first, rather than the whole local part, so literal text such as
    // the digits of a %m2 fallback survives and a long alias still yields distinct retries.
    private string FitLocalPart(List<string> values, string local)
    {
        local = AddressCharacterRules.CleanLocalPart(local);
        var last = values.Count - 1;
        while (local.Length > AddressCharacterRules.MaxLocalPartLength && last >= 0)
        {
            if (values[last].Length == 0)
            {
                last--;
                continue;
            }

            var excess = local.Length - AddressCharacterRules.MaxLocalPartLength;
            values[last] = values[last][..Math.Max(0, values[last].Length - excess)];
            local = AddressCharacterRules.CleanLocalPart(Compose(values));
        }

        // Only literal text is left to cut when the template itself is longer than a local part.
        return local.Length > AddressCharacterRules.MaxLocalPartLength
            ? local[..AddressCharacterRules.MaxLocalPartLength].TrimEnd('.')
            : local;
    }

    private string Substitute(string? name, List<ReplacePart>? replacements, int maxLength)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        // Replacements see the name as the user typed it, so %rXY means exactly the X written.
        var value = name;
        if (replacements is not null)
        {
            foreach (var replace in replacements)
            {
                value = replace.From == replace.To
                    ? value.Replace(replace.From.ToString(), "", StringComparison.Ordinal)
                    : value.Replace(replace.From, replace.To);
            }
        }

        value = AddressCharacterRules.CleanValue(value, _rule);
        return maxLength > 0 && value.Length > maxLength ? value[..maxLength] : value;
    }
}
