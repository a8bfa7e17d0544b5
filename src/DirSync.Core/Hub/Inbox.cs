using DirSync.Core.Events;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>Takes in every message waiting in a drop folder: checked first, applied in a transaction, removed only once committed.</summary>
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
    public readonly record struct Refusal(int Code, string Reason, bool AlreadyTakenIn = false);

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
        DropFolder folder,
        Func<ClaimedMessage, CancellationToken, Task<Verdict>> check,
        Func<ClaimedMessage, string, CancellationToken, Task<Outcome>> takeIn,
        CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var errors = new List<string>();
        int messages = 0, rejected = 0;
        long updates = 0;
        foreach (var claimed in folder.Claim())
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
                    DropFolder.Complete(claimed);
                    lines.Add($"{claimed.Name}: {refusal.Reason}");
                    continue;
                }

                rejected++;
                folder.Reject(claimed, $"{refusal.Code}: {refusal.Reason}");
                lines.Add($"{claimed.Name}: refused — {refusal.Code}: {refusal.Reason}");
                errors.Add($"{claimed.Name} refused — {refusal.Code}: {refusal.Reason}");
                await EventLog.WriteAloneAsync(store, time, refusal.Code, EventSeverity.Error, $"{refusal.Code}: {refusal.Reason} (message {claimed.Name} moved to rejected/)", cancellationToken);
                continue;
            }

            try
            {
                var outcome = await takeIn(claimed, verdict.Sha256!, cancellationToken);
                DropFolder.Complete(claimed);
                messages++;
                updates += outcome.Updates;
                lines.Add(outcome.Line);
                if (outcome.Error is not null)
                {
                    errors.Add(outcome.Error);
                }
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
                errors.Add($"{claimed.Name}: {e.Message}");
            }
            catch (DirSyncException e)
            {
                rejected++;
                folder.Reject(claimed, e.Message);
                errors.Add($"{claimed.Name}: {e.Message}");
                await EventLog.WriteAloneAsync(store, time, EventCodes.InvalidFormat, EventSeverity.Error, $"{EventCodes.InvalidFormat}: message {claimed.Name} could not be applied and was moved to rejected/: {e.Message}", cancellationToken);
            }
        }

        return new CycleReport { Messages = messages, Updates = updates, Rejected = rejected, Lines = lines, Errors = errors };
    }
}
