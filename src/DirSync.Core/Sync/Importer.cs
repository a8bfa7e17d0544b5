using DirSync.Core.Admin;
using DirSync.Core.Events;
using DirSync.Core.Formats;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Sync;

/// <summary>Applies a change set to the store, entirely or not at all: the original's import half.</summary>
/// <remarks>
/// <para>The file is streamed through one transaction together with the instance's new state: every
/// record is planned (reported to the observer) and applied as it is read, and only when the
/// trailer has proven the file whole does the transaction commit. A dry run does the same and
/// rolls back, so the plan it prints is exactly what a real run would do. A full change set is read
/// twice: first for the anchors it holds, so that objects the source no longer has are deleted
/// before its records are applied.</para>
/// <para>Objects are matched by their source anchor, never by name, and only objects that came
/// from this change set's source can be changed or deleted by it.</para>
/// </remarks>
public sealed class Importer
{
    private readonly IDirectoryStore _store;
    private readonly ChangeSetCodecs _codecs;
    private readonly TimeProvider _time;

    /// <summary>Creates an importer for <paramref name="store"/>.</summary>
    public Importer(IDirectoryStore store, ChangeSetCodecs codecs, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(codecs);
        _store = store;
        _codecs = codecs;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The key imported objects record as their origin: the source store and its export instance.</summary>
    public static string SourceKey(Guid sourceIdentity, string sourceInstance) => OriginKeys.Instance(sourceIdentity, sourceInstance);

    /// <summary>Imports the named instance's file.</summary>
    /// <exception cref="NotFoundException">No such instance.</exception>
    /// <exception cref="InputFormatException">The file is malformed, truncated, edited or foreign.</exception>
    /// <exception cref="DirSyncException">A synchronization rule refuses the file; nothing was applied.</exception>
    public async Task<ImportResult> ImportAsync(string instanceName, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImportOptions();
        var (path, configuredName) = await ImportFileAsync(instanceName, cancellationToken);

        // Opened before the write lock is taken: a file that cannot be read keeps no other process waiting.
        using var reader = OpenFile(path, configuredName);
        await using var transaction = await _store.BeginLoadAsync(cancellationToken);
        var instance = await transaction.FindInstanceAsync(instanceName, cancellationToken)
            ?? throw new NotFoundException("instance", instanceName, $"see '{CommandHints.InstanceList()}'");
        if (!await transaction.ContainerExistsAsync(instance.Settings.TargetContainer, cancellationToken))
        {
            throw new NotFoundException("container", instance.Settings.TargetContainer.Value, $"instance '{instance.Name}' imports into it; create it with '{CommandHints.ContainerAdd(instance.Settings.TargetContainer)}'");
        }

        var header = reader.Header;
        var rebinding = CheckSource(instance, header, path, options);
        var keys = await OriginKeys.AllAsync(transaction, cancellationToken);
        var session = await ApplySession.BeginAsync(_store, transaction, Policy(instance, header, keys), SessionOptions(instance, header, path, options), _time, cancellationToken);

        // A full change set names every object the source still has; those anchors are collected on a first
        // pass, so what it no longer has is deleted before its records are applied. When this instance holds
        // nothing of the source yet (a first import) there is nothing to reconcile, and the file is read once.
        var anchors = header.Mode == ChangeSetMode.Full && (session.Owned > 0 || rebinding) ? new AnchorSet.Builder(session.Owned) : null;
        var last = rebinding ? 0 : instance.State.LastImportedSequence;
        var drained = false;
        if (header.Sequence <= last)
        {
            // Read it through: an old file is still checked before anything is said about it, and the checksum
            // tells a replay from a re-export made after an interrupted export.
            var trailer = Drain(reader, anchors);
            drained = true;
            if (IsReplay(instance.State, header, trailer, path))
            {
                return new ImportResult(header.Mode, path, header.Sequence, header.Source.DisplayName, 0, 0, 0, 0, AlreadyApplied: true, options.DryRun,
                    [$"change set {header.Sequence} from {header.Source.DisplayName} was already applied (last applied: {last}); nothing changed"]);
            }
        }
        else if (header.Sequence > last + 1 && header.Mode == ChangeSetMode.Incremental)
        {
            var missing = header.Sequence - 1 > last + 1 ? $"change sets {last + 1} to {header.Sequence - 1} are" : $"change set {last + 1} is";
            throw new DirSyncException(
                $"'{path}' holds change set {header.Sequence} from {header.Source.DisplayName} but the last one applied here is {last}: {missing} missing; run '{CommandHints.RunFull(header.Instance)}' at {header.Source.DisplayName} and import that file",
                ErrorCategory.Sync);
        }

        Task<IReadOnlySet<Guid>>? readingAnchors = null;
        IReadOnlyDictionary<string, Guid>? anchorsByAlias = null;
        if (rebinding && anchors is not null && !drained)
        {
            // A new source: its objects' aliases are read too, so what it has under new anchors is re-linked, not re-made.
            anchorsByAlias = DrainRecords(reader, anchors);
            drained = true;
        }
        else if (anchors is not null && !drained)
        {
            // Read on the other core while this one lists what the store holds of the source.
            var collecting = anchors;
            readingAnchors = Task.Run<IReadOnlySet<Guid>>(() =>
            {
                Drain(reader, collecting);
                return collecting.Build();
            }, cancellationToken);
            drained = true;
        }

        var anchorSet = readingAnchors is null ? anchors?.Build() : null;

        try
        {
            if (rebinding)
            {
                var state = instance.State;
                var importedFrom = $"{header.Source.DisplayName} ({header.Instance})";
                var (taken, relinked) = await session.TakeOverAsync(
                    SourceKey(state.SourceIdentity!.Value, state.SourceInstance ?? ""), importedFrom, anchorSet!, anchorsByAlias ?? new Dictionary<string, Guid>(), cancellationToken);
                var relinkedNote = relinked > 0 ? $", {relinked} of them re-linked by alias to the new source's objects" : "";
                session.Note($"instance '{instance.Name}' now imports from {importedFrom} instead of {state.SourceName} ({state.SourceInstance}); {taken} recipients imported from the old source were taken over{relinkedNote}");
            }

            if (anchors is not null)
            {
                // Deleting first frees the aliases and addresses of objects the source replaced by new ones
                // (a mailbox removed and made again), which would otherwise collide with them.
                await session.ReconcileAsync(readingAnchors ?? Task.FromResult<IReadOnlySet<Guid>>(anchorSet!), cancellationToken);
            }
            else if (header.Mode == ChangeSetMode.Full)
            {
                session.MarkFull();
            }
        }
        finally
        {
            // Never close the file under a pass still reading it (it failed, or this did).
            if (readingAnchors is not null)
            {
                await ((Task)readingAnchors).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // A million anchors are 16 MB the apply pass does not need.
        anchors = null;
        anchorSet = null;
        readingAnchors = null;
        var trailerRead = await ApplyRecordsAsync(session, reader, drained ? OpenFile(path, instance.Name) : null, cancellationToken);
        var result = await session.CompleteAsync(
            new ApplyInput(trailerRead.Records, trailerRead.Sha256),
            (t, ct) => t.SaveInstanceAsync(
                instance with
                {
                    State = instance.State with
                    {
                        SourceIdentity = header.Source.Identity,
                        SourceName = header.Source.DisplayName,
                        SourceInstance = header.Instance,
                        LastImportedSequence = header.Sequence,
                        LastImportedHash = trailerRead.Sha256,
                        LastImportedCreated = header.Created,
                        LastImportedUsnFrom = header.UsnFrom,
                        LastImport = _time.GetUtcNow(),
                    },
                },
                ct),
            cancellationToken);
        return new ImportResult(
            header.Mode, path, header.Sequence, header.Source.DisplayName, result.Added, result.Modified, result.Deleted, result.Unchanged,
            AlreadyApplied: false, options.DryRun, result.Notes) { Blocked = result.Blocked };
    }

    /// <summary>The import file of an instance that imports.</summary>
    private async Task<(string Path, string Name)> ImportFileAsync(string instanceName, CancellationToken cancellationToken)
    {
        var configured = await _store.FindInstanceAsync(instanceName, cancellationToken)
            ?? throw new NotFoundException("instance", instanceName, $"see '{CommandHints.InstanceList()}'");
        if (!configured.Settings.Direction.HasFlag(InstanceDirection.Import) || configured.Settings.ImportFile is not { } path)
        {
            throw new DirSyncException(
                $"instance '{configured.Name}' does not import; give it an import file with '{CommandHints.InstanceImport(configured.Name)}' (or --both)",
                ErrorCategory.InvalidValue);
        }

        return (path, configured.Name);
    }

    /// <summary>True when a change set numbered at or below the last one applied was applied already; throws when it is not a replay but a source whose numbers went back.</summary>
    private static bool IsReplay(InstanceState state, ChangeSetHeader header, ChangeSetTrailer trailer, string path)
    {
        var last = state.LastImportedSequence;
        var reExport = header.Sequence == last && trailer.Sha256 != state.LastImportedHash
            && (state.LastImportedCreated is null || header.UsnFrom == state.LastImportedUsnFrom);
        var writtenLater = state.LastImportedCreated is { } lastCreated && header.Created > lastCreated && trailer.Sha256 != state.LastImportedHash;
        if (!reExport && writtenLater && header.Mode == ChangeSetMode.Incremental)
        {
            // Not a replay: written after the last file applied, yet numbered as if before it.
            throw new DirSyncException(
                $"'{path}' holds change set {header.Sequence} from {header.Source.DisplayName}, written after change set {last} that was applied here: the source's numbers went back (was it restored from a backup?); run '{CommandHints.RunFull(header.Instance)}' there and import that file",
                ErrorCategory.Sync);
        }

        return !reExport && !writtenLater;
    }

    /// <summary>Applies every record, parsed on the other core, from the first reading or (when that one was spent on anchors) a second; returns the trailer of the reading applied.</summary>
    private static async Task<ChangeSetTrailer> ApplyRecordsAsync(ApplySession session, IChangeSetReader first, IChangeSetReader? second, CancellationToken cancellationToken)
    {
        using (second)
        {
            if (second is not null)
            {
                session.Verified(first.Trailer.Sha256);
            }

            using var source = new ReadAheadChangeSetReader(second ?? first);
            while (source.Read(out var record))
            {
                await session.ApplyAsync(record, cancellationToken);
            }

            return source.Trailer;
        }
    }

    private static ApplyPolicy Policy(Instance instance, ChangeSetHeader header, IReadOnlyList<string> originKeys)
    {
        var settings = instance.Settings;
        var importedFrom = $"{header.Source.DisplayName} ({header.Instance})";
        var sourceKey = SourceKey(header.Source.Identity, header.Instance);
        var otherKeys = originKeys.Where(k => k != sourceKey).ToList();
        return new ApplyPolicy
        {
            SourceKey = sourceKey,

            // A relayed record names where it first came from; it keeps that origin here too.
            ImportedFrom = record => record.Owner ?? importedFrom,
            KnownElsewhere = (reader, record, cancellationToken) =>
                record.Owner is null ? ValueTask.FromResult<string?>(null) : OriginKeys.KnownElsewhereAsync(reader, record, otherKeys, cancellationToken),
            Container = _ => settings.TargetContainer,
            Attributes = header.Attributes,
            AddressType = settings.AddressType,
            AddressTypeHint = $"set the instance's address type to one the source generates ('{CommandHints.InstanceAddressType(instance.Name)}')",
            ObjectClass = settings.ImportObjectClass,
            MultiValueAppend = settings.MultiValueAppend,
        };
    }

    private static ApplySessionOptions SessionOptions(Instance instance, ChangeSetHeader header, string path, ImportOptions options) => new()
    {
        Input = path,
        Source = header.Source.DisplayName,
        RaiseLimit = CommandHints.InstanceDeleteLimit(instance.Name),
        Retry = deletes => CommandHints.RunAllowingDeletes(instance.Name, deletes),
        BlockedEvent = (message, _) => $"instance {instance.Name}: {message}",
        DeleteLimit = instance.Settings.DeleteLimit,
        AllowDeletes = options.AllowDeletes,
        DryRun = options.DryRun,
        Observer = options.Observer,
        Progress = options.Progress,
    };

    private IChangeSetReader OpenFile(string path, string instanceName)
    {
        FaultPoints.Hit("file.open");
        var stream = InputFile.OpenRead(
            path,
            $"the import file '{path}' of instance '{instanceName}'",
            $"copy the source's export file there (or point the instance elsewhere with '{CommandHints.InstanceImportFile(instanceName)}')");
        try
        {
            return _codecs.OpenReader(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Checks who sent the file; returns true when the instance is being moved to a replacement source.</summary>
    private bool CheckSource(Instance instance, ChangeSetHeader header, string path, ImportOptions options)
    {
        if (header.Source.Identity == _store.Info.Identity)
        {
            throw new DirSyncException(
                $"'{path}' was exported by this store itself (instance {header.Instance}); import it on the other server",
                ErrorCategory.Sync);
        }

        var state = instance.State;
        if (state.SourceIdentity is not { } bound)
        {
            return false;
        }

        var sameSource = bound == header.Source.Identity
            && string.Equals(state.SourceInstance, header.Instance, StringComparison.OrdinalIgnoreCase);
        if (sameSource)
        {
            return false;
        }

        if (options.AcceptNewSource && header.Mode == ChangeSetMode.Full)
        {
            return true;
        }

        var hint = header.Mode == ChangeSetMode.Full
            ? $"if that is a replacement for the old source, run '{CommandHints.RunAcceptingNewSource(instance.Name)}'"
            : $"if that server replaced the old one, export in full there ('{CommandHints.RunFull(header.Instance)}') and run '{CommandHints.RunAcceptingNewSource(instance.Name)}'";
        throw new DirSyncException(
            $"instance '{instance.Name}' imports from {state.SourceName} (instance {state.SourceInstance}, store {bound}), but '{path}' comes from {header.Source.DisplayName} (instance {header.Instance}, store {header.Source.Identity}); {hint}",
            ErrorCategory.Sync);
    }

    /// <summary>Reads every record: their anchors into <paramref name="anchors"/>, and returns the anchors by alias of the aliases that name one object.</summary>
    private static Dictionary<string, Guid> DrainRecords(IChangeSetReader reader, AnchorSet.Builder anchors)
    {
        var byAlias = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        var ambiguous = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read(out var record))
        {
            anchors.Add(record.Anchor);
            if (record.Kind != ChangeKind.Delete && !ambiguous.Contains(record.Alias) && !byAlias.TryAdd(record.Alias, record.Anchor))
            {
                byAlias.Remove(record.Alias);
                ambiguous.Add(record.Alias);
            }
        }

        return byAlias;
    }

    private static ChangeSetTrailer Drain(IChangeSetReader reader, AnchorSet.Builder? anchors)
    {
        while (reader.ReadAnchor(out var anchor))
        {
            anchors?.Add(anchor);
        }

        return reader.Trailer;
    }
}
