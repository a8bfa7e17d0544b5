using System.Security.Cryptography;
using System.Text;

namespace DirSync.Core.Hub;

/// <summary>The secret a requestor and the server share, derived from the requestor's password, and the proofs made with it.</summary>
/// <remarks>
/// Neither side keeps the password: both keep only a key derived from it with PBKDF2 (salted with
/// the requestor's name, so equal passwords give different keys). A message proves its sender
/// with an HMAC of its checksum, which covers every byte of the message, sender and recipient
/// included — so a message edited or re-addressed in transit fails the proof.
/// </remarks>
public static class HubKey
{
    private const int Iterations = 100_000;

    /// <summary>Derives the key for <paramref name="requestor"/> from its password (empty when none was set).</summary>
    public static string Derive(string requestor, string? password)
    {
        ArgumentNullException.ThrowIfNull(requestor);
        var salt = Encoding.UTF8.GetBytes("dirsync-hub/" + requestor.ToUpperInvariant());
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password ?? ""), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return Convert.ToBase64String(key);
    }

    /// <summary>The proof of a message whose checksum is <paramref name="sha256"/>.</summary>
    public static string Prove(string key, string sha256)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(sha256);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.ASCII.GetBytes(sha256)));
    }

    /// <summary>True when <paramref name="proof"/> was made with <paramref name="key"/> for this checksum.</summary>
    public static bool Verify(string key, string sha256, string? proof)
    {
        if (proof is null || proof.Length != 64 || !proof.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        var expected = Convert.FromHexString(Prove(key, sha256));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(proof));
    }
}
