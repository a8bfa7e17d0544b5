using System.Text.Json.Serialization;
using DirSync.Core.Storage;

namespace DirSync.Core.Hub;

/// <summary>A requestor's own settings and numbers (the original's REQCONF.GLB).</summary>
[StoredSetting(1)]
public sealed record RequestorState
{
    /// <summary>This postoffice's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>This postoffice's inbound drop folder; null when it fetches its replies from <see cref="ServerUrl"/>.</summary>
    [JsonPropertyName("inbox")]
    public required string? Inbox { get; init; }

    /// <summary>The server's inbound drop folder; null when messages go to <see cref="ServerUrl"/>.</summary>
    [JsonPropertyName("serverInbox")]
    public required string? ServerInbox { get; init; }

    /// <summary>The URL of the server's <c>dirsync serve</c>, which messages are posted to and replies fetched from; null with drop folders.</summary>
    [JsonPropertyName("serverUrl")]
    public string? ServerUrl { get; init; }

    /// <summary>The key derived from the password (never the password).</summary>
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    /// <summary>Which address of a foreign entry becomes its target address (default SMTP; else its first primary address).</summary>
    [JsonPropertyName("addressType")]
    public string AddressType { get; init; } = "SMTP";

    /// <summary>Apply replies as they arrive, as Exchange's directory exchange agent did (no T3 import).</summary>
    [JsonPropertyName("applyOnReceive")]
    public bool ApplyOnReceive { get; init; }

    /// <summary>The delete guard's limit for the server's updates; null for the default.</summary>
    [JsonPropertyName("deleteLimit")]
    public long? DeleteLimit { get; init; }

    /// <summary>The server postoffice's name, learned from its first reply.</summary>
    [JsonPropertyName("serverName")]
    public string? ServerName { get; init; }

    /// <summary>The server store's identity, learned from its first reply; replies from another store are refused.</summary>
    [JsonPropertyName("serverIdentity")]
    public Guid? ServerIdentity { get; init; }

    /// <summary>The highest transaction number the server has acknowledged (ReqSync).</summary>
    [JsonPropertyName("reqSync")]
    public long ReqSync { get; init; }

    /// <summary>The number of the last transaction queued to send (REQTRANS's ReqSync).</summary>
    [JsonPropertyName("nextTransaction")]
    public long NextTransaction { get; init; }

    /// <summary>The master-log number received up to (SrvSync).</summary>
    [JsonPropertyName("srvSync")]
    public long SrvSync { get; init; }

    /// <summary>How many imports this requestor has asked for.</summary>
    [JsonPropertyName("impSync")]
    public long ImpSync { get; init; }

    /// <summary>The USN up to which local changes have been queued as transactions.</summary>
    [JsonPropertyName("captureUsn")]
    public long CaptureUsn { get; init; }

    /// <summary>The next message asks the server for every address list (an Import).</summary>
    [JsonPropertyName("importRequested")]
    public bool ImportRequested { get; init; }

    /// <summary>A full list (an Export) is queued, up to this transaction number, and not yet acknowledged; 0 when none.</summary>
    [JsonPropertyName("exportThrough")]
    public long ExportThrough { get; init; }

    /// <summary>Inbound transactions from this number to <see cref="FullBatchLast"/> are a full reply: importing them replaces the foreign lists.</summary>
    [JsonPropertyName("fullBatchFirst")]
    public long FullBatchFirst { get; init; }

    /// <summary>The last inbound transaction of the full reply waiting to be imported; 0 when none.</summary>
    [JsonPropertyName("fullBatchLast")]
    public long FullBatchLast { get; init; }

    /// <summary>The number of the last inbound transaction queued for import.</summary>
    [JsonPropertyName("inboundLast")]
    public long InboundLast { get; init; }

    /// <summary>Replies were applied on receipt and the GAL has not been rebuilt since (the run that applied them died first).</summary>
    [JsonPropertyName("galRebuildPending")]
    public bool GalRebuildPending { get; init; }

    /// <summary>When the last message was sent.</summary>
    [JsonPropertyName("lastSent")]
    public DateTimeOffset? LastSent { get; init; }

    /// <summary>When the last reply was received.</summary>
    [JsonPropertyName("lastReceived")]
    public DateTimeOffset? LastReceived { get; init; }

    /// <summary>When updates were last imported.</summary>
    [JsonPropertyName("lastImported")]
    public DateTimeOffset? LastImported { get; init; }

    /// <summary>How many times this requestor's numbers were reset on purpose; its messages carry it.</summary>
    [JsonPropertyName("generation")]
    public long Generation { get; init; }

    /// <summary>When the numbers were last reset: replies written before then are superseded by the import the reset asked for.</summary>
    [JsonPropertyName("resetAt")]
    public DateTimeOffset? ResetAt { get; init; }

    /// <summary>Whether T1 also sends what this store imported by its instances (a gateway's users), as MS Mail's requestor types sent gateway names.</summary>
    [JsonPropertyName("relay")]
    public bool Relay { get; init; }

    /// <summary>The next T1 sends the whole local list (an Export), because what it sends changed (relaying was turned on or off).</summary>
    [JsonPropertyName("exportPending")]
    public bool ExportPending { get; init; }

    /// <summary>The last error the server reported (such as 138 missing transactions), until a reply without one arrives.</summary>
    [JsonPropertyName("lastServerError")]
    public string? LastServerError { get; init; }
}
