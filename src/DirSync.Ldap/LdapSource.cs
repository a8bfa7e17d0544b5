using DirSync.Core.Connectors;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>A directory an instance imports from: picks the incremental method the server offers.</summary>
/// <remarks>
/// RFC 4533 content synchronization where the server offers it (OpenLDAP's syncprov), the DirSync control on
/// Active Directory, and otherwise modifyTimestamp with an anchor reconcile. A cookie of another method (the
/// server lost its overlay, say) is not used: the read starts over in full, which reconciles.
/// </remarks>
internal sealed class LdapSource : IDirectorySource
{
    private readonly LdapSession _session;
    private readonly EntryMapper _mapper;
    private readonly LdapFilter _filter;
    private readonly DirectoryPath _container;
    private readonly string _addressType;

    public LdapSource(LdapSession session, LdapFilter filter, DirectoryPath container, string addressType)
    {
        _session = session;
        _mapper = new EntryMapper(session.Kind);
        _filter = filter;
        _container = container;
        _addressType = addressType;
    }

    public Guid Identity => _session.Identity;

    public string Name => _session.Name;

    public IDirectoryChanges Read(string? cookie)
    {
        var method = _session.Kind == ServerKind.ActiveDirectory && _session.SupportedControls.Contains(LdapOids.DirSync) ? "dirsync"
            : _session.Kind == ServerKind.Ldap && _session.SupportedControls.Contains(LdapOids.SyncRequest) ? "rfc4533"
            : "timestamp";
        var own = cookie is not null && cookie.StartsWith(method + ":", StringComparison.Ordinal) ? cookie[(method.Length + 1)..] : null;
        var reader = new EntryReader(_session, _mapper, _filter, _container, _addressType);
        return method switch
        {
            "dirsync" => new DirSyncChanges(reader, own is null ? null : Convert.FromBase64String(own)),
            "rfc4533" => new SyncReplChanges(reader, own is null ? null : Convert.FromBase64String(own)),
            _ => new TimestampChanges(reader, own),
        };
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
