using DirSync.Core;
using DirSync.Core.Connectors;
using DirSync.Core.Sync;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>Opens OpenLDAP, Active Directory and other LDAPv3 directories for DirSync instances.</summary>
public sealed class LdapConnector : IDirectoryConnector
{
    /// <inheritdoc/>
    public void Validate(DirectoryEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!LdapUrl.TryParse(endpoint.Url, out _, out var urlError))
        {
            throw new InvalidValueException(urlError!);
        }

        CheckDn(endpoint.BaseDn, "--base-dn", allowEmpty: false);
        // Active Directory also binds by user principal name (user@domain) or down-level name (DOMAIN\user).
        if (endpoint.BindDn is not null && !IsAccountName(endpoint.BindDn))
        {
            CheckDn(endpoint.BindDn, "--bind-dn", allowEmpty: false);
        }

        if (endpoint.Filter is not null && LdapFilter.Validate(endpoint.Filter) is { } filterError)
        {
            throw new InvalidValueException($"--filter '{endpoint.Filter}' is not an LDAP filter: {filterError}; write it as RFC 4515 does, such as (&(objectClass=inetOrgPerson)(mail=*))");
        }

        if (endpoint.TlsCa is not null)
        {
            LdapSession.LoadCas(endpoint.TlsCa);
        }
    }

    /// <inheritdoc/>
    public async Task<IDirectorySource> OpenSourceAsync(Instance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var endpoint = Endpoint(instance);
        var session = await LdapSession.OpenAsync(endpoint, cancellationToken);
        var filter = LdapFilter.Parse(endpoint.Filter ?? EntryMapper.DefaultFilter(session.Kind));
        return new LdapSource(session, filter, instance.Settings.TargetContainer, instance.Settings.AddressType);
    }

    /// <inheritdoc/>
    public async Task<IDirectoryTarget> OpenTargetAsync(Instance instance, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var session = await LdapSession.OpenAsync(Endpoint(instance), cancellationToken);
        try
        {
            var schema = session.Kind == ServerKind.ActiveDirectory ? await SchemaAttributesAsync(session, cancellationToken) : null;
            return new LdapTarget(session, new EntryMapper(session.Kind, schema), instance.Settings.AddressType, dryRun);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private static DirectoryEndpoint Endpoint(Instance instance) =>
        instance.Settings.Directory ?? throw new InvalidValueException($"instance '{instance.Name}' has no directory; give it one with 'dirsync instance set {instance.Name} --ldap URL --base-dn DN'");

    private static bool IsAccountName(string text) =>
        !text.Contains('=', StringComparison.Ordinal) && (text.Contains('@', StringComparison.Ordinal) || text.Contains('\\', StringComparison.Ordinal)) && text.Trim().Length == text.Length;

    private static void CheckDn(string text, string option, bool allowEmpty)
    {
        if (!DistinguishedName.TryParse(text, out var dn, out var error))
        {
            throw new InvalidValueException($"{option} '{text}' is not a distinguished name: {error}; write it as RFC 4514 does, such as ou=People,dc=example,dc=org");
        }

        if (!allowEmpty && dn!.Count == 0)
        {
            throw new InvalidValueException($"{option} cannot be empty; give a DN such as ou=People,dc=example,dc=org");
        }
    }

    /// <summary>Which of the attributes an export may write the AD's schema holds (Exchange's only where its schema was extended).</summary>
    private static async Task<IReadOnlySet<string>> SchemaAttributesAsync(LdapSession session, CancellationToken cancellationToken)
    {
        var names = new EntryMapper(ServerKind.ActiveDirectory).ManagedAttributes.Concat(["targetAddress", "mailNickname"]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (session.SchemaNamingContext is null)
        {
            return names.Where(n => n is not ("targetAddress" or "mailNickname") && !n.StartsWith("extensionAttribute", StringComparison.OrdinalIgnoreCase)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        var filter = LdapFilter.Parse("(|" + string.Concat(names.Select(n => $"(lDAPDisplayName={n})")) + ")");
        await foreach (var entry in session.PagedSearchAsync(session.SchemaNamingContext, SearchScope.OneLevel, filter, ["lDAPDisplayName"], cancellationToken))
        {
            if (entry.GetString("lDAPDisplayName") is { } name)
            {
                found.Add(name);
            }
        }

        return found;
    }
}
