using System.Runtime.CompilerServices;
using DirSync.Core;
using DirSync.Core.Connectors;
using DirSync.Core.Sync;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>An RFC 4533 refreshOnly read: what changed since the cookie, deletions included.</summary>
/// <remarks>
/// <para>A first read takes a cookie from a refresh that selects nothing, then reads every entry by paged
/// search — paging keeps a server's size limit from truncating it — and reconciles; changes made between
/// the two are read again next time, which is harmless.</para>
/// <para>Later reads send the cookie. The server answers with the delete phase (deleted UUIDs in syncIdSet
/// messages, from syncprov's session log) or the present phase (every unchanged entry named present): in
/// the latter, anything neither changed nor present is gone, which <see cref="Present"/> tells the importer.
/// A cookie the server no longer honours (e-syncRefreshRequired) starts over with a full read.</para>
/// </remarks>
internal sealed class SyncReplChanges : IDirectoryChanges
{
    private static readonly LdapFilter Nothing = LdapFilter.Parse("(!(objectClass=*))");

    private readonly EntryReader _reader;
    private readonly byte[]? _cookie;
    private HashSet<Guid>? _present;

    public SyncReplChanges(EntryReader reader, byte[]? cookie)
    {
        _reader = reader;
        _cookie = cookie;
        Mode = cookie is null ? ChangeSetMode.Full : ChangeSetMode.Incremental;
    }

    public ChangeSetMode Mode { get; private set; }

    public IReadOnlySet<Guid>? Present => _present;

    public string? Cookie { get; private set; }

    public async IAsyncEnumerable<ChangeRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_cookie is not null)
        {
            var refreshRequired = false;
            await foreach (var record in IncrementalAsync(_cookie, () => refreshRequired = true, cancellationToken))
            {
                yield return record;
            }

            if (!refreshRequired)
            {
                yield break;
            }

            Mode = ChangeSetMode.Full;
        }

        var cookie = await CookieAsync(cancellationToken);
        _present = [];
        await foreach (var record in _reader.FullAsync(cancellationToken))
        {
            yield return record;
        }

        Cookie = Encode(cookie);
    }

    private async IAsyncEnumerable<ChangeRecord> IncrementalAsync(byte[] cookie, Action refreshRequired, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var present = new HashSet<Guid>();
        var presentPhase = false;
        byte[]? latest = null;
        LdapResult? done = null;
        var search = _reader.Session.Connection.SearchAsync(
            _reader.BaseDn, SearchScope.Subtree, _reader.Filter, _reader.Mapper.ImportAttributes, [Controls.SyncRequest(cookie)], cancellationToken);
        await foreach (var response in _reader.Guard(search, cancellationToken))
        {
            if (response.Entry is { } entry)
            {
                var state = Controls.SyncState(entry.Controls);
                if (state is not { } s)
                {
                    continue;
                }

                switch (s.State)
                {
                    case 0:
                        presentPhase = true;
                        present.Add(s.Uuid);
                        break;
                    case 3:
                        yield return new ChangeRecord(ChangeKind.Delete, s.Uuid, entry.Dn, _reader.Container);
                        break;
                    default:
                        if (_reader.Mapper.ToRecord(entry, s.Uuid, ChangeKind.Modify, _reader.Container, _reader.AddressType) is { } record)
                        {
                            yield return record;
                        }

                        break;
                }
            }
            else if (response.IsIntermediate && response.Name == LdapOids.SyncInfo && response.Value is { } value)
            {
                var info = Controls.ReadSyncInfo(value);
                latest = info.Cookie ?? latest;
                if (info.Kind == SyncInfoKind.RefreshPresent)
                {
                    presentPhase = true;
                }
                else if (info.Kind == SyncInfoKind.IdSet)
                {
                    if (info.RefreshDeletes)
                    {
                        foreach (var uuid in info.Uuids)
                        {
                            yield return new ChangeRecord(ChangeKind.Delete, uuid, uuid.ToString(), _reader.Container);
                        }
                    }
                    else
                    {
                        presentPhase = true;
                        present.UnionWith(info.Uuids);
                    }
                }
            }
            else if (response.Result is { } result)
            {
                done = result;
            }
        }

        if (done is { Code: LdapResultCode.SyncRefreshRequired })
        {
            refreshRequired();
            yield break;
        }

        if (done is null || !done.IsSuccess)
        {
            throw _reader.Session.Failure("content synchronization", _reader.BaseDn, done ?? new LdapResult(LdapResultCode.Other, "", "no result", []));
        }

        var syncDone = Controls.SyncDone(done.Controls);
        if (syncDone is { RefreshDeletes: false })
        {
            presentPhase = true;
        }

        if (presentPhase)
        {
            _present = present;
        }

        Cookie = Encode(syncDone?.Cookie ?? latest ?? cookie);
    }

    /// <summary>The cookie of this moment: a refresh that selects nothing returns it without an entry.</summary>
    private async Task<byte[]> CookieAsync(CancellationToken cancellationToken)
    {
        LdapResult? done = null;
        var search = _reader.Session.Connection.SearchAsync(_reader.BaseDn, SearchScope.Subtree, Nothing, ["1.1"], [Controls.SyncRequest(null)], cancellationToken);
        await foreach (var response in _reader.Guard(search, cancellationToken))
        {
            done = response.Result ?? done;
        }

        if (done is null || !done.IsSuccess)
        {
            throw _reader.Session.Failure("content synchronization", _reader.BaseDn, done ?? new LdapResult(LdapResultCode.Other, "", "no result", []));
        }

        return Controls.SyncDone(done.Controls)?.Cookie
            ?? throw new DirSyncException($"{_reader.Session.Url} answered a content synchronization without a cookie; is the syncprov overlay configured on the database that holds '{_reader.BaseDn}'?", ErrorCategory.Directory);
    }

    private static string Encode(byte[] cookie) => "rfc4533:" + Convert.ToBase64String(cookie);
}
