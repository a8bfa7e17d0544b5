namespace DirSync.Core.Events;

/// <summary>How much the event log keeps (the original's diagnostic logging level).</summary>
public enum EventLevel
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>Errors only.</summary>
    Minimum,

    /// <summary>Errors, warnings and summaries (the default).</summary>
    Medium,

    /// <summary>Everything, per-message detail included.</summary>
    Maximum,
}
