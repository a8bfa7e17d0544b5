using System.Diagnostics.CodeAnalysis;

namespace DirSync.Core.Model;

/// <summary>An e-mail address of one address type, as Exchange writes it: <c>SMTP:joe@example.com</c>.</summary>
/// <remarks>
/// As in Exchange, the case of the type prefix carries the primary flag: <c>SMTP:</c> is the
/// primary address of its type (the one mail is sent from), <c>smtp:</c> a secondary one.
/// Two addresses are the same address when type and address match case-insensitively.
/// </remarks>
public sealed class ProxyAddress : IEquatable<ProxyAddress>
{
    /// <summary>The longest address type accepted (X400, SMTP, CCMAIL, MSMAIL, NOTES ...).</summary>
    public const int MaxTypeLength = 16;

    /// <summary>The longest address accepted, after the type prefix.</summary>
    public const int MaxAddressLength = 1024;

    private string? _key;

    /// <summary>Creates an address; <paramref name="type"/> is upper-cased.</summary>
    /// <exception cref="InvalidValueException">The type or address is not valid.</exception>
    public ProxyAddress(string type, string address, bool isPrimary)
    {
        var error = ValidateType(type) ?? ValidateAddress(address);
        if (error is not null)
        {
            throw new InvalidValueException($"invalid address '{type}:{address}': {error}");
        }

        Type = type.ToUpperInvariant();
        Address = address;
        IsPrimary = isPrimary;
    }

    private ProxyAddress(string type, string address, bool isPrimary, bool trusted)
    {
        Type = type;
        Address = address;
        IsPrimary = isPrimary;
    }

    /// <summary>An address a store wrote after validating it: read back without validating again.</summary>
    /// <remarks>For stores only; <paramref name="type"/> must already be upper case.</remarks>
    public static ProxyAddress FromStore(string type, string address, bool isPrimary) => new(type, address, isPrimary, trusted: true);

    /// <summary>The address type, upper case (<c>SMTP</c>, <c>EDK</c>, <c>MS</c>, <c>X400</c>).</summary>
    public string Type { get; }

    /// <summary>The address within its type, without the prefix.</summary>
    public string Address { get; }

    /// <summary>True for the primary address of its type.</summary>
    public bool IsPrimary { get; }

    /// <summary>The key that identifies the address in a store: <c>TYPE:ADDRESS</c>, upper-cased.</summary>
    /// <remarks>Made once per address: a load asks for it several times (is it taken? insert it; remember it).</remarks>
    public string Key => _key ??= string.Create(Type.Length + 1 + Address.Length, this, static (span, value) =>
    {
        value.Type.AsSpan().ToUpperInvariant(span);
        span[value.Type.Length] = ':';
        value.Address.AsSpan().ToUpperInvariant(span[(value.Type.Length + 1)..]);
    });

    /// <summary>The same address, primary or secondary.</summary>
    public ProxyAddress WithPrimary(bool isPrimary) => isPrimary == IsPrimary ? this : new ProxyAddress(Type, Address, isPrimary);

    /// <summary>Reads <c>TYPE:address</c>; an upper-case type makes it primary, as in Exchange.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ProxyAddress? value, out string? error)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "an address cannot be empty";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = "expected TYPE:address, such as SMTP:joe@example.com";
            return false;
        }

        var type = text[..colon];
        var address = text[(colon + 1)..];
        error = ValidateType(type) ?? ValidateAddress(address);
        if (error is not null)
        {
            return false;
        }

        var isPrimary = !type.Any(char.IsLower);
        value = new ProxyAddress(type, address, isPrimary);
        return true;
    }

    /// <summary>Reads <c>TYPE:address</c> or throws a message naming what is wrong.</summary>
    /// <exception cref="InvalidValueException">The text is not an address.</exception>
    public static ProxyAddress Parse(string text) =>
        TryParse(text, out var value, out var error)
            ? value
            : throw new InvalidValueException($"invalid address '{text}': {error}");

    /// <summary>True when <paramref name="type"/> is a valid address type name.</summary>
    public static bool IsValidType(string type) => ValidateType(type) is null;

    private static string? ValidateType(string type)
    {
        if (type.Length is 0 or > MaxTypeLength)
        {
            return $"the address type must be 1 to {MaxTypeLength} characters";
        }

        foreach (var c in type)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return "the address type may hold only letters, digits, '-' and '_'";
            }
        }

        return null;
    }

    private static string? ValidateAddress(string address)
    {
        if (address.Length == 0)
        {
            return "the address after the type is empty";
        }

        if (address.Length > MaxAddressLength)
        {
            return $"the address is longer than {MaxAddressLength} characters";
        }

        foreach (var c in address)
        {
            if (char.IsControl(c))
            {
                return "the address contains a control character";
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public bool Equals(ProxyAddress? other) =>
        other is not null
        && string.Equals(Type, other.Type, StringComparison.Ordinal)
        && string.Equals(Address, other.Address, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ProxyAddress);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, StringComparer.OrdinalIgnoreCase.GetHashCode(Address));

    /// <summary><c>TYPE:address</c> for a primary address, <c>type:address</c> for a secondary one.</summary>
    public override string ToString() => (IsPrimary ? Type : Type.ToLowerInvariant()) + ":" + Address;
}
