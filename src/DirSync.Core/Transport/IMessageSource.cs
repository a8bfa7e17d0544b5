namespace DirSync.Core.Transport;

/// <summary>Where a receiver takes its messages from: a drop folder, or a server that keeps them until they are fetched.</summary>
/// <remarks>
/// A receiver claims each waiting message in turn as a local file, checks it, and then either completes it (its
/// effect is committed), rejects it (refused, with the reason) or releases it (held back by a safety guard, or
/// failed: the next run takes it up again). A message is gone from the source only once completed or rejected,
/// so a receiver that dies in between sees it again at its next run.
/// </remarks>
public interface IMessageSource
{
    /// <summary>Claims every waiting message, oldest first, each as a file the receiver may read more than once.</summary>
    /// <exception cref="DirSyncException">The source cannot be reached or read.</exception>
    IAsyncEnumerable<ClaimedMessage> ClaimAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a message whose effect is committed.</summary>
    ValueTask CompleteAsync(ClaimedMessage message, CancellationToken cancellationToken = default);

    /// <summary>Sets a refused message aside with the reason, so it is never taken in again.</summary>
    ValueTask RejectAsync(ClaimedMessage message, string reason, CancellationToken cancellationToken = default);

    /// <summary>Leaves a message for the next run (a safety guard held it back).</summary>
    ValueTask ReleaseAsync(ClaimedMessage message, CancellationToken cancellationToken = default);
}
