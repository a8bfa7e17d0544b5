namespace DirSync.Core.Hub;

/// <summary>The dir-sync server's settings and numbers (the original's SRVCONF.GLB, server part).</summary>
public sealed record HubServerState
{
    /// <summary>The server postoffice's name, which requestors address their messages to.</summary>
    public required string Name { get; init; }

    /// <summary>The server's inbound drop folder.</summary>
    public required string Inbox { get; init; }

    /// <summary>How many days the master log keeps updates (Keep Updates).</summary>
    public int KeepUpdatesDays { get; init; } = 14;

    /// <summary>The number of the last update in the master log (the original's Sync).</summary>
    public long Sync { get; init; }

    /// <summary>The highest number purged from the master log; a requestor below it has missed updates.</summary>
    public long PurgedThrough { get; init; }

    /// <summary>The current Dir-Sync cycle: how many times T2 has sent replies.</summary>
    public long Cycle { get; init; }

    /// <summary>The highest transaction number a resync snapshot told requestors to number above; a requestor's next message may start there.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public long ResyncFloor { get; init; }

    /// <summary>The postoffice whose store took the server role over (<c>server take-over</c>); null while this store is the server.</summary>
    /// <remarks>A server handed over takes in and sends nothing more; its status still shows what it had.</remarks>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? HandedOverTo { get; init; }

    /// <summary>The identity of the store that took the role over.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Guid? HandedOverStore { get; init; }

    /// <summary>When the role was handed over.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? HandedOverAt { get; init; }
}
