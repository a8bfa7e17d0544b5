using DirSync.Core.Events;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>Takes in every message waiting at a source (a drop folder, or a server over HTTP): checked first, applied in a transaction, removed only once committed.</summary>
/// <remarks>
/// <para>A message that fails its checks, or whose work fails, is moved aside with its reason and an
/// event, and the others go on. A message a safety guard stopped stays claimed, so the next run
/// — with the administrator's permission — takes it up again.</para>
/// <para>With a <see cref="Batch"/>, consecutive messages share one transaction: each is still taken in
/// entirely or not at all, because the first that fails rolls the shared transaction back, the messages
/// before it are taken in again and committed, and the failing one is then handled as it would have been
/// alone. A message is removed from its source only once the transaction holding it has committed.</para>
/// </remarks>
internal static class Inbox
{
    /// <summary>Why a message is refused: its event code and a one-line reason.</summary>
    /// <param name="Code">The event code.</param>
    /// <param name="Reason">The one-line reason.</param>
    /// <param name="AlreadyTakenIn">Not refused but done: a run that died after committing its effect left it claimed; it is removed.</param>
    /// <param name="Sender">The registered sender the refusal is recorded against (its last error), or null.</param>
    public readonly record struct Refusal(int Code, string Reason, bool AlreadyTakenIn = false, string? Sender = null);

    /// <summary>What the checks of a message found: a refusal, or the checksum of the content they accepted (the only content that may be applied) and its sender.</summary>
    public readonly record struct Verdict(Refusal? Refusal, string? Sha256, string? Sender = null)
    {
        /// <summary>Accepts the content whose checksum is <paramref name="sha256"/>, sent by <paramref name="sender"/> (null when the source has one sender).</summary>
        public static Verdict Accept(string sha256, string? sender = null) => new(null, sha256, sender);

        public static implicit operator Verdict(Refusal refusal) => new(refusal, null);
    }

    /// <summary>What taking a message in did.</summary>
    public readonly record struct Outcome(long Updates, string Line, string? Error = null);

    /// <summary>How many messages may share a transaction: the commit comes after the message that reaches either limit.</summary>
    /// <param name="Updates">The updates taken in, in all, that close a transaction.</param>
    /// <param name="Time">How long a transaction stays open at most, beyond the message it is taking in: other writers of the store wait meanwhile.</param>
    public readonly record struct Batch(long Updates, TimeSpan Time)
    {
        /// <summary>One message per transaction.</summary>
        public static Batch None => new(0, TimeSpan.Zero);
    }

    /// <summary>Checks, takes in and removes every message waiting at <paramref name="source"/>.</summary>
    /// <param name="store">The store the messages are taken into.</param>
    /// <param name="time">The clock of events and of <paramref name="batch"/>'s time limit.</param>
    /// <param name="source">Where the messages wait.</param>
    /// <param name="check">The checks of one message, reading the store through the reader it is given (the open transaction, when earlier messages are in it).</param>
    /// <param name="takeIn">Takes one accepted message in through the transaction it is given, without committing it.</param>
    /// <param name="batch">How many messages may share a transaction.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="recordRefusal">Records a refusal beside its event (the sender's last error), or null.</param>
    public static async Task<CycleReport> ProcessAsync(
        IDirectoryStore store,
        TimeProvider time,
        IMessageSource source,
        Func<ClaimedMessage, IDirectoryReader, CancellationToken, Task<Verdict>> check,
        Func<ClaimedMessage, string, IDirectoryTransaction, CancellationToken, Task<Outcome>> takeIn,
        Batch batch,
        CancellationToken cancellationToken,
        Func<IDirectoryTransaction, Refusal, CancellationToken, ValueTask>? recordRefusal = null)
    {
        var report = new Report();
        var open = new OpenBatch();
        try
        {
            await foreach (var claimed in source.ClaimAsync(cancellationToken))
            {
                Verdict verdict;
                try
                {
                    verdict = await check(claimed, (IDirectoryReader?)open.Transaction ?? store, cancellationToken);
                }
                catch (DirSyncException) when (!File.Exists(claimed.Path))
                {
                    // A receiver running beside this one took it in and removed it meanwhile.
                    continue;
                }

                if (verdict.Refusal is { } refusal)
                {
                    // A refusal is recorded in a transaction of its own, after what is taken in before it.
                    await CommitAsync(open, source, report, cancellationToken);
                    await RefuseAsync(store, time, source, claimed, refusal, report, recordRefusal, cancellationToken);
                    continue;
                }

                if (verdict.Sender is { } sender && open.Senders.Contains(sender))
                {
                    // One message per sender in a transaction: a run that dies after the commit and before the removals
                    // finds each leftover to be its sender's last message taken in, and removes it as done.
                    await CommitAsync(open, source, report, cancellationToken);
                }

                var accepted = new Accepted(claimed, verdict.Sha256!, verdict.Sender);
                if (!await TakeInAsync(store, time, source, takeIn, open, accepted, report, recordRefusal, cancellationToken))
                {
                    continue;
                }

                if (open.Updates >= batch.Updates || time.GetUtcNow() - open.Started >= batch.Time)
                {
                    await CommitAsync(open, source, report, cancellationToken);
                }
            }

            await CommitAsync(open, source, report, cancellationToken);
        }
        finally
        {
            if (open.Transaction is { } left)
            {
                // Something not the messages' fault stopped the run: what is not committed stays claimed for the next one.
                await left.DisposeAsync();
            }
        }

        return new CycleReport { Messages = report.Messages, Updates = report.Updates, Rejected = report.Rejected, Lines = report.Lines, Errors = report.Errors };
    }

