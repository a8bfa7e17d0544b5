using DirSync.Core.Admin;
using DirSync.Core.Events;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>One change set applied to a store in one transaction: the apply steps every path to the store shares.</summary>
/// <remarks>
/// <para>The steps, in order: count what the source owns here (<see cref="BeginAsync"/>); for a full change set,
/// delete what the source no longer has (<see cref="ReconcileAsync(Task{IReadOnlySet{Guid}}, CancellationToken)"/>);
/// apply each record (<see cref="ApplyAsync"/>); then <see cref="CompleteAsync"/>: check that the input applied is
/// the input that was verified, check the delete guard, record the new state, and commit — or, in a dry run, roll
/// back having reported every step, or refuse with the guard's event logged.</para>
/// <para>The instance importer, the dir-sync server, the requestor (on receipt, on import and from a resync
/// snapshot) and the live-directory connectors differ only in where records come from, their
/// <see cref="ApplyPolicy"/>, and what they record beside the changes (a watermark, the master log) — which
/// they write through <see cref="Transaction"/> before completing.</para>
/// </remarks>
public sealed class ApplySession
{
    private readonly IDirectoryStore _store;
    private readonly ChangeApplier _applier;
    private readonly ApplySessionOptions _options;
    private readonly TimeProvider _time;
    private readonly bool _logEachChange;
    private long _applied;
    private bool _full;
    private string? _verifiedSha256;

    private ApplySession(IDirectoryStore store, IDirectoryTransaction transaction, ChangeApplier applier, ApplySessionOptions options, long owned, TimeProvider time, bool logEachChange)
    {
        _logEachChange = logEachChange;
        _store = store;
        Transaction = transaction;
        _applier = applier;
        _options = options;
        Owned = owned;
        _time = time;
    }

    /// <summary>The session's transaction, for what the caller records beside the changes (its state, a log).</summary>
    public IDirectoryTransaction Transaction { get; }

    /// <summary>How many objects the source owned here before the session changed anything: what the delete guard weighs deletions against.</summary>
    public long Owned { get; private set; }

    /// <summary>Objects created so far.</summary>
    public long Added => _applier.Added;

    /// <summary>Objects changed so far.</summary>
    public long Modified => _applier.Modified;

    /// <summary>Objects deleted so far (by delete records and by reconciliation).</summary>
    public long Deleted => _applier.Deleted;

    /// <summary>Records that changed nothing so far.</summary>
    public long Unchanged => _applier.Unchanged;

    /// <summary>Records refused so far.</summary>
    public long Refused => _applier.Refused;

    /// <summary>What an administrator should know so far.</summary>
    public IReadOnlyList<string> Notes => _applier.Notes;

