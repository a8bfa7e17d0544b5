using DirSync.Core.Admin;
using DirSync.Core.Events;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;

namespace DirSync.Core.Connectors;

/// <summary>Imports a live directory's changes into the store through the same apply engine a file import uses.</summary>
/// <remarks>
/// <para>This is the one adapter between a directory source and the apply engine: the records go through
/// the <see cref="ApplySession"/> every import uses, under an <see cref="ApplyPolicy"/> built from the
/// instance as a file import builds it, in one transaction that also saves the new cookie — so the
/// changes and the point they reach are durable together, and a run that fails anywhere leaves both as
/// they were.</para>
/// <para>Entries DirSync itself wrote into the directory (recorded by the export instances that write
/// there) are passed over: they are this store's own objects.</para>
/// </remarks>
public sealed class DirectoryImporter
{
    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates an importer for <paramref name="store"/>.</summary>
    public DirectoryImporter(IDirectoryStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Imports what changed in <paramref name="source"/> since the instance's cookie (everything with <paramref name="full"/>).</summary>
    /// <exception cref="DirSyncException">The directory failed, a record cannot be applied, or the delete guard stopped the run; nothing was applied.</exception>
    public async Task<ImportResult> ImportAsync(Instance configured, IDirectorySource source, bool full, ImportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var instance = await transaction.FindInstanceAsync(configured.Name, cancellationToken) ?? configured;
        var settings = instance.Settings;
        if (!await transaction.ContainerExistsAsync(settings.TargetContainer, cancellationToken))
        {
            throw new NotFoundException("container", settings.TargetContainer.Value, $"instance '{instance.Name}' imports into it; create it with 'dirsync container add'");
        }

        var state = instance.State;
        if (state.DirectoryIdentity is { } bound && bound != source.Identity && !full)
        {
            throw new DirSyncException(
                $"instance '{instance.Name}' last read directory {bound}, but {source.Name} is directory {source.Identity} (another server, or one restored or rebuilt); its cookie means nothing there — run 'dirsync run {instance.Name} --full'",
                ErrorCategory.Sync);
        }

        var sourceKey = SourceKey(source.Identity, instance.Name);
        var written = await DirectoryOwnership.ListAnchorsAsync(transaction, source.Identity, cancellationToken);
        var policy = new ApplyPolicy
        {
            SourceKey = sourceKey,
            ImportedFrom = _ => source.Name,
            Container = _ => settings.TargetContainer,
            Attributes = DirectoryAttributes,
            AddressType = settings.AddressType,
            AddressTypeHint = $"the entry has no mail address of that type; set the instance's address type with 'dirsync instance set {instance.Name} --address-type SMTP'",
            ObjectClass = settings.ImportObjectClass,
            MultiValueAppend = settings.MultiValueAppend,
        };
        var session = await ApplySession.BeginAsync(
            _store,
            transaction,
            policy,
            new ApplySessionOptions
            {
                Input = source.Name,
                Source = source.Name,
                RaiseLimit = $"dirsync instance set {instance.Name} --delete-limit <n>",
                BlockedEvent = (message, _) => $"instance {instance.Name}: {message}",
                DeleteLimit = settings.DeleteLimit,
                AllowDeletes = options.AllowDeletes,
                DryRun = options.DryRun,
                Observer = options.Observer,
            },
            _time,
            cancellationToken);
        var owned = session.Owned;
        var changes = source.Read(full || state.DirectoryIdentity != source.Identity ? null : state.DirectoryCookie);
        var seen = new HashSet<Guid>();
        var deferred = new List<ChangeRecord>();
        long records = 0;
        long passedOver = 0;
        await foreach (var record in ReadAheadAsync(changes.ReadAsync(cancellationToken), cancellationToken))
        {
            records++;
            if (written.Contains(record.Anchor))
            {
                // Loop suppression: an entry this store wrote there is one of its own objects.
                passedOver++;
                continue;
            }

            if (record.Kind == ChangeKind.Delete && await transaction.FindByOriginAsync(sourceKey, record.Anchor, cancellationToken) is null)
            {
                // A directory reports deletes of entries that were never in scope (AD: every changed object that left it); not ours, not counted.
                continue;
            }

            if (record.Kind != ChangeKind.Delete)
            {
                seen.Add(record.Anchor);
                if (owned > 0 && await IsReplacementAsync(transaction, record, sourceKey, settings.AddressType, cancellationToken))
                {
                    // The entry replaces one that the reconcile below removes: it waits for that.
                    deferred.Add(record);
                    continue;
                }
            }

            await session.ApplyAsync(record, cancellationToken);
        }

        if (changes.Present is { } present)
        {
            // The read named every live entry: what it did not name is gone (the reconcile of a full change set, after the records).
            seen.UnionWith(present);
            await session.ReconcileAsync(seen, cancellationToken);
        }
        else if (changes.Mode == ChangeSetMode.Full)
        {
            session.MarkFull();
        }

        foreach (var record in deferred)
        {
            await session.ApplyAsync(record, cancellationToken);
        }

        if (passedOver > 0)
        {
            session.Note($"{passedOver} entries DirSync itself wrote to {source.Name} were passed over");
        }

        var result = await session.CompleteAsync(
            new ApplyInput(records - passedOver),
            (t, ct) => t.SaveInstanceAsync(
                instance with
                {
                    State = state with
                    {
                        DirectoryIdentity = source.Identity,
                        DirectoryCookie = changes.Cookie,
                        SourceName = source.Name,
                        LastImportedSequence = state.LastImportedSequence + 1,
                        LastImport = _time.GetUtcNow(),
                    },
                },
                ct),
            cancellationToken);
        return new ImportResult(
            changes.Mode, source.Name, state.LastImportedSequence + 1, source.Name, result.Added, result.Modified, result.Deleted, result.Unchanged,
            AlreadyApplied: false, options.DryRun, result.Notes) { Blocked = result.Blocked };
    }

    /// <summary>Reads the directory on the other core while this one applies: the next page is on its way while the last is applied.</summary>
    private static async IAsyncEnumerable<ChangeRecord> ReadAheadAsync(IAsyncEnumerable<ChangeRecord> records, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<ChangeRecord>(new System.Threading.Channels.BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? failure = null;
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var record in records.WithCancellation(stop.Token))
                {
                    await channel.Writer.WriteAsync(record, stop.Token);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var record in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return record;
            }

            await reading;
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            // Stopped early (an apply failed): the read is abandoned, and awaited so the connection is not closed under it.
            stop.Cancel();
            await reading;
        }
    }

