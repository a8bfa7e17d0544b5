namespace DirSync.Core.Sync;

/// <summary>What a change record does to its object.</summary>
public enum ChangeKind
{
    /// <summary>Creates the object (A).</summary>
    Add,

    /// <summary>Replaces the carried attributes of the object (M).</summary>
    Modify,

    /// <summary>Deletes the object (D).</summary>
    Delete,
}
