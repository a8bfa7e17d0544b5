using System.Text.Json.Serialization;
using DirSync.Core.Storage;

namespace DirSync.Core.Hub;

/// <summary>A requestor as the server knows it (the original's SRVCONF.GLB, per requestor).</summary>
[StoredSetting(1)]
public sealed record RegisteredRequestor
{
    /// <summary>The requestor's postoffice name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Where the server drops its replies: the requestor's inbox, or, when it fetches them over HTTP, a folder the server keeps for it.</summary>
    [JsonPropertyName("inbox")]
    public required string Inbox { get; init; }

    /// <summary>The requestor fetches its replies from <c>dirsync serve</c>: they wait in <see cref="Inbox"/>, on the server, until it acknowledges them.</summary>
    [JsonPropertyName("fetchesReplies")]
    public bool FetchesReplies { get; init; }

    /// <summary>The key derived from the requestor's password (never the password).</summary>
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    /// <summary>The highest requestor transaction number the server has taken in (its copy of ReqSync).</summary>
    [JsonPropertyName("reqSync")]
    public long ReqSync { get; init; }

    /// <summary>The master-log number the server last replied up to.</summary>
    [JsonPropertyName("srvSync")]
    public long SrvSync { get; init; }

    /// <summary>The SrvSync the requestor reported in its last message: what it confirms it has received.</summary>
    [JsonPropertyName("reportedSrvSync")]
    public long ReportedSrvSync { get; init; }

    /// <summary>How many imports the requestor has asked for.</summary>
    [JsonPropertyName("impSync")]
    public long ImpSync { get; init; }

    /// <summary>The cycle of the last reply.</summary>
    [JsonPropertyName("lastCycle")]
    public long LastCycle { get; init; }

    /// <summary>When the last message from the requestor was taken in.</summary>
    [JsonPropertyName("lastUpdateReceived")]
    public DateTimeOffset? LastUpdateReceived { get; init; }

    /// <summary>A message arrived since the last reply, so the next T2 replies to this requestor.</summary>
    [JsonPropertyName("replyPending")]
    public bool ReplyPending { get; init; }

    /// <summary>The requestor asked for its address lists in full (an Import).</summary>
    [JsonPropertyName("importRequested")]
    public bool ImportRequested { get; init; }

    /// <summary>The delete guard's limit for this requestor's updates; null for the default.</summary>
    [JsonPropertyName("deleteLimit")]
    public long? DeleteLimit { get; init; }

    /// <summary>The highest master-log number purged that came from another postoffice: what this requestor would lack if it has not received it; null before the first purge since it was registered.</summary>
    /// <remarks>Its own updates purged from the log are never missing for it: it does not receive them back.</remarks>
    [JsonPropertyName("foreignPurgedThrough")]
    public long? ForeignPurgedThrough { get; init; }

    /// <summary>The generation of the requestor's numbers the server works with (see <see cref="HubMessage.Generation"/>).</summary>
    [JsonPropertyName("generation")]
    public long Generation { get; init; }

    /// <summary>When the requestor was reset here (<c>server reset-requestor</c>): messages written before then are refused, and one from a newly reset requestor is accepted.</summary>
    [JsonPropertyName("resetAt")]
    public DateTimeOffset? ResetAt { get; init; }

    /// <summary>The id of the last message taken in, to refuse the same message twice.</summary>
    [JsonPropertyName("lastMessageId")]
    public string? LastMessageId { get; init; }

    /// <summary>When the requestor last reached the server over HTTP (a message accepted, a reply fetched); null if never.</summary>
    [JsonPropertyName("lastContact")]
    public DateTimeOffset? LastContact { get; init; }

    /// <summary>The last message or request from it that the server refused; null if none.</summary>
    [JsonPropertyName("lastRefusal")]
    public RefusalRecord? LastRefusal { get; init; }
}
