namespace DirSync.Core.Storage;

/// <summary>One numbered entry of a store queue (a requestor's outbox, the server's master log, a requestor's inbound updates).</summary>
/// <param name="Number">Its number in the queue; numbers only grow.</param>
/// <param name="Origin">Who it came from (a postoffice name).</param>
/// <param name="Time">When it was queued.</param>
/// <param name="Payload">The entry itself, encoded by its owner.</param>
public sealed record QueueEntry(long Number, string Origin, DateTimeOffset Time, byte[] Payload);
