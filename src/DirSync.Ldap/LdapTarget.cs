using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using DirSync.Core;
using DirSync.Core.Connectors;
using DirSync.Ldap.Protocol;

namespace DirSync.Ldap;

/// <summary>A directory an instance exports to: creates, renames, moves, changes and deletes the entries DirSync owns.</summary>
/// <remarks>
/// <para>Changes are written several at a time on the one connection (the operations of one entry in order),
/// so the server's latency is paid once per window rather than once per entry.</para>
/// <para>Entries are <c>inetOrgPerson</c> on OpenLDAP and its kin (the stock schema only) and <c>contact</c> on
/// Active Directory, named <c>cn=alias</c> under the base DN (or under organizational units for
/// sub-containers, which DirSync creates when missing).</para>
/// </remarks>
internal sealed class LdapTarget : IDirectoryTarget
{
    private const int Window = 32;

    private readonly LdapSession _session;
    private readonly EntryMapper _mapper;
    private readonly string _addressType;
    private readonly bool _dryRun;
    private readonly HashSet<string> _units = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _unitLock = new(1, 1);
    private Dictionary<Guid, LdapEntry>? _current;

    public LdapTarget(LdapSession session, EntryMapper mapper, string addressType, bool dryRun)
    {
        _session = session;
        _mapper = mapper;
        _addressType = addressType;
        _dryRun = dryRun;
    }

    public Guid Identity => _session.Identity;

    public string Name => _session.Name;

    private IReadOnlyList<string> ObjectClasses => _mapper.ExportClasses;

    public async Task LoadCurrentAsync(IReadOnlyCollection<OwnedEntry> owned, CancellationToken cancellationToken = default)
    {
        _current = [];
        if (owned.Count == 0)
        {
            return;
        }

        var anchors = owned.Select(o => o.Anchor).ToHashSet();
        var filter = LdapFilter.Parse($"(objectClass={_mapper.ExportClass})");
        try
        {
            await foreach (var entry in _session.PagedSearchAsync(_session.BaseDn.ToString(), SearchScope.Subtree, filter, [_mapper.AnchorAttribute, "cn", .. _mapper.ManagedAttributes], cancellationToken))
            {
                if (EntryMapper.AnchorOf(entry, _session.Kind) is { } anchor && anchors.Contains(anchor))
                {
                    _current[anchor] = entry;
                }
            }
        }
        catch (LdapConnectionException e)
        {
            throw Lost(e);
        }
    }

