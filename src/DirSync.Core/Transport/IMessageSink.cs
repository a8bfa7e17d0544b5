namespace DirSync.Core.Transport;

/// <summary>Where a sender delivers its messages: the receiver's drop folder, or a server over HTTP.</summary>
public interface IMessageSink
{
    /// <summary>Starts a new message; write it, flush it, and deliver it once the state that speaks for it is committed.</summary>
    /// <param name="now">The time the message is written, which orders messages in a drop folder.</param>
    /// <exception cref="DirSyncException">The destination cannot be written.</exception>
    IOutgoingMessage Create(DateTimeOffset now);
}
