using DirSync.Core.Model;

namespace DirSync.Core.Addressing;

/// <summary>What one address type accepts: the characters of substituted names and of literal text, and its shape.</summary>
internal sealed class AddressTypeRule
{
    /// <summary>True for a character a substituted name may keep; the others are dropped.</summary>
    public required Func<char, bool> IsValueCharacter { get; init; }

    /// <summary>True for a character the literal text of a template may hold (before any '@').</summary>
    public required Func<char, bool> IsLiteralCharacter { get; init; }

    /// <summary>The literal characters allowed, in words, for error messages.</summary>
    public required string LiteralCharacters { get; init; }

    /// <summary>Builds the template a new store starts with for this type.</summary>
    public required Func<StoreInfo, string> DefaultTemplate { get; init; }

    /// <summary>True when substituted names are upper-cased, as MS Mail names are.</summary>
    public bool UpperCasesValues { get; init; }

    /// <summary>True when a literal '@' starts a domain; otherwise '@' is an ordinary literal character.</summary>
    public bool AllowsDomain { get; init; }

    /// <summary>True when every template of the type must end in <c>@domain</c>.</summary>
    public bool RequiresDomain { get; init; }

    /// <summary>True when the local part gets the RFC 5321 treatment: no leading, trailing or doubled dots, and a length cap.</summary>
    public bool IsSmtpShaped { get; init; }
}
