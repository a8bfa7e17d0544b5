namespace DirSync.Ldap;

/// <summary>An instance's <c>--ldap</c> address: <c>ldap://host:port</c> or <c>ldaps://host:port</c>.</summary>
internal sealed record LdapUrl(string Host, int Port, bool Tls)
{
    /// <summary>Reads a URL, or returns why it is not one.</summary>
    public static bool TryParse(string text, out LdapUrl? url, out string? error)
    {
        url = null;
        error = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps"))
        {
            error = $"'{text}' is not an LDAP URL; write ldap://host:port or ldaps://host:port";
            return false;
        }

        if (uri.Host.Length == 0)
        {
            error = $"'{text}' names no server; write ldap://host:port or ldaps://host:port";
            return false;
        }

        if (uri.AbsolutePath.Trim('/').Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            error = $"'{text}' has more than a server and port; give the base DN with --base-dn and the filter with --filter";
            return false;
        }

        var tls = uri.Scheme == "ldaps";
        url = new LdapUrl(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? (tls ? 636 : 389) : uri.Port, tls);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{(Tls ? "ldaps" : "ldap")}://{Host}:{Port}";
}
