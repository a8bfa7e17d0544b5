namespace DirSync.Core.Scheduling;

/// <summary>What <c>dirsync schedule list</c> shows for one event.</summary>
/// <param name="Event">The event.</param>
/// <param name="Available">The store's roles give it the event.</param>
/// <param name="Schedule">Its schedule, or null when it has none.</param>
/// <param name="Last">The occurrence it last handled (run, failed or missed), or null.</param>
/// <param name="NextDue">When it runs next by its schedule — an occurrence still in its window when one is waiting — or null without a schedule.</param>
/// <param name="Kick">A kick waiting for the daemon, or null.</param>
public sealed record ScheduleStatus(CycleEvent Event, bool Available, Schedule? Schedule, DateTimeOffset? Last, DateTimeOffset? NextDue, KickRequest? Kick);
