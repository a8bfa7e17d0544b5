namespace DirSync.Core.Scheduling;

/// <summary>What running one cycle event did.</summary>
/// <param name="Event">The event.</param>
/// <param name="Summary">One line: each step and its counts, such as <c>requestor send: 1 message, 3 updates</c>.</param>
/// <param name="Lines">One line per message, requestor or step note, for the administrator.</param>
/// <param name="Errors">What failed without stopping the rest (a refused message, a reply that could not be written).</param>
public sealed record CycleRun(CycleEvent Event, string Summary, IReadOnlyList<string> Lines, IReadOnlyList<string> Errors)
{
    /// <summary>True when nothing failed.</summary>
    public bool Succeeded => Errors.Count == 0;
}