    public async IAsyncEnumerable<TargetOutcome> WriteAsync(IAsyncEnumerable<TargetChange> changes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var outcomes = Channel.CreateUnbounded<TargetOutcome>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            using var window = new SemaphoreSlim(Window, Window);
            var running = new List<Task>();
            try
            {
                await foreach (var change in changes.WithCancellation(stop.Token))
                {
                    await window.WaitAsync(stop.Token);
                    running.RemoveAll(t => t.IsCompletedSuccessfully);
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            outcomes.Writer.TryWrite(await ProcessAsync(change, stop.Token));
                        }
                        finally
                        {
                            window.Release();
                        }
                    }, stop.Token));
                    if (running.FirstOrDefault(t => t.IsFaulted) is { } failed)
                    {
                        await failed;
                    }
                }

                await Task.WhenAll(running);
                outcomes.Writer.TryComplete();
            }
            catch (Exception e)
            {
                stop.Cancel();
                await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                outcomes.Writer.TryComplete(e is LdapConnectionException ? Lost(e) : e);
            }
        }, CancellationToken.None);

        await foreach (var outcome in outcomes.Reader.ReadAllAsync(CancellationToken.None))
        {
            yield return outcome;
        }

        await producer;
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private async Task<TargetOutcome> ProcessAsync(TargetChange change, CancellationToken cancellationToken)
    {
        switch (change.Kind)
        {
            case TargetChangeKind.Delete:
                return await DeleteAsync(change, cancellationToken);
            case TargetChangeKind.Create:
                return await CreateAsync(change, cancellationToken);
            default:
                return await UpdateAsync(change, cancellationToken);
        }
    }

    private async Task<TargetOutcome> DeleteAsync(TargetChange change, CancellationToken cancellationToken)
    {
        var owned = change.Owned!;
        var dn = owned.Dn;
        if (_current is not null)
        {
            if (!_current.TryGetValue(owned.Anchor, out var current))
            {
                return new TargetOutcome(change, TargetAction.Deleted, null);
            }

            dn = current.Dn;
        }

        if (_dryRun)
        {
            return new TargetOutcome(change, TargetAction.Deleted, null);
        }

        var result = await _session.Connection.DeleteAsync(dn, cancellationToken);
        if (result.Code == LdapResultCode.NoSuchObject && _current is null && await FindAsync(owned.Anchor, cancellationToken) is { } moved)
        {
            // Renamed by hand since: it is still DirSync's entry.
            result = await _session.Connection.DeleteAsync(moved.Dn, cancellationToken);
        }

        return result.IsSuccess || result.Code == LdapResultCode.NoSuchObject
            ? new TargetOutcome(change, TargetAction.Deleted, null)
            : new TargetOutcome(change, TargetAction.Refused, owned, $"{dn}: {result.Describe()}");
    }

    private async Task<TargetOutcome> CreateAsync(TargetChange change, CancellationToken cancellationToken)
    {
        var record = change.Record!;
        var parent = await ParentAsync(change.Path, cancellationToken);
        var dn = parent.Child("cn", record.Alias).ToString();
        var attributes = _mapper.ToAttributes(record, _addressType);
        if (_dryRun)
        {
            return new TargetOutcome(change, TargetAction.Added, new OwnedEntry(change.Object, dn, change.Owned?.Anchor ?? Guid.Empty));
        }

        var list = new List<(string, IReadOnlyList<byte[]>)> { ("objectClass", ObjectClasses.Select(Encoding.UTF8.GetBytes).ToList()) };
        list.AddRange(attributes.Select(a => (a.Key, (IReadOnlyList<byte[]>)a.Value.Select(Encoding.UTF8.GetBytes).ToList())));
        var postRead = _session.SupportedControls.Contains(LdapOids.PostRead);
        var result = await _session.Connection.AddAsync(dn, list, postRead ? [Controls.PostRead(_mapper.AnchorAttribute)] : null, cancellationToken);
        if (result.Code == LdapResultCode.EntryAlreadyExists && change.MaybeCreated && await IsOwnWriteAsync(dn, attributes, cancellationToken) is { } earlier)
        {
            // Written by an earlier run whose connection was lost before the answer came.
            return new TargetOutcome(change, TargetAction.Added, new OwnedEntry(change.Object, dn, earlier));
        }

        if (!result.IsSuccess)
        {
            var reason = result.Code == LdapResultCode.EntryAlreadyExists
                ? $"{dn}: an entry DirSync did not create already has this name, and DirSync leaves it alone; remove or rename it there, or rename '{record.Alias}' here"
                : $"{dn}: {result.Describe()}";
            return new TargetOutcome(change, TargetAction.Refused, change.Owned, reason);
        }

        var anchor = (postRead ? Controls.PostReadEntry(result.Controls) : null) is { } read ? EntryMapper.AnchorOf(read, _session.Kind) : null;
        if (anchor is null && await _session.ReadOneAsync(dn, [_mapper.AnchorAttribute], cancellationToken) is { } created)
        {
            anchor = EntryMapper.AnchorOf(created, _session.Kind);
        }

        if (anchor is null)
        {
            return new TargetOutcome(change, TargetAction.Refused, change.Owned, $"{dn}: created, but its {_mapper.AnchorAttribute} cannot be read back; give the bind account read access to it");
        }

        return new TargetOutcome(change, TargetAction.Added, new OwnedEntry(change.Object, dn, anchor.Value));
    }

    private async Task<TargetOutcome> UpdateAsync(TargetChange change, CancellationToken cancellationToken)
    {
        var owned = change.Owned!;
        var record = change.Record!;
        LdapEntry? current = null;
        if (_current is not null && !_current.TryGetValue(owned.Anchor, out current))
        {
            // Deleted by hand: a full run makes it again.
            return await CreateAsync(change, cancellationToken);
        }

        var parent = await ParentAsync(change.Path, cancellationToken);
        var wanted = parent.Child("cn", record.Alias);
        var desired = _mapper.ToAttributes(record, _addressType);
        var dn = current?.Dn ?? owned.Dn;
        var modifications = Modifications(desired, current);
        var rename = !DistinguishedName.Parse(dn).Equals(wanted);
        if (!rename && modifications.Count == 0)
        {
            return new TargetOutcome(change, TargetAction.Unchanged, owned with { Dn = dn });
        }

        if (_dryRun)
        {
            return new TargetOutcome(change, TargetAction.Modified, owned with { Dn = wanted.ToString() });
        }

        if (rename)
        {
            var result = await RenameAsync(dn, wanted, cancellationToken);
            if (result.Code == LdapResultCode.NoSuchObject && _current is null)
            {
                if (await FindAsync(owned.Anchor, cancellationToken) is not { } moved)
                {
                    return await CreateAsync(change, cancellationToken);
                }

                dn = moved.Dn;
                result = DistinguishedName.Parse(dn).Equals(wanted) ? result with { Code = LdapResultCode.Success } : await RenameAsync(dn, wanted, cancellationToken);
            }

            if (!result.IsSuccess)
            {
                return new TargetOutcome(change, TargetAction.Refused, owned with { Dn = dn }, $"{dn}: renaming to {wanted}: {result.Describe()}");
            }

            dn = wanted.ToString();
        }

        if (modifications.Count > 0)
        {
            var result = await _session.Connection.ModifyAsync(dn, modifications, cancellationToken);
            if (result.Code == LdapResultCode.NoSuchObject && _current is null && !rename)
            {
                if (await FindAsync(owned.Anchor, cancellationToken) is not { } moved)
                {
                    return await CreateAsync(change, cancellationToken);
                }

                var renamed = await RenameAsync(moved.Dn, wanted, cancellationToken);
                result = renamed.IsSuccess ? await _session.Connection.ModifyAsync(dn, modifications, cancellationToken) : renamed;
            }

            if (!result.IsSuccess)
            {
                return new TargetOutcome(change, TargetAction.Refused, owned with { Dn = dn }, $"{dn}: {result.Describe()}");
            }
        }

        return new TargetOutcome(change, TargetAction.Modified, owned with { Dn = dn });
    }

    /// <summary>The anchor of the entry at <paramref name="dn"/> when it holds exactly the managed attributes DirSync would write.</summary>
    private async Task<Guid?> IsOwnWriteAsync(string dn, Dictionary<string, List<string>> attributes, CancellationToken cancellationToken)
    {
        var existing = await _session.ReadOneAsync(dn, [_mapper.AnchorAttribute, "objectClass", .. _mapper.ManagedAttributes], cancellationToken);
        if (existing is null || !existing.GetStrings("objectClass").Contains(_mapper.ExportClass, StringComparer.OrdinalIgnoreCase) || Modifications(attributes, existing).Count > 0)
        {
            return null;
        }

        return EntryMapper.AnchorOf(existing, _session.Kind);
    }

    private async Task<LdapResult> RenameAsync(string dn, DistinguishedName wanted, CancellationToken cancellationToken)
    {
        var from = DistinguishedName.Parse(dn);
        var newSuperior = from.Parent.Equals(wanted.Parent) ? null : wanted.Parent.ToString();
        return await _session.Connection.ModifyDnAsync(dn, wanted.LeafRdn, deleteOldRdn: true, newSuperior, cancellationToken);
    }

    /// <summary>What to change: every managed attribute when the entry was not read (an incremental run), else only what differs.</summary>
    private List<LdapModification> Modifications(Dictionary<string, List<string>> desired, LdapEntry? current)
    {
        var changes = new List<LdapModification>();
        foreach (var name in _mapper.ManagedAttributes)
        {
            var wanted = desired.GetValueOrDefault(name) ?? [];
            if (current is not null)
            {
                var have = current.GetStrings(name);
                if (have.Count == wanted.Count && have.ToHashSet(StringComparer.Ordinal).SetEquals(wanted))
                {
                    continue;
                }

                if (have.Count == 0 && wanted.Count == 0)
                {
                    continue;
                }
            }

            changes.Add(LdapModification.Replace(name, wanted));
        }

        return changes;
    }

    /// <summary>The DN entries of a sub-container path go under, creating the organizational units that are missing.</summary>
    private async Task<DistinguishedName> ParentAsync(IReadOnlyList<string> path, CancellationToken cancellationToken)
    {
        var parent = _session.BaseDn;
        foreach (var segment in path)
        {
            parent = parent.Child("ou", segment);
            var dn = parent.ToString();
            if (_dryRun || _units.Contains(dn))
            {
                continue;
            }

            await _unitLock.WaitAsync(cancellationToken);
            try
            {
                if (_units.Add(dn))
                {
                    var result = await _session.Connection.AddAsync(
                        dn,
                        [("objectClass", [Encoding.UTF8.GetBytes("top"), Encoding.UTF8.GetBytes("organizationalUnit")]), ("ou", [Encoding.UTF8.GetBytes(segment)])],
                        null,
                        cancellationToken);
                    if (!result.IsSuccess && result.Code != LdapResultCode.EntryAlreadyExists)
                    {
                        _units.Remove(dn);
                        throw new DirSyncException($"{_session.Url} refused to create the organizational unit {dn}: {result.Describe()}", ErrorCategory.Directory);
                    }
                }
            }
            finally
            {
                _unitLock.Release();
            }
        }

        return parent;
    }

    private async Task<LdapEntry?> FindAsync(Guid anchor, CancellationToken cancellationToken)
    {
        var filter = _session.Kind == ServerKind.ActiveDirectory
            ? LdapFilter.Parse("(objectGUID=" + string.Concat(anchor.ToByteArray().Select(b => "\\" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) + ")")
            : LdapFilter.Parse($"(entryUUID={anchor:D})");
        await foreach (var entry in _session.PagedSearchAsync(_session.BaseDn.ToString(), SearchScope.Subtree, filter, [_mapper.AnchorAttribute], cancellationToken))
        {
            return entry;
        }

        return null;
    }

    private DirSyncException Lost(Exception e) =>
        new($"the connection to {_session.Url} was lost while writing: {e.Message}", ErrorCategory.Directory, e);
}
