namespace DirSync.Core.Sync;

/// <summary>What an instance does when it runs (the original's /EXPORT, /IMPORT, /BOTH).</summary>
/// <remarks>The numeric values are persisted; never renumber them.</remarks>
[Flags]
public enum InstanceDirection
{
    /// <summary>Writes the store's changes to a file.</summary>
    Export = 1,

    /// <summary>Applies a file's changes to the store.</summary>
    Import = 2,

    /// <summary>Exports, then imports.</summary>
    Both = Export | Import,
}
