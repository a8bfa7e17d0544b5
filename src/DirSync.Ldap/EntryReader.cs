using System.Runtime.CompilerServices;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>What every incremental method shares: the session, the mapping, the filter, and the full read that starts them all.</summary>
internal sealed class EntryReader
{
    public EntryReader(LdapSession session, EntryMapper mapper, LdapFilter filter, DirectoryPath container, string addressType)
    {
        Session = session;
        Mapper = mapper;
        Filter = filter;
        Container = container;
        AddressType = addressType;
    }

    public LdapSession Session { get; }

    public EntryMapper Mapper { get; }

    public LdapFilter Filter { get; }

    public DirectoryPath Container { get; }

    public string AddressType { get; }

    public string BaseDn => Session.BaseDn.ToString();

    /// <summary>The record for an entry, or null when it has no anchor the bind account may read.</summary>
    public ChangeRecord? ToRecord(LdapEntry entry, ChangeKind kind) =>
        EntryMapper.AnchorOf(entry, Session.Kind) is { } anchor ? Mapper.ToRecord(entry, anchor, kind, Container, AddressType) : null;

    /// <summary>Every entry in scope, as adds, by paged search.</summary>
    public async IAsyncEnumerable<ChangeRecord> FullAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in Guard(Session.PagedSearchAsync(BaseDn, SearchScope.Subtree, Filter, Mapper.ImportAttributes, cancellationToken), cancellationToken))
        {
            if (ToRecord(entry, ChangeKind.Add) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>The anchors of every entry in scope (what an anchor reconcile compares with).</summary>
    public async Task<HashSet<Guid>> AnchorsAsync(CancellationToken cancellationToken)
    {
        var anchors = new HashSet<Guid>();
        await foreach (var entry in Guard(Session.PagedSearchAsync(BaseDn, SearchScope.Subtree, Filter, [Mapper.AnchorAttribute, "mail"], cancellationToken), cancellationToken))
        {
            if (EntryMapper.AnchorOf(entry, Session.Kind) is { } anchor && entry.GetString("mail") is { Length: > 0 })
            {
                anchors.Add(anchor);
            }
        }

        return anchors;
    }

    /// <summary>Turns a lost connection in the middle of a read into one line; nothing read is applied.</summary>
    public async IAsyncEnumerable<T> Guard<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (LdapConnectionException e)
            {
                throw Lost(e);
            }

            yield return enumerator.Current;
        }
    }

    public DirSyncException Lost(Exception e) =>
        new($"the connection to {Session.Url} was lost during the read: {e.Message}; nothing was applied and the cookie is unchanged — run again when the server is back", ErrorCategory.Directory, e);
}
