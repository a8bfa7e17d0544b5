using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>Applies change records to a store inside one transaction: the one apply engine of DirSync.</summary>
/// <remarks>
/// <para>Records are matched by the origin key of the <see cref="ApplyPolicy"/> and their anchor,
/// never by name. An add of a known anchor modifies it, a modify of an unknown one creates it,
/// a delete of an unknown one changes nothing. Aliases and display names taken by another object
/// get a 001, 002 … suffix that stays as long as the source name does. A custom recipient made
/// here by hand for the same target address is adopted instead of duplicated.</para>
/// <para>Every step is reported to the observer as it is decided, so a dry run that rolls the
/// transaction back prints exactly what a real run does.</para>
/// </remarks>
public sealed class ChangeApplier
{
    private const int MaxNotes = 1000;
    private const int MaxSuffix = 999;

    private readonly IDirectoryTransaction _transaction;
    private readonly RecipientEditor _editor;
    private readonly ApplyPolicy _policy;
    private readonly string _name;
    private readonly Action<PlannedChange>? _observer;
    private readonly List<string> _notes = [];
    private long _moreNotes;

    /// <summary>Creates an applier writing through <paramref name="editor"/> under <paramref name="policy"/>.</summary>
    /// <param name="editor">The editor of the open transaction.</param>
    /// <param name="policy">Where records go and whose they are.</param>
    /// <param name="name">The input's name (a file, a message) for error messages.</param>
    /// <param name="observer">Told every step as it is decided; may be null.</param>
    public ChangeApplier(RecipientEditor editor, ApplyPolicy policy, string name, Action<PlannedChange>? observer = null)
    {
        ArgumentNullException.ThrowIfNull(editor);
        ArgumentNullException.ThrowIfNull(policy);
        _editor = editor;
        _transaction = editor.Transaction;
        _policy = policy;
        _name = name;
        _observer = observer;
    }

    /// <summary>Objects created.</summary>
    public long Added { get; private set; }

    /// <summary>Objects changed.</summary>
    public long Modified { get; private set; }

    /// <summary>Objects deleted.</summary>
    public long Deleted { get; private set; }

    /// <summary>Records that changed nothing.</summary>
    public long Unchanged { get; private set; }

    /// <summary>Records refused by the policy (an update of another source's object).</summary>
    public long Refused { get; private set; }

    /// <summary>What an administrator should know: suffixes given, adoptions, refusals.</summary>
    public IReadOnlyList<string> Notes => _moreNotes == 0 ? _notes : [.. _notes, $"... and {_moreNotes} more notes"];

