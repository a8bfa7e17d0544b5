namespace DirSync.Core.Scheduling;

/// <summary>A request to run an event at once (the original's Pause button), waiting for the daemon's next poll.</summary>
/// <param name="Event">The event to run.</param>
/// <param name="RequestedAt">When it was requested; the daemon clears the request only if no newer one replaced it.</param>
public sealed record KickRequest(CycleEvent Event, DateTimeOffset RequestedAt);
