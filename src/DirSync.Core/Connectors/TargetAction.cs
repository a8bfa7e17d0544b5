namespace DirSync.Core.Connectors;

/// <summary>What a directory target did for one change.</summary>
public enum TargetAction
{
    /// <summary>Created the entry.</summary>
    Added,

    /// <summary>Renamed, moved or changed the entry (or re-created one deleted by hand).</summary>
    Modified,

    /// <summary>Deleted the entry.</summary>
    Deleted,

    /// <summary>The entry was already as it should be.</summary>
    Unchanged,

    /// <summary>The directory refused the change; <see cref="TargetOutcome.Reason"/> says why.</summary>
    Refused,
}
