using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DirSync.Core;
using DirSync.Core.Connectors;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>A bound connection to one directory with what its root DSE says about it: kind, controls, identity.</summary>
internal sealed class LdapSession : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private const int PageSize = 1000;

    private IReadOnlyList<string> _namingContexts = [];

    private LdapSession(LdapConnection connection, DirectoryEndpoint endpoint, LdapUrl url, DistinguishedName baseDn)
    {
        Connection = connection;
        Endpoint = endpoint;
        Url = url;
        BaseDn = baseDn;
    }

    public LdapConnection Connection { get; }

    public DirectoryEndpoint Endpoint { get; }

    public LdapUrl Url { get; }

    public DistinguishedName BaseDn { get; }

    public ServerKind Kind { get; private set; }

    public IReadOnlySet<string> SupportedControls { get; private set; } = new HashSet<string>();

    /// <summary>The naming context that holds the base DN (AD's DirSync searches start there).</summary>
    public string NamingContext { get; private set; } = "";

    /// <summary>Where an AD keeps its schema; null elsewhere.</summary>
    public string? SchemaNamingContext { get; private set; }

    /// <summary>The naming context's anchor: the directory's identity.</summary>
    public Guid Identity { get; private set; }

    /// <summary>The attribute that anchors entries: objectGUID on AD, entryUUID elsewhere.</summary>
    public string AnchorAttribute => Kind == ServerKind.ActiveDirectory ? "objectGUID" : "entryUUID";

    /// <summary>The server and base DN, for messages and <c>importedFrom</c>.</summary>
    public string Name => $"{Url} ({BaseDn})";

    /// <summary>Connects, binds and reads the root DSE; every failure is one line naming the problem and the fix.</summary>
    public static async Task<LdapSession> OpenAsync(DirectoryEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (!LdapUrl.TryParse(endpoint.Url, out var url, out var urlError))
        {
            throw new InvalidValueException(urlError!);
        }

        var baseDn = DistinguishedName.Parse(endpoint.BaseDn);
        var trusted = endpoint.TlsCa is null ? null : LoadCas(endpoint.TlsCa);
        var password = endpoint.PasswordFile is null ? "" : ReadPassword(endpoint.PasswordFile);
        var bindDn = endpoint.BindDn ?? "";
        var connection = await ConnectAsync(url!, trusted, startTls: !url!.Tls && trusted is not null, cancellationToken);
        try
        {
            var result = await connection.BindAsync(bindDn, password, cancellationToken);
            if (result.Code is LdapResultCode.StrongerAuthRequired or LdapResultCode.ConfidentialityRequired && !connection.IsEncrypted)
            {
                // The server wants the password over TLS: ask for StartTLS and bind again.
                await connection.DisposeAsync();
                connection = await ConnectAsync(url, trusted, startTls: true, cancellationToken);
                result = await connection.BindAsync(bindDn, password, cancellationToken);
            }

            if (!result.IsSuccess)
            {
                var who = bindDn.Length == 0 ? "an anonymous bind" : $"the bind as '{bindDn}'";
                var fix = result.Code == LdapResultCode.InvalidCredentials
                    ? "check --bind-dn and the first line of the password file"
                    : result.Code is LdapResultCode.StrongerAuthRequired or LdapResultCode.ConfidentialityRequired
                        ? "use an ldaps:// URL, or give --tls-ca so the connection starts TLS"
                        : "check the bind account on the server";
                throw new DirSyncException($"{url} refused {who}: {result.Describe()}; {fix}", ErrorCategory.Directory);
            }

            var session = new LdapSession(connection, endpoint, url, baseDn);
            await session.ReadRootDseAsync(cancellationToken);
            return session;
        }
        catch (LdapConnectionException e)
        {
            await connection.DisposeAsync();
            throw new DirSyncException($"the connection to {url} was lost while binding: {e.Message}; check that the server is up and retry", ErrorCategory.Directory, e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Checks a CA file: it must hold at least one PEM certificate.</summary>
    public static X509Certificate2Collection LoadCas(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DirSyncException($"cannot read the CA file '{path}' given with --tls-ca: {e.Message}", ErrorCategory.FileSystem, e);
        }
        catch (CryptographicException e)
        {
            throw new InvalidValueException($"the CA file '{path}' given with --tls-ca holds no readable PEM certificate ({e.Message}); give the CA's certificate in PEM form");
        }

        if (collection.Count == 0)
        {
            throw new InvalidValueException($"the CA file '{path}' given with --tls-ca holds no PEM certificate ('-----BEGIN CERTIFICATE-----'); give the CA's certificate in PEM form");
        }

        return collection;
    }

    /// <summary>A paged search (RFC 2696) that follows the pages to the end, so a server's size limit never truncates it.</summary>
    public async IAsyncEnumerable<LdapEntry> PagedSearchAsync(
        string baseDn, SearchScope scope, LdapFilter filter, IReadOnlyList<string> attributes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        byte[] cookie = [];
        do
        {
            LdapResult? done = null;
            await foreach (var response in Connection.SearchAsync(baseDn, scope, filter, attributes, [Controls.PagedResults(PageSize, cookie)], cancellationToken))
            {
                if (response.Entry is { } entry)
                {
                    yield return entry;
                }
                else if (response.Result is { } result)
                {
                    done = result;
                }
            }

            if (done is null || !done.IsSuccess)
            {
                throw Failure("search", baseDn, done!);
            }

            cookie = Controls.PagedResultsCookie(done.Controls);
        }
        while (cookie.Length > 0);
    }

    /// <summary>The one-line error for a search the server refused.</summary>
    public DirSyncException Failure(string what, string baseDn, LdapResult result) => result.Code switch
    {
        LdapResultCode.NoSuchObject => new DirSyncException(
            $"the base DN '{baseDn}' does not exist on {Url}; check --base-dn (the server holds: {string.Join(", ", _namingContexts.DefaultIfEmpty("no naming contexts it will tell"))})",
            ErrorCategory.NotFound),
        LdapResultCode.SizeLimitExceeded or LdapResultCode.AdminLimitExceeded => new DirSyncException(
            $"{Url} stopped the {what} at its size limit: {result.Describe()}; give the bind account an unlimited size limit (OpenLDAP: limits dn.exact=\"{Endpoint.BindDn}\" size=unlimited)",
            ErrorCategory.Directory),
        LdapResultCode.InsufficientAccessRights => new DirSyncException(
            $"{Url} refused the {what} under '{baseDn}': {result.Describe()}; give the bind account read access there (docs/ldap.md lists the rights)",
            ErrorCategory.Directory),
        _ => new DirSyncException($"{Url} refused the {what} under '{baseDn}': {result.Describe()}", ErrorCategory.Directory),
    };

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private static async Task<LdapConnection> ConnectAsync(LdapUrl url, X509Certificate2Collection? trusted, bool startTls, CancellationToken cancellationToken)
    {
        try
        {
            return startTls
                ? await LdapConnection.OpenStartTlsAsync(url.Host, url.Port, trusted, ConnectTimeout, cancellationToken)
                : await LdapConnection.OpenAsync(url.Host, url.Port, url.Tls, trusted, ConnectTimeout, cancellationToken);
        }
        catch (LdapConnectionException e)
        {
            var fix = e.Message.Contains("certificate", StringComparison.Ordinal)
                ? trusted is null ? "give the server's CA with --tls-ca FILE" : "give the CA that signed the server's certificate with --tls-ca, and use the host name the certificate names"
                : "check the URL and that the server is running and reachable";
            throw new DirSyncException($"cannot use {url}: {e.Message}; {fix}", ErrorCategory.Directory, e);
        }
    }

    private static string ReadPassword(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : e.Message;
            throw new DirSyncException($"cannot read the password file '{path}': {reason}; write the bind password on its first line (readable by this user only)", ErrorCategory.FileSystem, e);
        }

        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private async Task ReadRootDseAsync(CancellationToken cancellationToken)
    {
        LdapEntry? root = null;
        try
        {
            await foreach (var response in Connection.SearchAsync("", SearchScope.Base, LdapFilter.Parse("(objectClass=*)"),
                ["namingContexts", "supportedControl", "supportedCapabilities", "defaultNamingContext", "schemaNamingContext", "vendorName"], null, cancellationToken))
            {
                root ??= response.Entry;
            }
        }
        catch (LdapConnectionException e)
        {
            throw new DirSyncException($"the connection to {Url} was lost while reading its root DSE: {e.Message}", ErrorCategory.Directory, e);
        }

        if (root is null)
        {
            throw new DirSyncException($"{Url} does not show its root DSE to this account; DirSync needs it to tell the kind of server", ErrorCategory.Directory);
        }

        SupportedControls = root.GetStrings("supportedControl").ToHashSet();
        SchemaNamingContext = root.GetString("schemaNamingContext");
        Kind = root.GetStrings("supportedCapabilities").Contains(LdapOids.ActiveDirectoryCapability) ? ServerKind.ActiveDirectory : ServerKind.Ldap;
        _namingContexts = root.GetStrings("namingContexts");
        NamingContext = _namingContexts
            .Select(n => (Text: n, Dn: DistinguishedName.TryParse(n, out var dn, out _) ? dn : null))
            .Where(n => n.Dn is not null && n.Dn.Count > 0 && BaseDn.IsWithin(n.Dn))
            .OrderByDescending(n => n.Dn!.Count)
            .Select(n => n.Text)
            .FirstOrDefault() ?? BaseDn.ToString();

        var baseEntry = await ReadOneAsync(BaseDn.ToString(), [AnchorAttribute], cancellationToken);
        if (baseEntry is null)
        {
            throw Failure("search", BaseDn.ToString(), new LdapResult(LdapResultCode.NoSuchObject, "", "", []));
        }

        var context = string.Equals(NamingContext, BaseDn.ToString(), StringComparison.OrdinalIgnoreCase) ? baseEntry : await ReadOneAsync(NamingContext, [AnchorAttribute], cancellationToken) ?? baseEntry;
        Identity = EntryMapper.AnchorOf(context, Kind)
            ?? throw new DirSyncException($"{Url} shows no {AnchorAttribute} on '{NamingContext}'; DirSync needs it to anchor entries (grant the bind account read access to operational attributes)", ErrorCategory.Directory);
    }

    /// <summary>Reads one entry by DN, or null when it does not exist.</summary>
    public async Task<LdapEntry?> ReadOneAsync(string dn, IReadOnlyList<string> attributes, CancellationToken cancellationToken)
    {
        LdapEntry? entry = null;
        LdapResult? done = null;
        try
        {
            await foreach (var response in Connection.SearchAsync(dn, SearchScope.Base, LdapFilter.Parse("(objectClass=*)"), attributes, null, cancellationToken))
            {
                entry ??= response.Entry;
                done = response.Result ?? done;
            }
        }
        catch (LdapConnectionException e)
        {
            throw new DirSyncException($"the connection to {Url} was lost: {e.Message}; run again when the server is back", ErrorCategory.Directory, e);
        }

        if (done is { Code: LdapResultCode.NoSuchObject })
        {
            return null;
        }

        if (done is null || !done.IsSuccess)
        {
            throw Failure("read", dn, done ?? new LdapResult(LdapResultCode.Other, "", "no result", []));
        }

        return entry;
    }
}
