using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using DirSync.Core.Model;

namespace DirSync.Core.Addressing;

/// <summary>The character rules of each address type, and the cleaning that makes a name fit them.</summary>
/// <remarks>Types without an entry get <see cref="Other"/>; adding a type is adding a row to the table.</remarks>
internal static class AddressCharacterRules
{
    /// <summary>The longest SMTP local part (RFC 5321).</summary>
    public const int MaxLocalPartLength = 64;

    /// <summary>The characters other than letters and digits that an SMTP local part may hold unquoted.</summary>
    public const string SmtpSpecials = "!#$%&'*+-/=?^_`{|}~.";

    /// <summary>The rule of SMTP, and of every type whose addresses are shaped like SMTP's.</summary>
    public static AddressTypeRule Smtp { get; } = new()
    {
        IsValueCharacter = IsSmtpCharacter,
        IsLiteralCharacter = IsSmtpCharacter,
        LiteralCharacters = "letters, digits and " + SmtpSpecials + " before the '@'",
        DefaultTemplate = DomainDefault,
        AllowsDomain = true,
        RequiresDomain = true,
        IsSmtpShaped = true,
    };

    /// <summary>The rule of MS Mail addresses, <c>NETWORK/POSTOFFICE/MAILBOX</c>.</summary>
    public static AddressTypeRule MsMail { get; } = new()
    {
        IsValueCharacter = char.IsAsciiLetterOrDigit,
        IsLiteralCharacter = c => char.IsAsciiLetterOrDigit(c) || c == '/',
        LiteralCharacters = "letters, digits and '/'",
        DefaultTemplate = MsMailDefault,
        UpperCasesValues = true,
    };

    /// <summary>The rule of every type without its own: printable ASCII, and names lose their white space.</summary>
    public static AddressTypeRule Other { get; } = new()
    {
        // Literal spaces stay legal because X.400 templates need them (a= ;).
        IsValueCharacter = c => c is > ' ' and < '\x7f',
        IsLiteralCharacter = c => c is >= ' ' and < '\x7f',
        LiteralCharacters = "printable ASCII characters",
        DefaultTemplate = DomainDefault,
        AllowsDomain = true,
    };

    private static readonly FrozenDictionary<string, AddressTypeRule> ByType = new Dictionary<string, AddressTypeRule>
    {
        ["SMTP"] = Smtp,
        // The seeds' EDK addresses are SMTP-shaped (EDK:Mailbox11@Site1.Testorg.com).
        ["EDK"] = Smtp,
        ["MS"] = MsMail,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The rule of an address type; <see cref="Other"/> when the type has none of its own.</summary>
    public static AddressTypeRule For(string addressType) => ByType.GetValueOrDefault(addressType, Other);

    /// <summary>Folds a name to plain letters: accents dropped, ligatures and special letters spelled out.</summary>
    public static string Fold(string value)
    {
        if (Ascii.IsValid(value))
        {
            return value;
        }

        // Compatibility decomposition: a digraph or ligature letter (ǅ, ﬁ) is spelled as its letters, not dropped.
        var decomposed = value.Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (Transliterate(c) is { } spelled)
            {
                builder.Append(spelled);
            }
            else
            {
                builder.Append(c);
            }
        }

        // Recompose what has no ASCII form, so that later rules see whole characters.
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Cleans a substituted name for a type: folded, illegal characters dropped, upper-cased where the type wants it.</summary>
    public static string CleanValue(string value, AddressTypeRule rule)
    {
        var folded = Fold(value);

        // Most names keep every character as it is: then the name itself is the answer, no copy.
        var keep = 0;
        while (keep < folded.Length && rule.IsValueCharacter(folded[keep]) && (!rule.UpperCasesValues || char.ToUpperInvariant(folded[keep]) == folded[keep]))
        {
            keep++;
        }

        if (keep == folded.Length)
        {
            return folded;
        }

        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (rule.IsValueCharacter(c))
            {
                builder.Append(rule.UpperCasesValues ? char.ToUpperInvariant(c) : c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Tidies an SMTP local part: runs of dots collapsed, no dot at either end.</summary>
    public static string CleanLocalPart(string local)
    {
        if (local.Length > 0 && local[0] != '.' && local[^1] != '.' && !local.Contains("..", StringComparison.Ordinal))
        {
            return local;
        }

        var builder = new StringBuilder(local.Length);
        foreach (var c in local)
        {
            if (c == '.' && (builder.Length == 0 || builder[^1] == '.'))
            {
                continue;
            }

            builder.Append(c);
        }

        while (builder.Length > 0 && builder[^1] == '.')
        {
            builder.Length--;
        }

        return builder.ToString();
    }

    /// <summary>True for a character a domain name may hold.</summary>
    public static bool IsDomainCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.';

    /// <summary>Makes a name fit a domain: folded, illegal characters dropped, no empty labels.</summary>
    public static string CleanDomain(string value)
    {
        var folded = Fold(value);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (IsDomainCharacter(c))
            {
                builder.Append(c);
            }
        }

        return string.Join('.', builder.ToString().Split('.', StringSplitOptions.RemoveEmptyEntries));
    }

    private static bool IsSmtpCharacter(char c) => char.IsAsciiLetterOrDigit(c) || SmtpSpecials.Contains(c, StringComparison.Ordinal);

    private static string? Transliterate(char c) => c switch
    {
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'ø' => "o",
        'Ø' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'đ' => "d",
        'Đ' => "D",
        'ł' => "l",
        'Ł' => "L",
        'þ' => "th",
        'Þ' => "Th",
        _ => null,
    };

    // Exchange 5.x's default site address: %m@<Site>.<Org>.com.
    private static string DomainDefault(StoreInfo store) =>
        "%m@" + string.Join('.', new[] { CleanDomain(store.Site), CleanDomain(store.Organization), "com" }.Where(label => label.Length > 0));

    // An '@' is no MS Mail address; the MS Mail shape is NETWORK/POSTOFFICE/MAILBOX, taken here as org and site.
    private static string MsMailDefault(StoreInfo store) =>
        string.Join('/', new[] { CleanValue(store.Organization, MsMail), CleanValue(store.Site, MsMail), "%m" }.Where(segment => segment.Length > 0));
}