    /// <summary>Takes one accepted message into the open transaction (beginning one when none is open); false when it failed and was dealt with.</summary>
    /// <remarks>
    /// A take-in that throws <see cref="MessageRefusedException"/> found the message itself at fault (a record the check
    /// read only as far as its anchor is not well formed): it is refused as a failed check is, with its code and reason.
    /// </remarks>
    private static async Task<bool> TakeInAsync(
        IDirectoryStore store, TimeProvider time, IMessageSource source, Func<ClaimedMessage, string, IDirectoryTransaction, CancellationToken, Task<Outcome>> takeIn,
        OpenBatch open, Accepted accepted, Report report, Func<IDirectoryTransaction, Refusal, CancellationToken, ValueTask>? recordRefusal, CancellationToken cancellationToken)
    {
        if (open.Transaction is null)
        {
            open.Transaction = await store.BeginTransactionAsync(cancellationToken);
            open.Started = time.GetUtcNow();
        }

        try
        {
            var outcome = await takeIn(accepted.Claimed, accepted.Sha256, open.Transaction, cancellationToken);
            open.Taken.Add((accepted, outcome));
            open.Updates += outcome.Updates;
            if (accepted.Sender is not null)
            {
                open.Senders.Add(accepted.Sender);
            }

            return true;
        }
        // A store's trouble (busy, damaged, out of space) is not the message's: it passes, and the message stays claimed
        // for the next run — unless the message is gone, taken in by another receiver.
        catch (DirSyncException e) when (e is not StoreException || !File.Exists(accepted.Claimed.Path))
        {
            // The shared transaction holds part of the message, so it is rolled back, the messages before it are taken
            // in again and committed, and then the failure is handled as it would be alone.
            await open.Transaction.DisposeAsync();
            open.Transaction = null;
            await RedoAsync(store, time, source, takeIn, open, report, recordRefusal, cancellationToken);
            if (e is MessageRefusedException refused && File.Exists(accepted.Claimed.Path))
            {
                await RefuseAsync(store, time, source, accepted.Claimed, new Refusal(refused.Code, refused.Reason, Sender: accepted.Sender), report, recordRefusal, cancellationToken);
            }
            else
            {
                await FailedAsync(store, time, source, accepted.Claimed, e, report, cancellationToken);
            }

            return false;
        }
    }

    /// <summary>After a rollback: takes in again, one transaction each, the messages the rolled-back transaction held.</summary>
    private static async Task RedoAsync(
        IDirectoryStore store, TimeProvider time, IMessageSource source, Func<ClaimedMessage, string, IDirectoryTransaction, CancellationToken, Task<Outcome>> takeIn,
        OpenBatch open, Report report, Func<IDirectoryTransaction, Refusal, CancellationToken, ValueTask>? recordRefusal, CancellationToken cancellationToken)
    {
        var again = open.Taken.Select(t => t.Message).ToList();
        open.Clear();
        foreach (var accepted in again)
        {
            if (await TakeInAsync(store, time, source, takeIn, open, accepted, report, recordRefusal, cancellationToken))
            {
                await CommitAsync(open, source, report, cancellationToken);
            }
        }
    }

