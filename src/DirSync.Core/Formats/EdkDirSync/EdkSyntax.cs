using System.Buffers;
using System.Text;

namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>The character classes the reader and the writer share, so both sides agree on the grammar.</summary>
internal static class EdkSyntax
{
    // Exchange names (Display-Name), LDAP names (displayName), LDAP options (userCertificate;binary) and OIDs.
    private const string NameCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.;";

    public const string NameRule = "letters, digits, '-', '_', '.' and ';'";

    public static readonly SearchValues<byte> NameBytes = SearchValues.Create(Encoding.ASCII.GetBytes(NameCharacters));
    public static readonly SearchValues<char> NameChars = SearchValues.Create(NameCharacters);
    public static readonly SearchValues<byte> ControlBytes = SearchValues.Create(Encoding.ASCII.GetBytes(ControlsAnd("")));
    public static readonly SearchValues<byte> RawSpecialBytes = SearchValues.Create(Encoding.ASCII.GetBytes(ControlsAnd("\\")));
    public static readonly SearchValues<byte> QuotedSpecialBytes = SearchValues.Create(Encoding.ASCII.GetBytes(ControlsAnd("\\\"")));
    public static readonly SearchValues<char> ControlChars = SearchValues.Create(ControlsAnd(""));
    public static readonly SearchValues<char> NewlineChars = SearchValues.Create("\r\n");
    public static readonly SearchValues<char> RawSpecialChars = SearchValues.Create(ControlsAnd("\\"));
    public static readonly SearchValues<char> QuotedSpecialChars = SearchValues.Create(ControlsAnd("\\\""));

    public static byte Letter(EdkOperation operation) => operation switch
    {
        EdkOperation.Add => (byte)'A',
        EdkOperation.Modify => (byte)'M',
        EdkOperation.Delete => (byte)'D',
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "not an EDK operation"),
    };

    public static bool IsControl(int c) => c < 0x20 || c == 0x7F;

    private static string ControlsAnd(string extra)
    {
        var builder = new StringBuilder(33 + extra.Length);
        for (var c = '\0'; c < ' '; c++)
        {
            builder.Append(c);
        }

        return builder.Append('\u007F').Append(extra).ToString();
    }
}
