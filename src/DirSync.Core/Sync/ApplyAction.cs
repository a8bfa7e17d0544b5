namespace DirSync.Core.Sync;

/// <summary>What applying one record did to the store.</summary>
public enum ApplyAction
{
    /// <summary>An object was created (or a custom recipient made here by hand was adopted).</summary>
    Added,

    /// <summary>An object was changed.</summary>
    Modified,

    /// <summary>An object was deleted.</summary>
    Deleted,

    /// <summary>Nothing needed to change.</summary>
    Unchanged,

    /// <summary>The policy refused the record: it would change an object its source does not own.</summary>
    Refused,

    /// <summary>The policy passes such records over without a word (the hub's records about this postoffice's own users).</summary>
    Ignored,
}
