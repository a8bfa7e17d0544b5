namespace DirSync.Core.Sync;

/// <summary>How an import runs.</summary>
public sealed record ImportOptions
{
    /// <summary>Plan only: report every step, then roll everything back.</summary>
    public bool DryRun { get; init; }

    /// <summary>Accept a full change set from a source other than the one the instance imports from (a replaced server).</summary>
    public bool AcceptNewSource { get; init; }

    /// <summary>How many deletions this run may make beyond the delete guard's limit; null for none.</summary>
    public long? AllowDeletes { get; init; }

    /// <summary>Told each step of the plan as it is decided (for printing a dry run); may be null.</summary>
    public Action<PlannedChange>? Observer { get; init; }

    /// <summary>Told how many records have been applied so far, as the import goes; may be null.</summary>
    public IProgress<long>? Progress { get; init; }
}
