using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Status;

/// <summary>The overview of one store that <c>dirsync status</c>, the status page, <c>/api/status</c> and <c>/metrics</c> all show.</summary>
public sealed record StoreStatus
{
    /// <summary>When the overview was taken.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Who the store is.</summary>
    public required StoreInfo Store { get; init; }

    /// <summary>The store's highest USN.</summary>
    public required long HighestUsn { get; init; }

    /// <summary>The store's roles: <c>server</c>, <c>requestor</c>, <c>instances</c> (in that order, those it has).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>How many live recipients of each class the directory holds.</summary>
    public required RecipientCounts Recipients { get; init; }

    /// <summary>The dir-sync server role, or null.</summary>
    public ServerOverview? Server { get; init; }

    /// <summary>The requestor role, or null.</summary>
    public RequestorOverview? Requestor { get; init; }

    /// <summary>The instances, by name.</summary>
    public required IReadOnlyList<InstanceOverview> Instances { get; init; }

    /// <summary>The last run of each cycle step and instance.</summary>
    public required IReadOnlyList<RunRecord> Runs { get; init; }

    /// <summary>The Global Address List.</summary>
    public required GalOverview Gal { get; init; }

    /// <summary>The newest events, oldest first, whole.</summary>
    public required IReadOnlyList<EventRecord> Events { get; init; }

    /// <summary>How many events of each code the log holds.</summary>
    public required IReadOnlyDictionary<int, long> EventCounts { get; init; }
}
