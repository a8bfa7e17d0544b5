namespace DirSync.Ldap.Protocol;

/// <summary>The outcome of an operation (RFC 4511 LDAPResult) with the response's controls.</summary>
internal sealed record LdapResult(LdapResultCode Code, string MatchedDn, string Diagnostic, IReadOnlyList<LdapControl> Controls)
{
    public bool IsSuccess => Code == LdapResultCode.Success;

    /// <summary>The server's words, or the code's name when it gave none.</summary>
    public string Describe() =>
        string.IsNullOrWhiteSpace(Diagnostic) ? $"{CodeName(Code)} ({(int)Code})" : $"{CodeName(Code)} ({(int)Code}): {Diagnostic.Trim()}";

    private static string CodeName(LdapResultCode code) =>
        Enum.IsDefined(code) ? System.Text.RegularExpressions.Regex.Replace(code.ToString(), "(?<=[a-z])([A-Z])", " $1").ToLowerInvariant() : "result";
}