    /// <summary>Starts a session on <paramref name="transaction"/>, which the caller keeps (and disposes): <see cref="CompleteAsync"/> commits it.</summary>
    /// <param name="store">The store the transaction belongs to (a refusal's event is written to it alone, after the rollback).</param>
    /// <param name="transaction">An open transaction of <paramref name="store"/>.</param>
    /// <param name="policy">Where records go and whose they are.</param>
    /// <param name="options">The input's name, the delete guard's settings, dry run, observer.</param>
    /// <param name="time">The clock events are stamped with.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<ApplySession> BeginAsync(
        IDirectoryStore store, IDirectoryTransaction transaction, ApplyPolicy policy, ApplySessionOptions options, TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        var owned = await transaction.CountAsync(options.OwnedFilter ?? new RecipientFilter(OriginSource: policy.SourceKey), cancellationToken);
        var applier = new ChangeApplier(await RecipientEditor.CreateAsync(transaction, cancellationToken), policy, options.Input, options.Observer);
        // The level is read once: at any level below maximum, a record costs no look-up.
        var logEachChange = !options.DryRun && await EventLog.LevelAsync(transaction, cancellationToken) == EventLevel.Maximum;
        return new ApplySession(store, transaction, applier, options, owned, time ?? TimeProvider.System, logEachChange);
    }

    /// <summary>Takes over what a replaced source's imports left here, re-linking by alias what the new source has under new anchors (see <see cref="ChangeApplier.TakeOverAsync"/>).</summary>
    /// <returns>How many objects were taken over, and how many of them were re-linked.</returns>
    public async Task<(int Taken, int Relinked)> TakeOverAsync(
        string oldSourceKey, string importedFrom, IReadOnlySet<Guid> newAnchors, IReadOnlyDictionary<string, Guid> newAnchorsByAlias, CancellationToken cancellationToken = default)
    {
        var result = await _applier.TakeOverAsync(oldSourceKey, importedFrom, newAnchors, newAnchorsByAlias, cancellationToken);
        Owned += result.Taken;
        return result;
    }

    /// <summary>Deletes what the source no longer has: the objects in the policy's scope whose anchors a full change set does not hold.</summary>
    /// <remarks>Called before the records are applied, so names and addresses of objects the source replaced by new ones are free for them.</remarks>
    /// <returns>The objects deleted, as they were before.</returns>
    public Task<IReadOnlyList<DirectoryObject>> ReconcileAsync(IReadOnlySet<Guid> anchors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return ReconcileAsync(Task.FromResult(anchors), cancellationToken);
    }

    /// <summary>As <see cref="ReconcileAsync(IReadOnlySet{Guid}, CancellationToken)"/>, while the anchors are still being read elsewhere.</summary>
    /// <returns>The objects deleted, as they were before.</returns>
    public Task<IReadOnlyList<DirectoryObject>> ReconcileAsync(Task<IReadOnlySet<Guid>> anchorsBeingRead, CancellationToken cancellationToken = default)
    {
        _full = true;
        return _applier.ReconcileAsync(anchorsBeingRead, cancellationToken, Owned);
    }

    /// <summary>Marks the change set as a full one without reconciling (there is nothing of the source here yet).</summary>
    public void MarkFull() => _full = true;

    /// <summary>Applies one record.</summary>
    /// <returns>What it did; a refusal carries its reason.</returns>
    /// <exception cref="DirSyncException">The record cannot be applied; the message names the input, line and alias.</exception>
    public async ValueTask<AppliedChange> ApplyAsync(ChangeRecord record, CancellationToken cancellationToken = default)
    {
        var change = await _applier.ApplyAsync(record, cancellationToken);
        _options.Progress?.Report(++_applied);
        if (_logEachChange && change.Action != ApplyAction.Ignored)
        {
            // In the session's transaction: a run that is rolled back leaves no record of changes it did not make.
            var what = change.Action.ToString().ToLowerInvariant();
            await EventLog.WriteAsync(
                Transaction, _time, EventCodes.ChangeApplied, EventSeverity.Detail,
                $"{_options.Input}: {what} {change.Alias}{(change.Reason is null ? "" : $" ({change.Reason})")}", cancellationToken);
        }

        return change;
    }

    /// <summary>Adds a note for the administrator.</summary>
    public void Note(string note) => _applier.Note(note);

    /// <summary>Records the checksum of the input as an earlier reading verified it: the session commits only an input read back with the same.</summary>
    /// <remarks>An input read more than once (its proof checked, its anchors collected, its records applied) may be replaced between the readings; only the bytes that were verified are applied.</remarks>
    public void Verified(string sha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256);
        if (_verifiedSha256 is not null && _verifiedSha256 != sha256)
        {
            throw Changed();
        }

        _verifiedSha256 = sha256;
    }

    /// <summary>Finishes the session: checks the input and the delete guard, records the caller's state, and commits (or, in a dry run, rolls back).</summary>
    /// <param name="input">What was applied: how many records the change set held, and its checksum where it has one.</param>
    /// <param name="recordState">Writes the caller's new state (a watermark, numbers) in the session's transaction; may be null.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What the session did; <see cref="ApplyResult.Blocked"/> is set when a dry run would have been stopped by the guard.</returns>
    /// <exception cref="DirSyncException">The input changed while it was applied (file system), or the guard stopped the deletions (guard); nothing was applied.</exception>
    public async Task<ApplyResult> CompleteAsync(
        ApplyInput input, Func<IDirectoryTransaction, CancellationToken, ValueTask>? recordState = null, CancellationToken cancellationToken = default)
    {
        var blocked = await CheckAsync(input, cancellationToken);
        if (recordState is not null)
        {
            await recordState(Transaction, cancellationToken);
        }

        if (!_options.DryRun)
        {
            await Transaction.CommitAsync(cancellationToken);
        }

        return new ApplyResult(Added, Modified, Deleted, Unchanged, Refused, _options.DryRun, blocked, Notes);
    }

    /// <summary>The checks of <see cref="CompleteAsync"/> without its commit, for a caller that goes on in the same transaction.</summary>
    /// <returns>In a dry run, why the guard would stop the real run; otherwise null.</returns>
    /// <exception cref="DirSyncException">The input changed while it was applied (file system), or the guard stopped the deletions (guard): the transaction is rolled back and the block logged.</exception>
    public async Task<string?> CheckAsync(ApplyInput input, CancellationToken cancellationToken = default)
    {
        if (_verifiedSha256 is { } verified && !string.Equals(verified, input.Sha256, StringComparison.Ordinal))
        {
            throw Changed();
        }

        try
        {
            DeleteGuard.Check(Deleted, Owned, input.Records, _full, _options.DeleteLimit, _options.AllowDeletes, _options.Source, _options.RaiseLimit, _options.Retry);
            return null;
        }
        catch (DirSyncException e) when (e.Category == ErrorCategory.Guard)
        {
            if (_options.DryRun)
            {
                Note($"a real run would stop here: {e.Message}");
                return e.Message;
            }

            // The block is logged on its own, after the rollback, so the record of it survives what it stopped.
            await Transaction.DisposeAsync();
            await EventLog.WriteAloneAsync(_store, _time, EventCodes.DeletesBlocked, EventSeverity.Error, $"{EventCodes.DeletesBlocked}: {_options.BlockedEvent(e.Message, Deleted)}", cancellationToken);
            throw;
        }
    }

    private DirSyncException Changed() =>
        new($"'{_options.Input}' changed while it was being applied: it is not the content that was checked; nothing was applied, run again", ErrorCategory.FileSystem);
}
