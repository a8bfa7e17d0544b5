using DirSync.Core.Formats.Ldif;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Sync;

/// <summary>Writes an instance's changes to a self-describing change set file: the original's export half.</summary>
/// <remarks>
/// The export holds the store's write lock from start to finish, so the change set and the new
/// watermark describe one consistent moment; the file is renamed into place before the
/// transaction that advances the watermark commits.
/// </remarks>
public sealed class Exporter
{
    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;
    private readonly ChangeSetCodecs _codecs;

    /// <summary>Creates an exporter for <paramref name="store"/>.</summary>
    public Exporter(IDirectoryStore store, ChangeSetCodecs codecs, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(codecs);
        _store = store;
        _codecs = codecs;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Exports the named instance: in full when asked or when it has never exported, else incrementally.</summary>
    /// <exception cref="NotFoundException">No such instance.</exception>
    /// <exception cref="DirSyncException">The instance does not export, or its watermark is not valid for this store.</exception>
    public async Task<ExportResult> ExportAsync(string instanceName, bool full = false, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var instance = await transaction.FindInstanceAsync(instanceName, cancellationToken)
            ?? throw new NotFoundException("instance", instanceName, "see 'dirsync instance list'");
        var settings = instance.Settings;
        if (!settings.Direction.HasFlag(InstanceDirection.Export) || settings.ExportFile is null)
        {
            throw new DirSyncException(
                $"instance '{instance.Name}' does not export; give it an export file with 'dirsync instance set {instance.Name} --export --file <path>' (or --both)",
                ErrorCategory.InvalidValue);
        }

        var state = instance.State;
        var mode = full || state.LastSequence == 0 || state.FullExportRequired is not null ? ChangeSetMode.Full : ChangeSetMode.Incremental;
        if (mode == ChangeSetMode.Incremental)
        {
            await EnsureWatermarkUsableAsync(transaction, instance, _store.Info.Identity, cancellationToken);
        }

        var usnFrom = mode == ChangeSetMode.Full ? 0 : state.LastUsn;
        var usnTo = await transaction.GetHighestUsnAsync(cancellationToken);
        var header = new ChangeSetHeader(
            _store.Info, instance.Name, mode, state.LastSequence + 1, usnFrom, usnTo, _time.GetUtcNow(), settings.ExportAttributes);

        using var file = dryRun ? null : AtomicFile.Create(settings.ExportFile);
        var counts = new Counts();
        var tools = settings.Format == ChangeSetFormat.Ldif && (settings.LdifBaseDn is not null || settings.LdifInetOrgPerson)
            ? await LdapToolsDns.LoadAsync(transaction, instance, _store.Info, mode == ChangeSetMode.Full, cancellationToken)
            : null;
        using (var writer = tools is null ? _codecs.CreateWriter(settings.Format, file?.Stream ?? Stream.Null, header) : new LdifChangeSetWriter(file?.Stream ?? Stream.Null, header, tools.Layout))
        {
            var scope = ExportScope.ForInstance(settings, state);
            var records = mode == ChangeSetMode.Full
                ? FullAsync(transaction, scope, counts, cancellationToken)
                : IncrementalAsync(transaction, scope, usnFrom, counts, cancellationToken);
            await foreach (var record in records)
            {
                writer.Write(record);
            }

            writer.Complete();
        }

        if (file is not null)
        {
            if (tools is not null)
            {
                await tools.SaveAsync(transaction, cancellationToken);
            }

            file.Commit();
            await transaction.SaveInstanceAsync(
                instance with
                {
                    State = state with
                    {
                        LastUsn = usnTo,
                        LastSequence = header.Sequence,
                        WatermarkIdentity = _store.Info.Identity,
                        FullExportRequired = null,
                        LastExport = header.Created,
                    },
                },
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new ExportResult(mode, settings.ExportFile, header.Sequence, usnFrom, usnTo, counts.Added, counts.Modified, counts.Deleted, counts.Skipped, dryRun);
    }

    /// <summary>Turns a directory object into the record an export writes for it.</summary>
    /// <param name="value">The object.</param>
    /// <param name="kind">What the record says happened.</param>
    /// <param name="attributes">The descriptive attributes to carry.</param>
    /// <param name="anchor">The anchor to send; the object's own GUID when null (a relayed entry sends its owner's anchor).</param>
    public static ChangeRecord ToRecord(DirectoryObject value, ChangeKind kind, IReadOnlyList<AttributeDefinition> attributes, Guid? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(attributes);
        var record = new ChangeRecord(kind, anchor ?? value.Guid, value.Alias, value.Container) { Class = value.Class };
        if (kind == ChangeKind.Delete)
        {
            return record;
        }

        record.DisplayName = value.DisplayName;
        record.ProxyAddresses.AddRange(value.ProxyAddresses);
        record.TargetAddress = value.TargetAddress;
        foreach (var attribute in attributes)
        {
            var values = value.Attributes.Get(attribute);
            if (values.Count > 0)
            {
                record.Attributes.Set(attribute, values);
            }
        }

        return record;
    }

    /// <summary>The records an export of <paramref name="settings"/> sends: every object in scope, as adds, when <paramref name="watermark"/> is null; else what changed after it.</summary>
    /// <param name="reader">The store, or the open transaction whose moment the export describes.</param>
    /// <param name="settings">The instance's containers, classes and attributes.</param>
    /// <param name="watermark">The USN the last export covered; null for a full export.</param>
    /// <param name="relay">Which imported objects may go out after all (a live directory target relays what came from elsewhere); null for none.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static IAsyncEnumerable<ChangeRecord> SelectAsync(
        IDirectoryReader reader, InstanceSettings settings, long? watermark, Func<ObjectOrigin, bool>? relay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(settings);
        var scope = new ExportScope(settings, relay);
        return watermark is { } usn
            ? IncrementalAsync(reader, scope, usn, new Counts(), cancellationToken)
            : FullAsync(reader, scope, new Counts(), cancellationToken);
    }

    /// <summary>Throws when the instance's watermark cannot start an incremental export of this store.</summary>
    internal static async Task EnsureWatermarkUsableAsync(IDirectoryTransaction transaction, Instance instance, Guid storeIdentity, CancellationToken cancellationToken)
    {
        var state = instance.State;
        if (state.WatermarkIdentity != storeIdentity)
        {
            throw new DirSyncException(
                $"instance '{instance.Name}' has a watermark (USN {state.LastUsn}) taken from store {state.WatermarkIdentity}, but this store is {storeIdentity} (restored or replaced?); USNs do not carry between stores — run 'dirsync run {instance.Name} --full'",
                ErrorCategory.Sync);
        }

        var purged = await transaction.GetPurgedThroughUsnAsync(cancellationToken);
        if (purged > state.LastUsn)
        {
            throw new DirSyncException(
                $"tombstones up to USN {purged} were purged after instance '{instance.Name}' last exported (USN {state.LastUsn}), so deletes since then cannot be seen; run 'dirsync run {instance.Name} --full'",
                ErrorCategory.Sync);
        }
    }

    private static async IAsyncEnumerable<ChangeRecord> FullAsync(
        IDirectoryReader transaction, ExportScope scope, Counts counts, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var container in scope.Roots)
        {
            await foreach (var value in transaction.ListAsync(new RecipientFilter(container, scope.Settings.IncludeSubcontainers), cancellationToken))
            {
                if (!scope.Exports(value))
                {
                    counts.Skipped++;
                    continue;
                }

                counts.Added++;
                yield return scope.Record(value, ChangeKind.Add);
            }
        }
    }

    private static async IAsyncEnumerable<ChangeRecord> IncrementalAsync(
        IDirectoryReader transaction, ExportScope scope, long watermark, Counts counts, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var value in transaction.GetChangesSinceAsync(watermark, cancellationToken))
        {
            if (!scope.Exports(value))
            {
                counts.Skipped++;
                continue;
            }

            switch (ChangeClassifier.Classify(value, watermark))
            {
                case ChangeKind.Delete:
                    counts.Deleted++;
                    yield return scope.Record(value, ChangeKind.Delete);
                    break;
                case ChangeKind.Modify:
                    counts.Modified++;
                    yield return scope.Record(value, ChangeKind.Modify);
                    break;
                case ChangeKind.Add:
                    counts.Added++;
                    yield return scope.Record(value, ChangeKind.Add);
                    break;
                default:
                    counts.Skipped++;
                    break;
            }
        }
    }

    private sealed class Counts
    {
        public long Added;
        public long Modified;
        public long Deleted;
        public long Skipped;
    }
}
