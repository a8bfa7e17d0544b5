namespace DirSync.Core.Connectors;

/// <summary>What an export asks of a directory for one object.</summary>
public enum TargetChangeKind
{
    /// <summary>Create the entry (the object has none there yet).</summary>
    Create,

    /// <summary>Bring the owned entry in line: rename or move it, replace its managed attributes.</summary>
    Update,

    /// <summary>Delete the owned entry.</summary>
    Delete,
}
