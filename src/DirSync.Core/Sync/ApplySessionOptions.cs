using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>How an <see cref="ApplySession"/> runs: what its input is called, whose it is, and how its deletions are guarded.</summary>
public sealed record ApplySessionOptions
{
    /// <summary>The input's name (a file, a message, a directory) for messages.</summary>
    public required string Input { get; init; }

    /// <summary>The source's readable name, for the delete guard's message.</summary>
    public required string Source { get; init; }

    /// <summary>How to raise the delete limit for good (a command), for the delete guard's message.</summary>
    public required string RaiseLimit { get; init; }

    /// <summary>The command that runs this work again allowing a number of deletions, for the delete guard's message; null to say it in words.</summary>
    public Func<long, string>? Retry { get; init; }

    /// <summary>The text of the event logged when the guard stops a real run, given the guard's message and the deletions it counted.</summary>
    public required Func<string, long, string> BlockedEvent { get; init; }

    /// <summary>Which objects count as owned by the source; null for every object of the policy's origin key.</summary>
    public RecipientFilter? OwnedFilter { get; init; }

    /// <summary>The delete guard's limit set for this source; null for the default.</summary>
    public long? DeleteLimit { get; init; }

    /// <summary>How many deletions this run may make beyond the guard's limit; null for none.</summary>
    public long? AllowDeletes { get; init; }

    /// <summary>Plan only: report every step, then roll everything back.</summary>
    public bool DryRun { get; init; }

    /// <summary>Told how many records the session has applied so far, as it goes (a progress indicator); may be null.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>Told each step as it is decided; may be null.</summary>
    public Action<PlannedChange>? Observer { get; init; }
}
