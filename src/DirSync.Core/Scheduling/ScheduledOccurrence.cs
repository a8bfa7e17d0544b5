namespace DirSync.Core.Scheduling;

/// <summary>An occurrence of a schedule not handled yet: due to run, or missed when its run window has passed.</summary>
/// <param name="Schedule">The schedule.</param>
/// <param name="Occurrence">When it was to run, in UTC.</param>
/// <param name="Missed">Its run window passed before it started; it is logged and not run.</param>
public sealed record ScheduledOccurrence(Schedule Schedule, DateTimeOffset Occurrence, bool Missed)
{
    /// <summary>The event that runs.</summary>
    public CycleEvent Event => Schedule.Event;

    /// <summary>The end of the run window: from then on the occurrence is missed.</summary>
    public DateTimeOffset WindowEnd => Occurrence + Schedule.Window;
}
