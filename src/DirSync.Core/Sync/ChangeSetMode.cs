namespace DirSync.Core.Sync;

/// <summary>Whether a change set holds everything or only what changed.</summary>
public enum ChangeSetMode
{
    /// <summary>Every object in scope, as adds; an import reconciles (deletes what the source no longer has).</summary>
    Full,

    /// <summary>Only what changed after the watermark: adds, modifies and deletes.</summary>
    Incremental,
}
