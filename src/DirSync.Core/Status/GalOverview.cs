namespace DirSync.Core.Status;

/// <summary>The Global Address List: when it was rebuilt and whether the directory changed since.</summary>
/// <param name="Entries">How many entries it holds.</param>
/// <param name="RebuiltAt">When it was last rebuilt; null when no rebuild was recorded.</param>
/// <param name="Stale">True when recipients changed since the last rebuild (or none was recorded while there are recipients): 'dirsync gal rebuild' brings it up to date.</param>
/// <param name="ChangesSince">How many USNs the directory moved on since the rebuild; null when no rebuild was recorded.</param>
public sealed record GalOverview(long Entries, DateTimeOffset? RebuiltAt, bool Stale, long? ChangesSince);