    /// <summary>Commits the open transaction, then removes the messages it took in.</summary>
    private static async Task CommitAsync(OpenBatch open, IMessageSource source, Report report, CancellationToken cancellationToken)
    {
        if (open.Transaction is not { } transaction)
        {
            return;
        }

        await transaction.CommitAsync(cancellationToken);
        await transaction.DisposeAsync();
        open.Transaction = null;
        foreach (var (accepted, outcome) in open.Taken)
        {
            // Its effect is committed, so a failure to remove it (a server that cannot be reached to acknowledge it)
            // must not set it aside as refused; the next run sees it again as done.
            await source.CompleteAsync(accepted.Claimed, cancellationToken);
            report.Messages++;
            report.Updates += outcome.Updates;
            report.Lines.Add(outcome.Line);
            if (outcome.Error is not null)
            {
                report.Errors.Add(outcome.Error);
            }
        }

        open.Clear();
    }

    private static async Task FailedAsync(IDirectoryStore store, TimeProvider time, IMessageSource source, ClaimedMessage claimed, DirSyncException failure, Report report, CancellationToken cancellationToken)
    {
        if (!File.Exists(claimed.Path))
        {
            // Gone before it could be read, so another receiver has it.
            return;
        }

        if (failure.Category == ErrorCategory.Guard)
        {
            // Left claimed: the next run takes it up again once the administrator allows the deletes.
            await source.ReleaseAsync(claimed, cancellationToken);
            report.Errors.Add($"{claimed.Name}: {failure.Message}");
            return;
        }

        report.Rejected++;
        await source.RejectAsync(claimed, failure.Message, cancellationToken);
        report.Errors.Add($"{claimed.Name}: {failure.Message}");
        await EventLog.WriteAloneAsync(store, time, EventCodes.InvalidFormat, EventSeverity.Error, $"{EventCodes.InvalidFormat}: message {claimed.Name} could not be applied and was moved to rejected/: {failure.Message}", cancellationToken);
    }

    private static async Task RefuseAsync(
        IDirectoryStore store, TimeProvider time, IMessageSource source, ClaimedMessage claimed, Refusal refusal, Report report,
        Func<IDirectoryTransaction, Refusal, CancellationToken, ValueTask>? recordRefusal, CancellationToken cancellationToken)
    {
        if (refusal.AlreadyTakenIn)
        {
            await source.CompleteAsync(claimed, cancellationToken);
            report.Lines.Add($"{claimed.Name}: {refusal.Reason}");
            return;
        }

        report.Rejected++;
        await source.RejectAsync(claimed, $"{refusal.Code}: {refusal.Reason}", cancellationToken);
        report.Lines.Add($"{claimed.Name}: refused — {refusal.Code}: {refusal.Reason}");
        report.Errors.Add($"{claimed.Name} refused — {refusal.Code}: {refusal.Reason}");
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        await EventLog.WriteAsync(transaction, time, refusal.Code, EventSeverity.Error, $"{refusal.Code}: {refusal.Reason} (message {claimed.Name} moved to rejected/)", cancellationToken);
        if (recordRefusal is not null)
        {
            await recordRefusal(transaction, refusal, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private sealed record Accepted(ClaimedMessage Claimed, string Sha256, string? Sender);

    private sealed class OpenBatch
    {
        public IDirectoryTransaction? Transaction { get; set; }

        public DateTimeOffset Started { get; set; }

        public long Updates { get; set; }

        public List<(Accepted Message, Outcome Outcome)> Taken { get; } = [];

        public HashSet<string> Senders { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void Clear()
        {
            Taken.Clear();
            Senders.Clear();
            Updates = 0;
        }
    }

    private sealed class Report
    {
        public int Messages { get; set; }

        public long Updates { get; set; }

        public int Rejected { get; set; }

        public List<string> Lines { get; } = [];

        public List<string> Errors { get; } = [];
    }
}
