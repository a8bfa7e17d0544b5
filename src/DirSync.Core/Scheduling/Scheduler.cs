using System.Globalization;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Storage;

namespace DirSync.Core.Scheduling;

/// <summary>Decides which scheduled events are due, in one time zone's wall-clock time.</summary>
/// <remarks>
/// An event is due when the most recent occurrence of its schedule at or before now has not been
/// handled yet, and came no earlier than the schedule was set. Only that most recent occurrence
/// counts: a daemon stopped for a week runs nothing twice. Once an occurrence's run window has
/// passed it is missed: logged once (event <see cref="EventCodes.ScheduleMissed"/>) and not run.
/// </remarks>
public sealed class Scheduler
{
    /// <summary>Creates a scheduler for the wall clock of <paramref name="zone"/> (the machine's own when null).</summary>
    public Scheduler(TimeZoneInfo? zone = null)
    {
        Zone = zone ?? TimeZoneInfo.Local;
    }

    /// <summary>The time zone of schedules that name none, and of times shown.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The zone whose wall clock <paramref name="schedule"/> follows: its own, else <see cref="Zone"/>.</summary>
    /// <exception cref="DirSyncException">The schedule names a zone this machine does not know.</exception>
    public TimeZoneInfo ZoneOf(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.TimeZoneId is not { } id || id == Zone.Id)
        {
            return Zone;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new DirSyncException(
                $"{schedule.Event}'s schedule follows the time zone '{id}', which this machine does not know; install its time zone data, or set the schedule again with '{CommandHints.ScheduleSet(schedule.Event)}'",
                ErrorCategory.Store,
                e);
        }
    }

    /// <summary>The occurrence of <paramref name="schedule"/> waiting at <paramref name="now"/>, or null when there is none.</summary>
    /// <param name="schedule">The schedule (its <see cref="Schedule.Since"/> bounds how far back occurrences count).</param>
    /// <param name="last">The occurrence last handled, or null.</param>
    /// <param name="now">The moment to decide at.</param>
    public ScheduledOccurrence? Pending(Schedule schedule, DateTimeOffset? last, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var occurrence = schedule.LastOccurrence(now, ZoneOf(schedule));
        if (occurrence < schedule.Since || occurrence <= last)
        {
            return null;
        }

        return new ScheduledOccurrence(schedule, occurrence, now >= occurrence + schedule.Window);
    }

    /// <summary>The occurrences waiting at <paramref name="now"/>, due or missed, in cycle order.</summary>
    public async ValueTask<IReadOnlyList<ScheduledOccurrence>> DueAsync(IDirectoryReader reader, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var waiting = new List<ScheduledOccurrence>();
        foreach (var schedule in await ScheduleStore.ListAsync(reader, cancellationToken))
        {
            if (Pending(schedule, await ScheduleStore.LastAsync(reader, schedule.Event, cancellationToken), now) is { } occurrence)
            {
                waiting.Add(occurrence);
            }
        }

        return waiting;
    }

    /// <summary>Logs a missed occurrence (event <see cref="EventCodes.ScheduleMissed"/>) and marks it handled, in one transaction.</summary>
    /// <returns>The message logged.</returns>
    public async Task<string> RecordMissedAsync(IDirectoryStore store, ScheduledOccurrence missed, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(missed);
        ArgumentNullException.ThrowIfNull(time);
        var message = $"{missed.Event} missed its run of {Format(missed.Occurrence)}: nothing started it within its {missed.Schedule.WindowMinutes}-minute window " +
            $"(was the daemon stopped?); it runs next at {Format(missed.Schedule.NextOccurrence(time.GetUtcNow(), ZoneOf(missed.Schedule)))}, or kick it with '{CommandHints.Kick(missed.Event)}'";
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        await ScheduleStore.SetLastAsync(transaction, missed.Event, missed.Occurrence, cancellationToken);
        await EventLog.WriteAsync(transaction, time, EventCodes.ScheduleMissed, EventSeverity.Warning, message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return message;
    }

    /// <summary>Each event's schedule, last and next occurrence and waiting kick: every event the store has or has a schedule for, in cycle order.</summary>
    public async ValueTask<IReadOnlyList<ScheduleStatus>> StatusAsync(IDirectoryReader reader, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var available = await CycleEvents.AvailableAsync(reader, cancellationToken);
        var kicks = await ScheduleStore.KicksAsync(reader, cancellationToken);
        var rows = new List<ScheduleStatus>();
        foreach (var @event in Enum.GetValues<CycleEvent>())
        {
            var schedule = await ScheduleStore.GetAsync(reader, @event, cancellationToken);
            var kick = kicks.FirstOrDefault(k => k.Event == @event);
            if (schedule is null && kick is null && !available.Contains(@event))
            {
                continue;
            }

            var last = await ScheduleStore.LastAsync(reader, @event, cancellationToken);
            DateTimeOffset? next = null;
            if (schedule is not null)
            {
                next = Pending(schedule, last, now) is { Missed: false } waiting ? waiting.Occurrence : schedule.NextOccurrence(now, ZoneOf(schedule));
            }

            rows.Add(new ScheduleStatus(@event, available.Contains(@event), schedule, last, next, kick));
        }

        return rows;
    }

    /// <summary>A moment in this scheduler's zone, for people: <c>Mon 2026-01-12 18:00 +01:00</c>.</summary>
    public string Format(DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time, Zone).ToString("ddd yyyy'-'MM'-'dd HH':'mm zzz", CultureInfo.InvariantCulture);
}
