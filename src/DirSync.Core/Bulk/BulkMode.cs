namespace DirSync.Core.Bulk;

/// <summary>What a bulk CSV row asks for: the values of its <c>Mode</c> column.</summary>
public enum BulkMode
{
    /// <summary>Create the recipient, or create it when its alias is free and change it otherwise (the default).</summary>
    Update,

    /// <summary>Create the recipient; its alias must be free.</summary>
    Create,

    /// <summary>Change an existing recipient: only the fields given change, <c>~DEL</c> clears one.</summary>
    Modify,

    /// <summary>Delete an existing recipient, leaving a tombstone.</summary>
    Delete,
}
