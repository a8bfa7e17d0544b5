using System.Security.Cryptography;
using System.Text;

namespace DirSync.Core.Hub;

/// <summary>A requestor's signature on one HTTP request: its name, a nonce the server handed out, and an HMAC made with its key.</summary>
/// <remarks>
/// <para>The HMAC covers the method, the path, the requestor's name, the nonce and the SHA-256 of the body, so a
/// signature is good for that one request only. The server hands out each nonce once and forgets it when it is
/// used (or after <see cref="HubHttp.NonceLifetime"/>), so a request recorded on the wire and sent again is refused:
/// it cannot post a message twice, fetch a requestor's replies or acknowledge (remove) them.</para>
/// <para>Sent as <c>Authorization: DirSync-HMAC requestor="NET/PO", nonce="…", mac="…"</c>.</para>
/// </remarks>
/// <param name="Requestor">The signing requestor's postoffice name.</param>
/// <param name="Nonce">The nonce the server handed out.</param>
/// <param name="Mac">The HMAC-SHA256, in lower-case hex.</param>
public sealed record RequestSignature(string Requestor, string Nonce, string Mac)
{
    /// <summary>The SHA-256 of an empty body, in lower-case hex.</summary>
    public static readonly string EmptyBodySha256 = Convert.ToHexStringLower(SHA256.HashData([]));

    /// <summary>Signs a request with <paramref name="key"/>.</summary>
    public static RequestSignature Sign(string requestor, string key, string nonce, string method, string path, string bodySha256)
    {
        ArgumentNullException.ThrowIfNull(requestor);
        ArgumentNullException.ThrowIfNull(key);
        return new RequestSignature(requestor, nonce, Compute(key, requestor, nonce, method, path, bodySha256));
    }

    /// <summary>Reads the parameters of an <c>Authorization</c> header (after the scheme), or returns null when they are not a signature.</summary>
    public static RequestSignature? Parse(string? parameters)
    {
        if (string.IsNullOrEmpty(parameters) || parameters.Length > 1024)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parameters.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            var value = part[(equals + 1)..].Trim();
            if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
            {
                return null;
            }

            values[part[..equals].Trim()] = value[1..^1];
        }

        return values.TryGetValue("requestor", out var requestor) && values.TryGetValue("nonce", out var nonce) && values.TryGetValue("mac", out var mac)
            && PostofficeName.IsValid(requestor) && nonce.Length is > 0 and <= 128 && nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? new RequestSignature(requestor, nonce, mac)
            : null;
    }

    /// <summary>The parameters of the <c>Authorization</c> header (after the scheme).</summary>
    public string ToParameters() => $"requestor=\"{Requestor}\", nonce=\"{Nonce}\", mac=\"{Mac}\"";

    /// <summary>True when the signature was made with <paramref name="key"/> for this request.</summary>
    public bool Verify(string key, string method, string path, string bodySha256)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Mac.Length != 64 || !Mac.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        var expected = Convert.FromHexString(Compute(key, Requestor, Nonce, method, path, bodySha256));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(Mac));
    }

    private static string Compute(string key, string requestor, string nonce, string method, string path, string bodySha256)
    {
        var text = $"dirsync-hub-1\n{method.ToUpperInvariant()}\n{path}\n{requestor.ToUpperInvariant()}\n{nonce}\n{bodySha256.ToLowerInvariant()}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.UTF8.GetBytes(text)));
    }
}
