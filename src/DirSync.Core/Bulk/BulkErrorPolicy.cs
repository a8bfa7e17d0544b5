namespace DirSync.Core.Bulk;

/// <summary>What a bulk import does when a row is bad.</summary>
public enum BulkErrorPolicy
{
    /// <summary>Apply nothing: the whole file is one transaction, and the first bad row fails it.</summary>
    StopOnError,

    /// <summary>Apply the good rows and write the bad ones, with the reason, to a reject file.</summary>
    SkipErrors,
}
