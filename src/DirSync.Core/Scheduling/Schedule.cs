using System.Globalization;

namespace DirSync.Core.Scheduling;

/// <summary>When a cycle event runs: at one time of day on some days of the week, with a run window (the original's <c>T1 Mon 18:00</c>).</summary>
/// <remarks>
/// Times are wall-clock times in a time zone the caller gives (the machine's own, for the daemon).
/// An occurrence may start any time in its run window; once the window has passed it is missed,
/// logged once, and waits for the next occurrence.
/// </remarks>
public sealed partial record Schedule
{
    /// <summary>The run window when none is given: an hour.</summary>
    public const int DefaultWindowMinutes = 60;

    /// <summary>The longest run window: a week.</summary>
    public const int MaxWindowMinutes = 7 * 24 * 60;

    private const int EveryDay = 0b111_1111;

    // One bit per DayOfWeek (Sunday = bit 0), so records with the same days compare equal.
    private readonly int _days;

    /// <summary>Creates a schedule.</summary>
    /// <exception cref="ArgumentException">No day is given, or the event or the window is out of range.</exception>
    public Schedule(CycleEvent @event, IEnumerable<DayOfWeek> days, TimeOnly time, int windowMinutes = DefaultWindowMinutes)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (!Enum.IsDefined(@event))
        {
            throw new ArgumentOutOfRangeException(nameof(@event), @event, "not a cycle event");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(windowMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowMinutes, MaxWindowMinutes);
        foreach (var day in days)
        {
            if (!Enum.IsDefined(day))
            {
                throw new ArgumentOutOfRangeException(nameof(days), day, "not a day of the week");
            }

            _days |= 1 << (int)day;
        }

        if (_days == 0)
        {
            throw new ArgumentException("a schedule needs at least one day", nameof(days));
        }

        Event = @event;
        Time = new TimeOnly(time.Hour, time.Minute);
        WindowMinutes = windowMinutes;
    }

    /// <summary>The event that runs.</summary>
    public CycleEvent Event { get; }

    /// <summary>The days of the week it runs on.</summary>
    public IReadOnlySet<DayOfWeek> Days => Enum.GetValues<DayOfWeek>().Where(RunsOn).ToHashSet();

    /// <summary>The time of day it runs at, to the minute.</summary>
    public TimeOnly Time { get; }

    /// <summary>How many minutes after its time an occurrence may still start.</summary>
    public int WindowMinutes { get; }

    /// <summary>The run window.</summary>
    public TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);

    /// <summary>The IANA name of the time zone whose wall clock the schedule follows (the zone it was set in); null for the reader's own zone.</summary>
    /// <remarks>Stored with the schedule, so a daemon started in another zone still runs it at the hour it was set for.</remarks>
    public string? TimeZoneId { get; init; }

    /// <summary>When the schedule was set; occurrences before it never run. Null for a schedule not yet stored.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The days as <c>daily</c>, <c>weekdays</c>, <c>weekends</c> or a list such as <c>mon,wed,fri</c>.</summary>
    public string DaysText => _days switch
    {
        EveryDay => "daily",
        WeekdayBits => "weekdays",
        WeekendBits => "weekends",
        _ => string.Join(',', WeekOrder.Where(RunsOn).Select(d => DayNames[d])),
    };

    /// <summary>The time as <c>HH:MM</c>.</summary>
    public string TimeText => Time.ToString("HH':'mm", CultureInfo.InvariantCulture);

    /// <summary>True when the schedule runs on <paramref name="day"/>.</summary>
    public bool RunsOn(DayOfWeek day) => (_days & (1 << (int)day)) != 0;

    /// <summary>The event, days and time, as <c>schedule set</c> takes them: <c>T1 weekdays 18:00</c>.</summary>
    public override string ToString() => $"{Event} {DaysText} {TimeText}";
}
