using DirSync.Core.Events;
using DirSync.Core.Hub;

namespace DirSync.Core.Scheduling;

/// <summary>One thing the daemon did, as it logged it: an event run, failed or missed.</summary>
/// <param name="Time">When it finished.</param>
/// <param name="Event">The event.</param>
/// <param name="Reason">Why it ran.</param>
/// <param name="Code">The event-log code written: <see cref="EventCodes.ScheduleRan"/>, <see cref="EventCodes.ScheduleFailed"/> or <see cref="EventCodes.ScheduleMissed"/>.</param>
/// <param name="Summary">The one line logged.</param>
/// <param name="Lines">One line per message, requestor or step note.</param>
public sealed record DaemonRun(DateTimeOffset Time, CycleEvent Event, RunReason Reason, int Code, string Summary, IReadOnlyList<string> Lines)
{
    /// <summary>True when the event ran and nothing failed.</summary>
    public bool Succeeded => Code == EventCodes.ScheduleRan;
}
