using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;

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
    private const int MaxNotes = 1000;
    private const int MaxSuffix = 999;

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
    public static string SourceKey(Guid sourceIdentity, string sourceInstance) =>
        $"{sourceIdentity:D}/{sourceInstance.ToUpperInvariant()}";

    /// <summary>Imports the named instance's file.</summary>
    /// <exception cref="NotFoundException">No such instance.</exception>
    /// <exception cref="InputFormatException">The file is malformed, truncated, edited or foreign.</exception>
    /// <exception cref="DirSyncException">A synchronization rule refuses the file; nothing was applied.</exception>
    public async Task<ImportResult> ImportAsync(string instanceName, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImportOptions();
        var configured = await _store.FindInstanceAsync(instanceName, cancellationToken)
            ?? throw new NotFoundException("instance", instanceName, "see 'dirsync instance list'");
        var path = configured.Settings.ImportFile;
        if (!configured.Settings.Direction.HasFlag(InstanceDirection.Import) || path is null)
        {
            throw new DirSyncException(
                $"instance '{configured.Name}' does not import; give it an import file with 'dirsync instance set {configured.Name} --import --file <path>' (or --both)",
                ErrorCategory.InvalidValue);
        }

        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var instance = await transaction.FindInstanceAsync(instanceName, cancellationToken) ?? configured;
        if (!await transaction.ContainerExistsAsync(instance.Settings.TargetContainer, cancellationToken))
        {
            throw new NotFoundException("container", instance.Settings.TargetContainer.Value, $"instance '{instance.Name}' imports into it; create it with 'dirsync container add'");
        }

        using var reader = OpenFile(path, instance.Name);
        var header = reader.Header;
        var rebinding = CheckSource(instance, header, path, options);
        var last = rebinding ? 0 : instance.State.LastImportedSequence;

        // A full change set names every object the source still has; those anchors are collected on
        // a first pass, so what it no longer has is deleted before its records are applied.
        var anchors = header.Mode == ChangeSetMode.Full ? new HashSet<Guid>() : null;
        var drained = false;
        if (header.Sequence <= last)
        {
            // Read it through: an old file is still checked before anything is said about it, and
            // the checksum tells a replay from a re-export made after an interrupted export.
            var trailer = Drain(reader, anchors);
            drained = true;
            if (header.Sequence < last || trailer.Sha256 == instance.State.LastImportedHash)
            {
                return new ImportResult(header.Mode, path, header.Sequence, header.Source.DisplayName, 0, 0, 0, 0, AlreadyApplied: true, options.DryRun,
                    [$"change set {header.Sequence} from {header.Source.DisplayName} was already applied (last applied: {last}); nothing changed"]);
            }
        }
        else if (header.Sequence > last + 1 && header.Mode == ChangeSetMode.Incremental)
        {
            var missing = header.Sequence - 1 > last + 1 ? $"change sets {last + 1} to {header.Sequence - 1} are" : $"change set {last + 1} is";
            throw new DirSyncException(
                $"'{path}' holds change set {header.Sequence} from {header.Source.DisplayName} but the last one applied here is {last}: {missing} missing; run 'dirsync run {header.Instance} --full' at {header.Source.DisplayName} and import that file",
                ErrorCategory.Sync);
        }

        if (anchors is not null && !drained)
        {
            Drain(reader, anchors);
            drained = true;
        }

        using var applyReader = drained ? OpenFile(path, instance.Name) : null;
        var run = new Run(transaction, instance, header, path, options, await RecipientEditor.CreateAsync(transaction, cancellationToken));
        if (rebinding)
        {
            await run.TakeOverAsync(cancellationToken);
        }

        if (anchors is not null)
        {
            // Deleting first frees the aliases and addresses of objects the source replaced by new
            // ones (a mailbox removed and made again), which would otherwise collide with them.
            await run.ReconcileAsync(anchors, cancellationToken);
        }

        var source = applyReader ?? reader;
        while (source.Read(out var record))
        {
            await run.ApplyAsync(record, cancellationToken);
        }

        if (applyReader is not null && applyReader.Trailer.Sha256 != reader.Trailer.Sha256)
        {
            throw new DirSyncException($"'{path}' changed while it was being imported; nothing was applied, run the import again", ErrorCategory.FileSystem);
        }

        await transaction.SaveInstanceAsync(
            instance with
            {
                State = instance.State with
                {
                    SourceIdentity = header.Source.Identity,
                    SourceName = header.Source.DisplayName,
                    SourceInstance = header.Instance,
                    LastImportedSequence = header.Sequence,
                    LastImportedHash = source.Trailer.Sha256,
                    LastImport = _time.GetUtcNow(),
                },
            },
            cancellationToken);
        if (!options.DryRun)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return run.Result(options.DryRun);
    }

    private IChangeSetReader OpenFile(string path, string instanceName)
    {
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            throw new DirSyncException(
                $"the import file '{path}' of instance '{instanceName}' does not exist; copy the source's export file there (or point the instance elsewhere with 'dirsync instance set {instanceName} --import-file <path>')",
                ErrorCategory.FileSystem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DirSyncException($"cannot read the import file '{path}': {e.Message}", ErrorCategory.FileSystem, e);
        }

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
            ? $"if that is a replacement for the old source, run 'dirsync run {instance.Name} --accept-new-source'"
            : $"if that server replaced the old one, export with --full there and run 'dirsync run {instance.Name} --accept-new-source'";
        throw new DirSyncException(
            $"instance '{instance.Name}' imports from {state.SourceName} (instance {state.SourceInstance}, store {bound}), but '{path}' comes from {header.Source.DisplayName} (instance {header.Instance}, store {header.Source.Identity}); {hint}",
            ErrorCategory.Sync);
    }

    private static ChangeSetTrailer Drain(IChangeSetReader reader, HashSet<Guid>? anchors)
    {
        while (reader.Read(out var record))
        {
            anchors?.Add(record.Anchor);
        }

        return reader.Trailer;
    }

    /// <summary>One import's working state: the editor, the counts, the anchors seen.</summary>
    private sealed class Run(
        IDirectoryTransaction transaction,
        Instance instance,
        ChangeSetHeader header,
        string path,
        ImportOptions options,
        RecipientEditor editor)
    {
        private readonly List<string> _notes = [];
        private readonly string _sourceKey = SourceKey(header.Source.Identity, header.Instance);
        private readonly string _importedFrom = $"{header.Source.DisplayName} ({header.Instance})";
        private long _added;
        private long _modified;
        private long _deleted;
        private long _unchanged;
        private long _moreNotes;

        public ImportResult Result(bool dryRun)
        {
            var notes = _moreNotes == 0 ? _notes : [.. _notes, $"... and {_moreNotes} more notes"];
            return new ImportResult(header.Mode, path, header.Sequence, header.Source.DisplayName, _added, _modified, _deleted, _unchanged, false, dryRun, notes);
        }

        /// <summary>Moves what the instance imported from its old source to the new one, anchors unchanged.</summary>
        public async Task TakeOverAsync(CancellationToken cancellationToken)
        {
            var state = instance.State;
            var oldKey = SourceKey(state.SourceIdentity!.Value, state.SourceInstance ?? "");
            var guids = new List<Guid>();
            await foreach (var value in transaction.ListAsync(new RecipientFilter(OriginSource: oldKey), cancellationToken))
            {
                guids.Add(value.Guid);
            }

            foreach (var guid in guids)
            {
                var value = (await transaction.FindByGuidAsync(guid, cancellationToken: cancellationToken))!;
                value.Origin = new ObjectOrigin(_sourceKey, value.Origin!.Anchor, _importedFrom);
                await transaction.UpdateAsync(value, cancellationToken);
            }

            Note($"instance '{instance.Name}' now imports from {_importedFrom} instead of {state.SourceName} ({state.SourceInstance}); {guids.Count} recipients imported from the old source were taken over");
        }

        public async Task ApplyAsync(ChangeRecord record, CancellationToken cancellationToken)
        {
            try
            {
                var existing = await transaction.FindByOriginAsync(_sourceKey, record.Anchor, cancellationToken);
                if (record.Kind == ChangeKind.Delete)
                {
                    await DeleteAsync(existing, record.Alias, "deleted at the source", cancellationToken);
                }
                else if (existing is null)
                {
                    await CreateAsync(record, cancellationToken);
                }
                else
                {
                    await UpdateAsync(existing, record, cancellationToken);
                }
            }
            catch (DirSyncException e) when (e is not InputFormatException)
            {
                throw new DirSyncException($"{path}:{record.LineNumber}: '{record.Alias}': {e.Message}", e.Category, e);
            }
        }

        /// <summary>Deletes what this source sent before and the full change set no longer holds.</summary>
        public async Task ReconcileAsync(HashSet<Guid> anchors, CancellationToken cancellationToken)
        {
            var stale = new List<Guid>();
            await foreach (var value in transaction.ListAsync(new RecipientFilter(OriginSource: _sourceKey), cancellationToken))
            {
                if (!anchors.Contains(value.Origin!.Anchor))
                {
                    stale.Add(value.Guid);
                }
            }

            foreach (var guid in stale)
            {
                var value = await transaction.FindByGuidAsync(guid, cancellationToken: cancellationToken);
                await DeleteAsync(value, value?.Alias ?? guid.ToString(), "absent from the full change set", cancellationToken);
            }
        }

        private async Task DeleteAsync(DirectoryObject? existing, string alias, string why, CancellationToken cancellationToken)
        {
            if (existing is null)
            {
                _unchanged++;
                Observe("unchanged", alias, "delete of an object not here (never imported, or already gone)");
                return;
            }

            await editor.RemoveAsync(existing, cancellationToken);
            _deleted++;
            Observe("delete", existing.Alias, why);
        }

        private async Task CreateAsync(ChangeRecord record, CancellationToken cancellationToken)
        {
            var settings = instance.Settings;
            var origin = new ObjectOrigin(_sourceKey, record.Anchor, _importedFrom);
            var changes = Changes(record, null);
            if (settings.ImportObjectClass == ObjectClass.CustomRecipient
                && await AdoptableAsync(changes.TargetAddress!, record, cancellationToken) is { } adoptee)
            {
                changes.Origin = origin;
                await ResolveNamesAsync(changes, record, adoptee, cancellationToken);
                await editor.ModifyAsync(adoptee, changes, cancellationToken);
                _modified++;
                Note($"adopted the existing custom recipient '{adoptee.Alias}' (same target address {adoptee.TargetAddress}) as the import of '{record.Alias}'");
                Observe("modify", adoptee.Alias, "adopted: a custom recipient made here for the same address");
                return;
            }

            changes.Container = settings.TargetContainer;
            await ResolveNamesAsync(changes, record, null, cancellationToken);
            var alias = changes.Alias!;
            changes.Alias = null;
            var created = await editor.AddAsync(settings.ImportObjectClass, alias, changes, origin, cancellationToken: cancellationToken);
            _added++;
            Observe("add", created.Alias, $"{created.DisplayName}{(created.TargetAddress is null ? "" : " → " + created.TargetAddress)}");
        }

        private async Task UpdateAsync(DirectoryObject existing, ChangeRecord record, CancellationToken cancellationToken)
        {
            var changes = Changes(record, existing);
            await ResolveNamesAsync(changes, record, existing, cancellationToken);
            var result = await editor.ModifyAsync(existing, changes, cancellationToken);
            if (!result.Changed)
            {
                _unchanged++;
                Observe("unchanged", existing.Alias, "already as the source has it");
                return;
            }

            _modified++;
            Observe("modify", result.Value.Alias, Describe(existing, result.Value));
        }

        /// <summary>A custom recipient made here by hand for the same target address, which the import takes over rather than duplicating.</summary>
        private async Task<DirectoryObject?> AdoptableAsync(ProxyAddress target, ChangeRecord record, CancellationToken cancellationToken)
        {
            var ownerGuid = await transaction.FindAddressOwnerAsync(target, cancellationToken);
            if (ownerGuid is null)
            {
                return null;
            }

            var owner = (await transaction.FindByGuidAsync(ownerGuid.Value, cancellationToken: cancellationToken))!;
            if (owner.Origin is null && owner.Class == ObjectClass.CustomRecipient && target.Equals(owner.TargetAddress))
            {
                return owner;
            }

            var from = owner.Origin is null ? "" : $" (imported from {owner.Origin.ImportedFrom})";
            throw new ConflictException(
                $"its target address {target} is already used by {owner.Class.ToToken()} '{owner.Alias}'{from}; remove or change that recipient, then import again");
        }

        private RecipientChanges Changes(ChangeRecord record, DirectoryObject? existing)
        {
            var settings = instance.Settings;
            var changes = new RecipientChanges();
            foreach (var attribute in header.Attributes)
            {
                IEnumerable<string> values = record.Attributes.Get(attribute);
                if (settings.MultiValueAppend && attribute.IsMultiValued && existing is not null)
                {
                    values = existing.Attributes.Get(attribute).Concat(values).Distinct(StringComparer.OrdinalIgnoreCase);
                }

                changes.Attributes[attribute] = values.ToList();
            }

            if (settings.ImportObjectClass == ObjectClass.CustomRecipient)
            {
                changes.TargetAddress = Target(record);
            }

            return changes;
        }

        private ProxyAddress Target(ChangeRecord record)
        {
            var type = instance.Settings.AddressType;
            var target = record.ProxyAddresses.FirstOrDefault(p => p.IsPrimary && p.Type == type)
                ?? record.ProxyAddresses.FirstOrDefault(p => p.Type == type);
            if (target is not null)
            {
                return target.WithPrimary(true);
            }

            var types = record.ProxyAddresses.Select(p => p.Type).Distinct().ToList();
            throw new DirSyncException(
                $"it has no {type} address to use as its target address (it has {(types.Count == 0 ? "none" : string.Join(", ", types))}); set the instance's address type to one the source generates ('dirsync instance set {instance.Name} --address-type <TYPE>')",
                ErrorCategory.Sync);
        }

        /// <summary>Gives the object the source's alias and display name, with 001, 002 ... where another object here holds them.</summary>
        private async Task ResolveNamesAsync(RecipientChanges changes, ChangeRecord record, DirectoryObject? self, CancellationToken cancellationToken)
        {
            changes.Alias = await ResolveAsync(
                record.Alias,
                self?.Alias,
                async candidate => await transaction.FindByAliasAsync(candidate, cancellationToken) is { } holder && holder.Guid != self?.Guid,
                AttributeCatalog.Alias.MaxLength,
                "alias");
            changes.DisplayName = await ResolveAsync(
                record.DisplayName ?? record.Alias,
                self?.DisplayName,
                async candidate => await transaction.DisplayNameExistsAsync(candidate, self?.Guid, cancellationToken),
                AttributeCatalog.DisplayName.MaxLength,
                "display name");
        }

        private async Task<string> ResolveAsync(string wanted, string? current, Func<string, Task<bool>> taken, int maxLength, string what)
        {
            // An object keeps a suffix it was given earlier as long as the source name is unchanged.
            if (current is not null && (current == wanted || IsSuffixed(current, wanted, maxLength)) && !await taken(current))
            {
                return current;
            }

            if (!await taken(wanted))
            {
                return wanted;
            }

            for (var n = 1; n <= MaxSuffix; n++)
            {
                var candidate = Suffixed(wanted, n, maxLength);
                if (!await taken(candidate))
                {
                    Note($"the {what} '{wanted}' is taken here; it was imported as '{candidate}'");
                    return candidate;
                }
            }

            throw new ConflictException($"the {what} '{wanted}' and its suffixed forms 001 to {MaxSuffix} are all taken here");
        }

        private static string Suffixed(string name, int n, int maxLength)
        {
            var suffix = n.ToString("000", System.Globalization.CultureInfo.InvariantCulture);
            return (name.Length + suffix.Length > maxLength ? name[..(maxLength - suffix.Length)] : name) + suffix;
        }

        private static bool IsSuffixed(string current, string wanted, int maxLength)
        {
            for (var n = 1; n <= MaxSuffix; n++)
            {
                if (current == Suffixed(wanted, n, maxLength))
                {
                    return true;
                }
            }

            return false;
        }

        private static string Describe(DirectoryObject before, DirectoryObject after)
        {
            var changed = new List<string>();
            if (before.Alias != after.Alias)
            {
                changed.Add($"alias {before.Alias} → {after.Alias}");
            }

            if (before.DisplayName != after.DisplayName)
            {
                changed.Add($"display name '{before.DisplayName}' → '{after.DisplayName}'");
            }

            if (!Equals(before.TargetAddress, after.TargetAddress))
            {
                changed.Add($"target address → {after.TargetAddress}");
            }

            var attributes = AttributeCatalog.All
                .Where(a => a.Kind == AttributeKind.Descriptive && !before.Attributes.Get(a).SequenceEqual(after.Attributes.Get(a)))
                .Select(a => a.LdapName)
                .ToList();
            if (attributes.Count > 0)
            {
                changed.Add(string.Join(", ", attributes));
            }

            return changed.Count == 0 ? "addresses" : string.Join("; ", changed);
        }

        private void Observe(string action, string alias, string detail) => options.Observer?.Invoke(new PlannedChange(action, alias, detail));

        private void Note(string note)
        {
            if (_notes.Count < MaxNotes)
            {
                _notes.Add(note);
            }
            else
            {
                _moreNotes++;
            }
        }
    }
}
