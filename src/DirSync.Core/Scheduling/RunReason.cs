namespace DirSync.Core.Scheduling;

/// <summary>Why the daemon ran an event.</summary>
public enum RunReason
{
    /// <summary>Its schedule's time came (or its run window passed, for a missed occurrence).</summary>
    Schedule,

    /// <summary>An administrator kicked it (<c>dirsync kick</c>).</summary>
    Kick,

    /// <summary>Messages arrived in the inbox between scheduled runs.</summary>
    Arrival,
}
