using DirSync.Core.Events;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>Takes in every message waiting at a source (a drop folder, or a server over HTTP): checked first, applied in a transaction, removed only once committed.</summary>
/// <remarks>
/// A message that fails its checks, or whose work fails, is moved aside with its reason and an
/// event, and the others go on. A message a safety guard stopped stays claimed, so the next run
/// — with the administrator's permission — takes it up again.
/// </remarks>
internal static class Inbox
{
    /// <summary>Why a message is refused: its event code and a one-line reason.</summary>
    /// <param name="Code">The event code.</param>
    /// <param name="Reason">The one-line reason.</param>
    /// <param name="AlreadyTakenIn">Not refused but done: a run that died after committing its effect left it claimed; it is removed.</param>
    /// <param name="Sender">The registered sender the refusal is recorded against (its last error), or null.</param>
    public readonly record struct Refusal(int Code, string Reason, bool AlreadyTakenIn = false, string? Sender = null);

    /// <summary>What the checks of a message found: a refusal, or the checksum of the content they accepted (the only content that may be applied).</summary>
    public readonly record struct Verdict(Refusal? Refusal, string? Sha256)
    {
        /// <summary>Accepts the content whose checksum is <paramref name="sha256"/>.</summary>
        public static Verdict Accept(string sha256) => new(null, sha256);

        public static implicit operator Verdict(Refusal refusal) => new(refusal, null);
    }

    /// <summary>What taking a message in did.</summary>
    public readonly record struct Outcome(long Updates, string Line, string? Error = null);

    public static async Task<CycleReport> ProcessAsync(
        IDirectoryStore store,
        TimeProvider time,
        IMessageSource source,
        Func<ClaimedMessage, CancellationToken, Task<Verdict>> check,
        Func<ClaimedMessage, string, CancellationToken, Task<Outcome>> takeIn,
        CancellationToken cancellationToken,
        Func<IDirectoryTransaction, Refusal, CancellationToken, ValueTask>? recordRefusal = null)
    {
        var lines = new List<string>();
        var errors = new List<string>();
        int messages = 0, rejected = 0;
        long updates = 0;
        await foreach (var claimed in source.ClaimAsync(cancellationToken))
        {
            Verdict verdict;
            try
            {
                verdict = await check(claimed, cancellationToken);
            }
            catch (DirSyncException) when (!File.Exists(claimed.Path))
            {
                // A receiver running beside this one took it in and removed it meanwhile.
                continue;
            }

            if (verdict.Refusal is { } refusal)
            {
                if (refusal.AlreadyTakenIn)
                {
                    await source.CompleteAsync(claimed, cancellationToken);
                    lines.Add($"{claimed.Name}: {refusal.Reason}");
                    continue;
                }

                rejected++;
                await source.RejectAsync(claimed, $"{refusal.Code}: {refusal.Reason}", cancellationToken);
                lines.Add($"{claimed.Name}: refused — {refusal.Code}: {refusal.Reason}");
                errors.Add($"{claimed.Name} refused — {refusal.Code}: {refusal.Reason}");
                await using (var transaction = await store.BeginTransactionAsync(cancellationToken))
                {
                    await EventLog.WriteAsync(transaction, time, refusal.Code, EventSeverity.Error, $"{refusal.Code}: {refusal.Reason} (message {claimed.Name} moved to rejected/)", cancellationToken);
                    if (recordRefusal is not null)
                    {
                        await recordRefusal(transaction, refusal, cancellationToken);
                    }

                    await transaction.CommitAsync(cancellationToken);
                }

                continue;
            }

            Outcome outcome;
            try
            {
                outcome = await takeIn(claimed, verdict.Sha256!, cancellationToken);
            }
            catch (DirSyncException) when (!File.Exists(claimed.Path))
            {
                // As above: gone before it could be read, so another receiver has it.
                continue;
            }
            catch (StoreException)
            {
                // The store's trouble (busy, damaged, out of space), not the message's: it stays claimed for the next run.
                throw;
            }
            catch (DirSyncException e) when (e.Category == ErrorCategory.Guard)
            {
                // Left claimed: the next run takes it up again once the administrator allows the deletes.
                await source.ReleaseAsync(claimed, cancellationToken);
                errors.Add($"{claimed.Name}: {e.Message}");
                continue;
            }
            catch (DirSyncException e)
            {
                rejected++;
                await source.RejectAsync(claimed, e.Message, cancellationToken);
                errors.Add($"{claimed.Name}: {e.Message}");
                await EventLog.WriteAloneAsync(store, time, EventCodes.InvalidFormat, EventSeverity.Error, $"{EventCodes.InvalidFormat}: message {claimed.Name} could not be applied and was moved to rejected/: {e.Message}", cancellationToken);
                continue;
            }

            // Outside the catches above: its effect is committed, so a failure to remove it (a server that cannot
            // be reached to acknowledge it) must not set it aside as refused; the next run sees it again as done.
            await source.CompleteAsync(claimed, cancellationToken);
            messages++;
            updates += outcome.Updates;
            lines.Add(outcome.Line);
            if (outcome.Error is not null)
            {
                errors.Add(outcome.Error);
            }
        }

        return new CycleReport { Messages = messages, Updates = updates, Rejected = rejected, Lines = lines, Errors = errors };
    }
}