    /// <summary>The descriptive attributes a directory import speaks for: all of them (an entry without one clears it here).</summary>
    public static IReadOnlyList<AttributeDefinition> DirectoryAttributes { get; } = InstanceSettings.DefaultExportAttributes;

    /// <summary>The origin key of objects an instance imported from a directory.</summary>
    public static string SourceKey(Guid directory, string instance) => Importer.SourceKey(directory, instance);

    /// <summary>
    /// True when a new entry's target address belongs to another object of the same source that this read has not
    /// named (yet): the directory replaced an entry by a new one with the same address.
    /// </summary>
    private static async Task<bool> IsReplacementAsync(IDirectoryTransaction transaction, ChangeRecord record, string sourceKey, string addressType, CancellationToken cancellationToken)
    {
        if (await transaction.FindByOriginAsync(sourceKey, record.Anchor, cancellationToken) is not null)
        {
            return false;
        }

        var target = record.ProxyAddresses.FirstOrDefault(p => p.IsPrimary && string.Equals(p.Type, addressType, StringComparison.OrdinalIgnoreCase));
        if (target is null || await transaction.FindAddressOwnerAsync(target, cancellationToken) is not { } holder)
        {
            return false;
        }

        var other = await transaction.FindByGuidAsync(holder, cancellationToken: cancellationToken);
        return other?.Origin is { } origin && origin.Source == sourceKey && origin.Anchor != record.Anchor;
    }
}
