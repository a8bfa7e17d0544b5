using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;

namespace DirSync.Core.Connectors;

/// <summary>Exports an instance's changes into a live directory: the exporter's selection, written as LDAP operations.</summary>
/// <remarks>
/// <para>The selection is the file export's (<see cref="Exporter.SelectAsync"/>) under the store's write lock, so
/// the changes and the new watermark describe one moment. Each object maps to one entry DirSync owns: a
/// create for an object it has none for, an update (rename, move, attributes) or delete of the one it has;
/// entries it did not create are never touched.</para>
/// <para>What the directory accepted is recorded — ownership, then the watermark — in one transaction. An
/// entry it refused is reported and kept for the next run; a connection lost on the way records what was
/// accepted before it but leaves the watermark where it was, so the rerun sends the rest again.</para>
/// </remarks>
public sealed class DirectoryExporter
{
    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates an exporter for <paramref name="store"/>.</summary>
    public DirectoryExporter(IDirectoryStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Writes what changed since the instance's watermark (everything, reconciling the directory, with <paramref name="full"/>).</summary>
    /// <exception cref="DirSyncException">The watermark cannot be used, or the directory failed (what it accepted before is recorded).</exception>
    public async Task<ExportResult> ExportAsync(Instance configured, IDirectoryTarget target, bool full, bool dryRun, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(target);
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var instance = await transaction.FindInstanceAsync(configured.Name, cancellationToken) ?? configured;
        var settings = instance.Settings;
        var state = instance.State;
        var sameDirectory = state.DirectoryIdentity is null || state.DirectoryIdentity == target.Identity;
        if (!sameDirectory && !full)
        {
            throw new DirSyncException(
                $"instance '{instance.Name}' wrote to directory {state.DirectoryIdentity}, but {target.Name} is directory {target.Identity}; what it owns there means nothing here — run 'dirsync run {instance.Name} --full'",
                ErrorCategory.Sync);
        }

        var mode = full || state.LastSequence == 0 || !sameDirectory || state.FullExportRequired is not null ? ChangeSetMode.Full : ChangeSetMode.Incremental;
        if (mode == ChangeSetMode.Incremental)
        {
            await Exporter.EnsureWatermarkUsableAsync(transaction, instance, _store.Info.Identity, cancellationToken);
        }

        if (!sameDirectory)
        {
            await DirectoryOwnership.ForgetAsync(transaction, instance.Name, cancellationToken);
        }

        var usnFrom = mode == ChangeSetMode.Full ? 0 : state.LastUsn;
        var usnTo = await transaction.GetHighestUsnAsync(cancellationToken);
        var owned = mode == ChangeSetMode.Full ? await DirectoryOwnership.ListAsync(transaction, instance.Name, cancellationToken) : null;
        if (owned is not null)
        {
            await target.LoadCurrentAsync(owned.Values, cancellationToken);
        }

        var retries = mode == ChangeSetMode.Incremental ? await DirectoryOwnership.ListRetriesAsync(transaction, instance.Name, cancellationToken) : [];
        var pending = await DirectoryOwnership.ListPendingAsync(transaction, instance.Name, cancellationToken);
        var unanswered = new HashSet<Guid>();
        var createsSent = new HashSet<Guid>();
        var origin = $"{target.Identity:D}/";
        Func<ObjectOrigin, bool>? relay = settings.Relay ? o => !o.Source.StartsWith(origin, StringComparison.OrdinalIgnoreCase) : null;
        var records = Exporter.SelectAsync(transaction, settings, mode == ChangeSetMode.Full ? null : usnFrom, relay, cancellationToken);
        var roots = new ExportScope(settings).Roots;

        long added = 0, modified = 0, deleted = 0, unchanged = 0;
        var refused = new List<string>();
        var retryNext = new List<Guid>();
        var ownership = new List<(Guid Object, OwnedEntry? Entry)>();
        DirSyncException? lost = null;
        try
        {
            await foreach (var outcome in target.WriteAsync(Changes(), cancellationToken))
            {
                var change = outcome.Change;
                lock (unanswered)
                {
                    unanswered.Remove(change.Object);
                }

                switch (outcome.Action)
                {
                    case TargetAction.Added:
                        added++;
                        break;
                    case TargetAction.Modified:
                        modified++;
                        break;
                    case TargetAction.Deleted:
                        deleted++;
                        break;
                    case TargetAction.Unchanged:
                        unchanged++;
                        break;
                    default:
                        refused.Add(outcome.Reason ?? change.Object.ToString());
                        retryNext.Add(change.Object);
                        break;
                }

                // A refused change may still have moved the entry (a rename accepted, its attributes not): the entry as it is counts.
                if (outcome.Entry != change.Owned)
                {
                    ownership.Add((change.Object, outcome.Entry));
                }
            }
        }
        catch (DirSyncException e) when (e.Category == ErrorCategory.Directory && !dryRun)
        {
            lost = e;
        }

        if (dryRun)
        {
            return Result();
        }

        foreach (var (objectGuid, entry) in ownership)
        {
            await DirectoryOwnership.SaveAsync(transaction, instance.Name, objectGuid, entry, cancellationToken);
        }

        // Creates sent but never answered may exist there now: the next run takes them as its own if they are exactly its.
        var stillPending = pending.Where(g => lost is not null && !ownership.Any(o => o.Object == g))
            .Concat(lost is null ? [] : unanswered.Where(g => createsSent.Contains(g)))
            .ToHashSet();
        await DirectoryOwnership.SavePendingAsync(transaction, instance.Name, stillPending, cancellationToken);
        if (lost is null)
        {
            await DirectoryOwnership.SaveRetriesAsync(transaction, instance.Name, retryNext, cancellationToken);
            await transaction.SaveInstanceAsync(
                instance with
                {
                    State = state with
                    {
                        LastUsn = usnTo,
                        LastSequence = state.LastSequence + 1,
                        FullExportRequired = null,
                        WatermarkIdentity = _store.Info.Identity,
                        LastExport = _time.GetUtcNow(),
                        DirectoryIdentity = target.Identity,
                    },
                },
                cancellationToken);
        }
        else if (state.DirectoryIdentity is null)
        {
            // What was written is owned now: the identity it belongs to must be known before the rerun.
            await transaction.SaveInstanceAsync(instance with { State = state with { DirectoryIdentity = target.Identity } }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (lost is not null)
        {
            throw new DirSyncException(
                $"{lost.Message}; the {added + modified + deleted} changes {target.Name} accepted before are recorded, the watermark is where it was — run 'dirsync run {instance.Name}' again when the server is back",
                ErrorCategory.Directory,
                lost);
        }

        return Result();

        ExportResult Result() =>
            new(mode, target.Name, state.LastSequence + 1, usnFrom, usnTo, added, modified, deleted, unchanged, dryRun) { Refused = refused, Unchanged = unchanged };

        async IAsyncEnumerable<TargetChange> Changes()
        {
            var selected = new HashSet<Guid>();
            await foreach (var record in records)
            {
                selected.Add(record.Anchor);
                if (await ChangeForAsync(record) is { } change)
                {
                    yield return Sent(change);
                }
            }

            foreach (var objectGuid in retries.Where(g => !selected.Contains(g)))
            {
                selected.Add(objectGuid);
                var value = await transaction.FindByGuidAsync(objectGuid, includeDeleted: true, cancellationToken);
                var exported = value is not null && !value.IsDeleted && new ExportScope(settings, relay).Exports(value);
                var record = exported
                    ? Exporter.ToRecord(value!, ChangeKind.Modify, settings.ExportAttributes)
                    : new ChangeRecord(ChangeKind.Delete, objectGuid, value?.Alias ?? objectGuid.ToString(), value?.Container ?? DirectoryPath.Recipients);
                if (await ChangeForAsync(record) is { } change)
                {
                    yield return Sent(change);
                }
            }

            if (owned is not null)
            {
                // A full run: what DirSync owns there for objects no longer exported goes.
                foreach (var entry in owned.Values.Where(e => !selected.Contains(e.Object)))
                {
                    yield return Sent(new TargetChange(TargetChangeKind.Delete, entry.Object, null, [], entry));
                }
            }
        }

        TargetChange Sent(TargetChange change)
        {
            // The target pulls changes on its own task while outcomes come back on this one.
            lock (unanswered)
            {
                unanswered.Add(change.Object);
            }

            if (change.Kind == TargetChangeKind.Create || change.Kind == TargetChangeKind.Update && owned is not null)
            {
                createsSent.Add(change.Object);
            }

            return change;
        }

        async Task<TargetChange?> ChangeForAsync(ChangeRecord record)
        {
            var entry = owned is not null
                ? owned.GetValueOrDefault(record.Anchor)
                : await DirectoryOwnership.FindAsync(transaction, instance.Name, record.Anchor, cancellationToken);
            if (record.Kind == ChangeKind.Delete)
            {
                return entry is null ? null : new TargetChange(TargetChangeKind.Delete, record.Anchor, null, [], entry);
            }

            var path = PathBelow(roots, settings.IncludeSubcontainers, record.Container);
            return new TargetChange(entry is null ? TargetChangeKind.Create : TargetChangeKind.Update, record.Anchor, record, path, entry)
            {
                MaybeCreated = entry is null && pending.Contains(record.Anchor),
            };
        }
    }

    /// <summary>The containers between the exported root that holds <paramref name="container"/> and the container itself, top first.</summary>
    internal static IReadOnlyList<string> PathBelow(IReadOnlyList<DirectoryPath> roots, bool subcontainers, DirectoryPath container)
    {
        if (!subcontainers)
        {
            return [];
        }

        var root = roots.Where(r => container.IsWithin(r)).OrderByDescending(r => r.Segments.Count).FirstOrDefault();
        return root is null ? [] : container.Segments.Skip(root.Segments.Count).ToList();
    }
}
