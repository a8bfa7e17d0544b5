namespace DirSync.Core.Transport;

/// <summary>A message being written: first to a local file, then handed to its receiver by <see cref="DeliverAsync"/>.</summary>
/// <remarks>Disposing a message that was not delivered removes what was written; nothing reaches the receiver.</remarks>
public interface IOutgoingMessage : IDisposable
{
    /// <summary>The stream the message is written to.</summary>
    Stream Stream { get; }

    /// <summary>Makes the content durable locally: what can fail for want of space fails here, before the sender commits its state.</summary>
    void Flush();

    /// <summary>Hands the message to its receiver: renamed into the drop folder, or sent to the server.</summary>
    /// <exception cref="DirSyncException">The receiver could not be reached, or refused the message.</exception>
    Task DeliverAsync(CancellationToken cancellationToken = default);
}
