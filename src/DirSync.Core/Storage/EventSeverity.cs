namespace DirSync.Core.Storage;

/// <summary>How much an event matters; the diagnostic level decides which are kept.</summary>
/// <remarks>The numeric values are persisted; never renumber them.</remarks>
public enum EventSeverity
{
    /// <summary>Something failed or was refused.</summary>
    Error = 1,

    /// <summary>Something worth a look that did not fail.</summary>
    Warning = 2,

    /// <summary>A summary: messages sent and received, imports, rebuilds.</summary>
    Information = 3,

    /// <summary>Per-message detail.</summary>
    Detail = 4,
}
