using System.Text.Json.Serialization;
using DirSync.Core.Storage;

namespace DirSync.Core.Hub;

/// <summary>The dir-sync server's settings and numbers (the original's SRVCONF.GLB, server part).</summary>
[StoredSetting(1)]
public sealed record HubServerState
{
    /// <summary>The server postoffice's name, which requestors address their messages to.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The server's inbound drop folder.</summary>
    [JsonPropertyName("inbox")]
    public required string Inbox { get; init; }

    /// <summary>How many days the master log keeps updates (Keep Updates).</summary>
    [JsonPropertyName("keepUpdatesDays")]
    public int KeepUpdatesDays { get; init; } = 14;

    /// <summary>The number of the last update in the master log (the original's Sync).</summary>
    [JsonPropertyName("sync")]
    public long Sync { get; init; }

    /// <summary>The highest number purged from the master log; a requestor below it has missed updates.</summary>
    [JsonPropertyName("purgedThrough")]
    public long PurgedThrough { get; init; }

    /// <summary>The current Dir-Sync cycle: how many times T2 has sent replies.</summary>
    [JsonPropertyName("cycle")]
    public long Cycle { get; init; }

    /// <summary>The highest transaction number a resync snapshot told requestors to number above; a requestor's next message may start there.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonPropertyName("resyncFloor")]
    public long ResyncFloor { get; init; }

    /// <summary>The postoffice whose store took the server role over (<c>server take-over</c>); null while this store is the server.</summary>
    /// <remarks>A server handed over takes in and sends nothing more; its status still shows what it had.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("handedOverTo")]
    public string? HandedOverTo { get; init; }

    /// <summary>The identity of the store that took the role over.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("handedOverStore")]
    public Guid? HandedOverStore { get; init; }

    /// <summary>When the role was handed over.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("handedOverAt")]
    public DateTimeOffset? HandedOverAt { get; init; }
}