    /// <summary>Applies one record.</summary>
    /// <returns>What it did; a refusal carries its reason.</returns>
    /// <exception cref="DirSyncException">The record cannot be applied; the message names the input, line and alias.</exception>
    public async ValueTask<AppliedChange> ApplyAsync(ChangeRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            // Ownership first: a record the policy would pass over may still name an object it must not touch.
            var existing = await _transaction.FindByOriginAsync(_policy.SourceKey, record.Anchor, cancellationToken);
            var reason = existing is not null ? _policy.Refuse(record, existing) : null;
            reason ??= _policy.RefuseUnseen is { } unseen ? await unseen(_transaction, record, cancellationToken) : null;
            if (reason is not null)
            {
                Refused++;
                Note(reason);
                Observe("refused", existing?.Alias ?? record.Alias, reason);
                return new AppliedChange(ApplyAction.Refused, existing?.Alias ?? record.Alias, reason);
            }

            if (_policy.Ignore(record))
            {
                return new AppliedChange(ApplyAction.Ignored, record.Alias);
            }

            if (record.Kind == ChangeKind.Delete)
            {
                return await DeleteAsync(existing, record.Alias, "deleted at the source", cancellationToken);
            }

            return existing is null
                ? await CreateAsync(record, cancellationToken)
                : await UpdateAsync(existing, record, cancellationToken);
        }
        catch (DirSyncException e) when (e.Category == ErrorCategory.InvalidValue)
        {
            // A value the file carries, not one the user typed: the file is what is wrong (exit 8, as every refused file).
            throw new InputFormatException(_name, record.LineNumber, null, $"'{record.Alias}': {e.Message}", e);
        }
        catch (DirSyncException e) when (e is not InputFormatException)
        {
            var where = record.LineNumber > 0 ? $"{_name}:{record.LineNumber}" : _name;
            throw new DirSyncException($"{where}: '{record.Alias}': {e.Message}", e.Category, e);
        }
    }

    /// <summary>Deletes the objects in the policy's scope whose anchors are not in <paramref name="anchors"/>: a full change set's, read ahead.</summary>
    /// <remarks>Called before the records are applied, it frees the names and addresses of objects the source replaced by new ones.</remarks>
    /// <returns>The objects deleted, as they were before.</returns>
    public Task<IReadOnlyList<DirectoryObject>> ReconcileAsync(IReadOnlySet<Guid> anchors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return ReconcileAsync(Task.FromResult(anchors), cancellationToken);
    }

    /// <summary>As <see cref="ReconcileAsync(IReadOnlySet{Guid}, CancellationToken)"/>, while the anchors are still being read elsewhere.</summary>
    /// <remarks>What the store holds of the source is listed first, so the two reads overlap.</remarks>
    /// <param name="anchorsBeingRead">The full change set's anchors, when read.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="expectedHeld">About how many objects the store holds of the source (a list of that size is made once, not grown).</param>
    /// <returns>The objects deleted, as they were before.</returns>
    public async Task<IReadOnlyList<DirectoryObject>> ReconcileAsync(
        Task<IReadOnlySet<Guid>> anchorsBeingRead, CancellationToken cancellationToken = default, long expectedHeld = 0)
    {
        ArgumentNullException.ThrowIfNull(anchorsBeingRead);

        // Anchors only: at a million objects, listing whole objects costs seconds and a sort in memory.
        var held = new List<Guid>((int)Math.Clamp(expectedHeld, 0, Array.MaxLength));
        await foreach (var origin in _transaction.ListOriginsAsync(_policy.SourceKey, cancellationToken))
        {
            if (_policy.ReconcileScope(origin))
            {
                held.Add(origin.Anchor);
            }
        }

        var anchors = await anchorsBeingRead;
        var stale = held.Where(anchor => !anchors.Contains(anchor)).ToList();
        held = null;

        // Deleted in alias order, so a plan and its notes read the same on every backend, whatever order the store
        // lists in. Only the aliases are held meanwhile: a large allowed deletion must not hold every object.
        var order = new List<(string Alias, Guid Anchor)>(stale.Count);
        foreach (var anchor in stale)
        {
            var alias = (await _transaction.FindByOriginAsync(_policy.SourceKey, anchor, cancellationToken))?.Alias;
            order.Add((alias ?? anchor.ToString(), anchor));
        }

        order.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Alias, b.Alias) is var byAlias and not 0 ? byAlias : a.Anchor.CompareTo(b.Anchor));
        var deleted = new List<DirectoryObject>();
        foreach (var (alias, anchor) in order)
        {
            var value = await _transaction.FindByOriginAsync(_policy.SourceKey, anchor, cancellationToken);
            await DeleteAsync(value, value?.Alias ?? alias, "absent from the full change set", cancellationToken);
            if (value is not null)
            {
                deleted.Add(value);
            }
        }

        return deleted;
    }

    /// <summary>
    /// Moves objects recorded under another origin key to this policy's key (a replaced source). An object whose anchor
    /// the new source does not have, but whose alias one of the new source's objects carries, is re-linked to that
    /// object's anchor: it stays the same recipient here (its distribution lists keep it) instead of being deleted and
    /// made again.
    /// </summary>
    /// <param name="oldSourceKey">The origin key of the source being replaced.</param>
    /// <param name="importedFrom">How the new source is named on the recipients.</param>
    /// <param name="newAnchors">Every anchor of the new source's full change set.</param>
    /// <param name="newAnchorsByAlias">The new source's anchors by alias (case-insensitive), only aliases that name one object.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>How many objects were taken over, and how many of them were re-linked to a new anchor.</returns>
    public async Task<(int Taken, int Relinked)> TakeOverAsync(
        string oldSourceKey, string importedFrom, IReadOnlySet<Guid> newAnchors, IReadOnlyDictionary<string, Guid> newAnchorsByAlias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newAnchors);
        ArgumentNullException.ThrowIfNull(newAnchorsByAlias);
        var old = new List<(Guid Guid, Guid Anchor, string Alias)>();
        await foreach (var value in _transaction.ListAsync(new RecipientFilter(OriginSource: oldSourceKey), cancellationToken))
        {
            old.Add((value.Guid, value.Origin!.Anchor, value.Alias));
        }

        // A new anchor already held by an old object (a source restored with its objects' identities) links that one;
        // the rest are free for re-linking by alias, each to one object.
        var taken = old.Select(o => o.Anchor).Where(newAnchors.Contains).ToHashSet();
        var relinked = 0;
        foreach (var (guid, anchor, alias) in old)
        {
            var value = (await _transaction.FindByGuidAsync(guid, cancellationToken: cancellationToken))!;
            var linked = anchor;
            if (!newAnchors.Contains(anchor) && newAnchorsByAlias.TryGetValue(alias, out var replacement) && taken.Add(replacement))
            {
                linked = replacement;
                relinked++;
                Observe("relink", alias, "the new source's object of the same alias takes its place");
            }

            value.Origin = new ObjectOrigin(_policy.SourceKey, linked, importedFrom);
            await _transaction.UpdateAsync(value, cancellationToken);
        }

        return (old.Count, relinked);
    }

    /// <summary>Adds a note for the administrator.</summary>
    public void Note(string note)
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

    private async ValueTask<AppliedChange> DeleteAsync(DirectoryObject? existing, string alias, string why, CancellationToken cancellationToken)
    {
        if (existing is null)
        {
            Unchanged++;
            Observe("unchanged", alias, "delete of an object not here (never imported, or already gone)");
            return new AppliedChange(ApplyAction.Unchanged, alias);
        }

        await _editor.RemoveAsync(existing, cancellationToken);
        Deleted++;
        Observe("delete", existing.Alias, why);
        return new AppliedChange(ApplyAction.Deleted, existing.Alias);
    }

    private async ValueTask<AppliedChange> CreateAsync(ChangeRecord record, CancellationToken cancellationToken)
    {
        if (_policy.KnownElsewhere is { } knownElsewhere && await knownElsewhere(_transaction, record, cancellationToken) is { } known)
        {
            Unchanged++;
            Note($"'{record.Alias}' was not created: {known}");
            Observe("unchanged", record.Alias, known);
            return new AppliedChange(ApplyAction.Unchanged, record.Alias);
        }

        var origin = new ObjectOrigin(_policy.SourceKey, record.Anchor, _policy.ImportedFrom(record));
        var changes = Changes(record, null, clears: false);
        if (_policy.ObjectClass == ObjectClass.CustomRecipient && await AdoptableAsync(changes.TargetAddress!, cancellationToken) is { } adoptee)
        {
            // The adopted recipient keeps none of its own attributes: what the source leaves empty is cleared.
            changes = Changes(record, null, clears: true);
            changes.Origin = origin;
            await ResolveNamesAsync(changes, record, adoptee, cancellationToken);
            await _editor.ModifyAsync(adoptee, changes, cancellationToken);
            Modified++;
            Note($"adopted the existing custom recipient '{adoptee.Alias}' (same target address {adoptee.TargetAddress}) as the import of '{record.Alias}'");
            Observe("modify", adoptee.Alias, "adopted: a custom recipient made here for the same address");
            return new AppliedChange(ApplyAction.Modified, adoptee.Alias);
        }

        var container = _policy.Container(record);
        if (!await _transaction.ContainerExistsAsync(container, cancellationToken))
        {
            await CreateContainerAsync(container, cancellationToken);
        }

        changes.Container = container;
        await ResolveNamesAsync(changes, record, null, cancellationToken);
        var alias = changes.Alias!;
        changes.Alias = null;
        var created = await _editor.AddAsync(_policy.ObjectClass, alias, changes, origin, cancellationToken: cancellationToken);
        Added++;
        if (_observer is not null)
        {
            // Made only for an observer (a dry run's plan): an import of a million adds would make a million strings.
            Observe("add", created.Alias, $"{created.DisplayName}{(created.TargetAddress is null ? "" : " → " + created.TargetAddress)}");
        }

        return new AppliedChange(ApplyAction.Added, created.Alias);
    }

    private async ValueTask<AppliedChange> UpdateAsync(DirectoryObject existing, ChangeRecord record, CancellationToken cancellationToken)
    {
        var importedFrom = _policy.ImportedFrom(record);
        if (await IsUnchangedAsync(existing, record, importedFrom, cancellationToken))
        {
            Unchanged++;
            Observe("unchanged", existing.Alias, "already as the source has it");
            return new AppliedChange(ApplyAction.Unchanged, existing.Alias);
        }

        var changes = Changes(record, existing, clears: true);
        if (existing.Origin!.ImportedFrom != importedFrom)
        {
            changes.Origin = existing.Origin with { ImportedFrom = importedFrom };
        }

        await ResolveNamesAsync(changes, record, existing, cancellationToken);
        var result = await _editor.ModifyAsync(existing, changes, cancellationToken);
        if (!result.Changed)
        {
            Unchanged++;
            Observe("unchanged", existing.Alias, "already as the source has it");
            return new AppliedChange(ApplyAction.Unchanged, existing.Alias);
        }

        Modified++;
        if (_observer is not null)
        {
            Observe("modify", result.Value.Alias, Describe(existing, result.Value));
        }

        return new AppliedChange(ApplyAction.Modified, result.Value.Alias);
    }

    /// <summary>
    /// Whether the record would change nothing, decided by comparing it with the object — the common case of a
    /// repeated full change set, answered without building changes or probing for every name.
    /// </summary>
    /// <remarks>Conservative: anything it does not compare (suffixed names, appended values) takes the full path, which decides the same way.</remarks>
    private async ValueTask<bool> IsUnchangedAsync(DirectoryObject existing, ChangeRecord record, string importedFrom, CancellationToken cancellationToken)
    {
        if (_policy.MultiValueAppend
            || existing.Origin!.ImportedFrom != importedFrom
            || !string.Equals(existing.Alias, record.Alias, StringComparison.Ordinal)
            || !string.Equals(existing.DisplayName, record.DisplayName ?? record.Alias, StringComparison.Ordinal))
        {
            return false;
        }

        if (_policy.ObjectClass == ObjectClass.CustomRecipient && !Equals(existing.TargetAddress, Target(record)))
        {
            return false;
        }

        foreach (var attribute in _policy.Attributes)
        {
            if (!existing.Attributes.Get(attribute).SequenceEqual(record.Attributes.Get(attribute), StringComparer.Ordinal))
            {
                return false;
            }
        }

        // Another object here may have taken the display name since, which moves this one to a suffix.
        return !await _transaction.DisplayNameExistsAsync(existing.DisplayName, existing.Guid, cancellationToken);
    }

    private async Task CreateContainerAsync(DirectoryPath container, CancellationToken cancellationToken)
    {
        if (container.Parent is { } parent && !await _transaction.ContainerExistsAsync(parent, cancellationToken))
        {
            await CreateContainerAsync(parent, cancellationToken);
        }

        await _transaction.AddContainerAsync(container, cancellationToken);
        Note($"created the address list {container}");
    }

    /// <summary>A custom recipient made here by hand for the same target address, which the import takes over rather than duplicating.</summary>
    private async ValueTask<DirectoryObject?> AdoptableAsync(ProxyAddress target, CancellationToken cancellationToken)
    {
        var ownerGuid = await _transaction.FindAddressOwnerAsync(target, cancellationToken);
        if (ownerGuid is null)
        {
            return null;
        }

        var owner = (await _transaction.FindByGuidAsync(ownerGuid.Value, cancellationToken: cancellationToken))!;
        if (owner.Origin is null && owner.Class == ObjectClass.CustomRecipient && target.Equals(owner.TargetAddress))
        {
            return owner;
        }

        var from = owner.Origin is null ? "" : $" (imported from {owner.Origin.ImportedFrom})";
        throw new ConflictException(
            $"its target address {target} is already used by {owner.Class.ToToken()} '{owner.Alias}'{from}; remove or change that recipient, then import again");
    }

    /// <summary>What the record asks of the object: each attribute of the policy the record gives, and, with
    /// <paramref name="clears"/>, an empty list for each it leaves out (an object made new has nothing to clear, and
    /// skipping them spares a list for every attribute of the policy on every add).</summary>
    private RecipientChanges Changes(ChangeRecord record, DirectoryObject? existing, bool clears)
    {
        var changes = new RecipientChanges(clears ? _policy.Attributes.Count : record.Attributes.Count);
        foreach (var attribute in _policy.Attributes)
        {
            var given = record.Attributes.Get(attribute);
            if (!clears && given.Count == 0)
            {
                continue;
            }

            IEnumerable<string> values = given;
            if (_policy.MultiValueAppend && attribute.IsMultiValued && existing is not null)
            {
                values = existing.Attributes.Get(attribute).Concat(values).Distinct(StringComparer.OrdinalIgnoreCase);
            }

            changes.Attributes[attribute] = values.ToList();
        }

        if (_policy.ObjectClass == ObjectClass.CustomRecipient)
        {
            changes.TargetAddress = Target(record);
        }

        return changes;
    }

    private ProxyAddress Target(ChangeRecord record)
    {
        var type = _policy.AddressType;
        var target = record.ProxyAddresses.FirstOrDefault(p => p.IsPrimary && p.Type == type)
            ?? record.ProxyAddresses.FirstOrDefault(p => p.Type == type)
            ?? (_policy.FallBackToAnyAddress ? record.TargetAddress ?? record.ProxyAddresses.FirstOrDefault(p => p.IsPrimary) : null);
        if (target is not null)
        {
            return target.WithPrimary(true);
        }

        var types = record.ProxyAddresses.Select(p => p.Type).Distinct().ToList();
        throw new DirSyncException(
            $"it has no {type} address to use as its target address (it has {(types.Count == 0 ? "none" : string.Join(", ", types))}); {_policy.AddressTypeHint}",
            ErrorCategory.Sync);
    }

    /// <summary>Gives the object the source's alias and display name, with 001, 002 ... where another object here holds them.</summary>
    private async ValueTask ResolveNamesAsync(RecipientChanges changes, ChangeRecord record, DirectoryObject? self, CancellationToken cancellationToken)
    {
        changes.Alias = await ResolveAsync(
            record.Alias,
            self?.Alias,
            async candidate => await _transaction.FindAliasOwnerAsync(candidate, cancellationToken) is { } owner && owner != self?.Guid,
            AttributeCatalog.Alias.MaxLength,
            "alias");
        changes.DisplayName = await ResolveAsync(
            record.DisplayName ?? record.Alias,
            self?.DisplayName,
            async candidate => await _transaction.DisplayNameExistsAsync(candidate, self?.Guid, cancellationToken),
            AttributeCatalog.DisplayName.MaxLength,
            "display name");
    }

    private async ValueTask<string> ResolveAsync(string wanted, string? current, Func<string, ValueTask<bool>> taken, int maxLength, string what)
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
        if (current.Length < 3 || !current[^3..].All(char.IsAsciiDigit))
        {
            return false;
        }

        var n = int.Parse(current.AsSpan(current.Length - 3), System.Globalization.CultureInfo.InvariantCulture);
        return n is >= 1 and <= MaxSuffix && current == Suffixed(wanted, n, maxLength);
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

    private void Observe(string action, string alias, string detail) => _observer?.Invoke(new PlannedChange(action, alias, detail));
}
