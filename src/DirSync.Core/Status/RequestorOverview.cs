namespace DirSync.Core.Status;

/// <summary>This store's requestor role: its numbers and queues.</summary>
/// <param name="Name">Its postoffice name.</param>
/// <param name="Transport"><c>http</c> or <c>drop folder</c>.</param>
/// <param name="Server">The server's URL or inbound drop folder.</param>
/// <param name="Inbox">Its own inbound drop folder; null over HTTP.</param>
/// <param name="ServerName">The server postoffice, once a reply arrived; else null.</param>
/// <param name="ReqSync">The last of its transactions the server acknowledged.</param>
/// <param name="NextTransaction">The last transaction number queued.</param>
/// <param name="SrvSync">The master-log number received up to.</param>
/// <param name="ImpSync">How many imports it has asked for.</param>
/// <param name="Unacknowledged">Transactions waiting for the server's acknowledgement.</param>
/// <param name="WaitingForImport">Received updates waiting for <c>requestor import</c>.</param>
/// <param name="ApplyOnReceive">Replies are applied as they arrive.</param>
/// <param name="LastSent">When it last sent; null if never.</param>
/// <param name="LastReceived">When a reply last arrived; null if never.</param>
/// <param name="LastImported">When it last imported; null if never.</param>
/// <param name="LastServerError">The error of the last reply (138, 139), or null.</param>
public sealed record RequestorOverview(
    string Name,
    string Transport,
    string Server,
    string? Inbox,
    string? ServerName,
    long ReqSync,
    long NextTransaction,
    long SrvSync,
    long ImpSync,
    long Unacknowledged,
    long WaitingForImport,
    bool ApplyOnReceive,
    DateTimeOffset? LastSent,
    DateTimeOffset? LastReceived,
    DateTimeOffset? LastImported,
    string? LastServerError);
