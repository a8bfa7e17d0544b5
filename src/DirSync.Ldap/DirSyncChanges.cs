using System.Runtime.CompilerServices;
using System.Text;
using DirSync.Core;
using DirSync.Core.Connectors;
using DirSync.Core.Sync;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>An Active Directory read with the DirSync control: what changed since the cookie, deletions included.</summary>
/// <remarks>
/// <para>DirSync searches must start at the naming context's head and report changed attributes only, and a
/// deleted object (a tombstone) keeps almost none — it would not match a filter on mail. So the DirSync
/// search asks for every object whose mapped attributes changed, a tombstone becomes a delete, and each
/// live changed object is read again, whole, under the base DN with the instance's filter: one that no
/// longer matches (or moved out of the base) becomes a delete.</para>
/// <para>A first read takes the cookie from a DirSync pass that selects nothing, then reads every entry by
/// paged search (AD's size limit is 1,000) and reconciles.</para>
/// </remarks>
internal sealed class DirSyncChanges : IDirectoryChanges
{
    private const int ReReadBatch = 50;
    private static readonly LdapFilter Nothing = LdapFilter.Parse("(!(objectClass=*))");
    private static readonly LdapFilter Everything = LdapFilter.Parse("(objectClass=*)");

    private readonly EntryReader _reader;
    private readonly byte[]? _cookie;
    private HashSet<Guid>? _present;

    public DirSyncChanges(EntryReader reader, byte[]? cookie)
    {
        _reader = reader;
        _cookie = cookie;
        Mode = cookie is null ? ChangeSetMode.Full : ChangeSetMode.Incremental;
    }

    public ChangeSetMode Mode { get; }

    public IReadOnlySet<Guid>? Present => _present;

    public string? Cookie { get; private set; }

    public async IAsyncEnumerable<ChangeRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_cookie is null)
        {
            var (_, first) = await DirSyncAsync([], Nothing, ["objectGUID"], null, cancellationToken);
            _present = [];
            await foreach (var record in _reader.FullAsync(cancellationToken))
            {
                yield return record;
            }

            Cookie = Encode(first);
            yield break;
        }

        var changed = new List<Guid>();
        var deleted = new List<(Guid Anchor, string Dn)>();
        var (_, cookie) = await DirSyncAsync(_cookie, Everything, [.. _reader.Mapper.ImportAttributes, "isDeleted", "name"], entry =>
        {
            if (EntryMapper.AnchorOf(entry, ServerKind.ActiveDirectory) is not { } anchor)
            {
                return;
            }

            if (string.Equals(entry.GetString("isDeleted"), "TRUE", StringComparison.OrdinalIgnoreCase))
            {
                deleted.Add((anchor, entry.Dn));
            }
            else if (!changed.Contains(anchor))
            {
                changed.Add(anchor);
            }
        }, cancellationToken);

        foreach (var (anchor, dn) in deleted)
        {
            yield return new ChangeRecord(ChangeKind.Delete, anchor, dn, _reader.Container);
        }

        foreach (var batch in changed.Chunk(ReReadBatch))
        {
            var found = new HashSet<Guid>();
            var filter = LdapFilter.And(_reader.Filter, LdapFilter.Parse("(|" + string.Concat(batch.Select(g => $"(objectGUID={Escape(g)})")) + ")"));
            await foreach (var entry in _reader.Guard(_reader.Session.PagedSearchAsync(_reader.BaseDn, SearchScope.Subtree, filter, _reader.Mapper.ImportAttributes, cancellationToken), cancellationToken))
            {
                if (_reader.ToRecord(entry, ChangeKind.Modify) is { } record)
                {
                    found.Add(record.Anchor);
                    yield return record;
                }
            }

            foreach (var anchor in batch.Where(g => !found.Contains(g)))
            {
                yield return new ChangeRecord(ChangeKind.Delete, anchor, anchor.ToString(), _reader.Container);
            }
        }

        Cookie = Encode(cookie);
    }

    /// <summary>Runs DirSync rounds until the server has no more; returns the final cookie.</summary>
    private async Task<(int Rounds, byte[] Cookie)> DirSyncAsync(byte[] cookie, LdapFilter filter, IReadOnlyList<string> attributes, Action<LdapEntry>? onEntry, CancellationToken cancellationToken)
    {
        var rounds = 0;
        while (true)
        {
            rounds++;
            LdapResult? done = null;
            var search = _reader.Session.Connection.SearchAsync(
                _reader.Session.NamingContext, SearchScope.Subtree, filter, attributes, [Controls.DirSyncRequest(cookie, 0)], cancellationToken);
            await foreach (var response in _reader.Guard(search, cancellationToken))
            {
                if (response.Entry is { } entry)
                {
                    onEntry?.Invoke(entry);
                }

                done = response.Result ?? done;
            }

            if (done is null || !done.IsSuccess)
            {
                throw done?.Code == LdapResultCode.InsufficientAccessRights
                    ? new DirSyncException(
                        $"{_reader.Session.Url} refused the DirSync read: {done.Describe()}; grant the bind account 'Replicating Directory Changes' on {_reader.Session.NamingContext} (docs/ldap.md)",
                        ErrorCategory.Directory)
                    : _reader.Session.Failure("DirSync read", _reader.Session.NamingContext, done ?? new LdapResult(LdapResultCode.Other, "", "no result", []));
            }

            var response2 = Controls.DirSyncResponse(done.Controls)
                ?? throw new DirSyncException($"{_reader.Session.Url} answered a DirSync read without its control; it does not support DirSync", ErrorCategory.Directory);
            cookie = response2.Cookie;
            if (!response2.More)
            {
                return (rounds, cookie);
            }
        }
    }

    private static string Escape(Guid guid)
    {
        var builder = new StringBuilder(48);
        foreach (var b in guid.ToByteArray())
        {
            builder.Append('\\').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static string Encode(byte[] cookie) => "dirsync:" + Convert.ToBase64String(cookie);
}
