namespace DirSync.Core.Connectors;

/// <summary>Where a live directory is and how to reach it: an instance's <c>--ldap</c> settings.</summary>
/// <remarks>
/// The password is never part of it: only the path of the file that holds it, read at each run, so
/// the store holds no secret and a changed password needs no change here.
/// </remarks>
/// <param name="Url"><c>ldap://host:port</c> or <c>ldaps://host:port</c>.</param>
/// <param name="BaseDn">The subtree read from or written to.</param>
public sealed record DirectoryEndpoint(string Url, string BaseDn)
{
    /// <summary>The DN to bind as; null binds anonymously.</summary>
    public string? BindDn { get; init; }

    /// <summary>The absolute path of the file whose first line is the bind password.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>The search filter of an import; null for the default of the kind of server.</summary>
    public string? Filter { get; init; }

    /// <summary>The absolute path of a PEM file of the CA (or CAs) the server's certificate must chain to; null for the system's.</summary>
    public string? TlsCa { get; init; }

    /// <summary>The server's address, for messages.</summary>
    public override string ToString() => Url;
}
