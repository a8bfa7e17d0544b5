namespace DirSync.Core.Hub;

/// <summary>A requestor as the server knows it (the original's SRVCONF.GLB, per requestor).</summary>
public sealed record RegisteredRequestor
{
    /// <summary>The requestor's postoffice name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the server drops its replies: the requestor's inbox, or, when it fetches them over HTTP, a folder the server keeps for it.</summary>
    public required string Inbox { get; init; }

    /// <summary>The requestor fetches its replies from <c>dirsync serve</c>: they wait in <see cref="Inbox"/>, on the server, until it acknowledges them.</summary>
    public bool FetchesReplies { get; init; }

    /// <summary>The key derived from the requestor's password (never the password).</summary>
    public required string Key { get; init; }

    /// <summary>The highest requestor transaction number the server has taken in (its copy of ReqSync).</summary>
    public long ReqSync { get; init; }

    /// <summary>The master-log number the server last replied up to.</summary>
    public long SrvSync { get; init; }

    /// <summary>The SrvSync the requestor reported in its last message: what it confirms it has received.</summary>
    public long ReportedSrvSync { get; init; }

    /// <summary>How many imports the requestor has asked for.</summary>
    public long ImpSync { get; init; }

    /// <summary>The cycle of the last reply.</summary>
    public long LastCycle { get; init; }

    /// <summary>When the last message from the requestor was taken in.</summary>
    public DateTimeOffset? LastUpdateReceived { get; init; }

    /// <summary>A message arrived since the last reply, so the next T2 replies to this requestor.</summary>
    public bool ReplyPending { get; init; }

    /// <summary>The requestor asked for its address lists in full (an Import).</summary>
    public bool ImportRequested { get; init; }

    /// <summary>The delete guard's limit for this requestor's updates; null for the default.</summary>
    public long? DeleteLimit { get; init; }

    /// <summary>The highest master-log number purged that came from another postoffice: what this requestor would lack if it has not received it; null before the first purge since it was registered.</summary>
    /// <remarks>Its own updates purged from the log are never missing for it: it does not receive them back.</remarks>
    public long? ForeignPurgedThrough { get; init; }

    /// <summary>The generation of the requestor's numbers the server works with (see <see cref="HubMessage.Generation"/>).</summary>
    public long Generation { get; init; }

    /// <summary>When the requestor was reset here (<c>server reset-requestor</c>): messages written before then are refused, and one from a newly reset requestor is accepted.</summary>
    public DateTimeOffset? ResetAt { get; init; }

    /// <summary>The id of the last message taken in, to refuse the same message twice.</summary>
    public string? LastMessageId { get; init; }

    /// <summary>When the requestor last reached the server over HTTP (a message accepted, a reply fetched); null if never.</summary>
    public DateTimeOffset? LastContact { get; init; }

    /// <summary>The last message or request from it that the server refused; null if none.</summary>
    public RefusalRecord? LastRefusal { get; init; }
}
