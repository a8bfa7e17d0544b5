namespace DirSync.Core.Scheduling;

public sealed partial record Schedule
{
    /// <summary>The most recent occurrence at or before <paramref name="now"/>, in UTC.</summary>
    /// <param name="now">The moment to look back from.</param>
    /// <param name="zone">The time zone whose wall clock the schedule follows.</param>
    public DateTimeOffset LastOccurrence(DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

        // Eight days back covers a schedule whose one day is today, with today's time still to come.
        for (var back = 0; back <= 7; back++)
        {
            var date = today.AddDays(-back);
            if (RunsOn(date.DayOfWeek) && At(date, Time, zone) is var instant && instant <= now)
            {
                return instant;
            }
        }

        throw new InvalidOperationException("a schedule with a day always has an occurrence within eight days");
    }

    /// <summary>The first occurrence after <paramref name="after"/>, in UTC.</summary>
    /// <param name="after">The moment to look forward from.</param>
    /// <param name="zone">The time zone whose wall clock the schedule follows.</param>
    public DateTimeOffset NextOccurrence(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(after, zone).DateTime);
        for (var ahead = 0; ahead <= 7; ahead++)
        {
            var date = today.AddDays(ahead);
            if (RunsOn(date.DayOfWeek) && At(date, Time, zone) is var instant && instant > after)
            {
                return instant;
            }
        }

        throw new InvalidOperationException("a schedule with a day always has an occurrence within eight days");
    }

    /// <summary>The instant a wall-clock time falls on in a zone, in UTC.</summary>
    /// <remarks>
    /// A time the clocks skip (02:30 when they spring forward from 02:00 to 03:00) is moved forward by
    /// the length of the gap (to 03:30): it keeps the offset in force before the change. A time that
    /// happens twice (when the clocks fall back) is its first happening, so it runs once.
    /// </remarks>
    public static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // No real zone changes its offset twice within three hours.
            offset = zone.GetUtcOffset(local.AddHours(-3));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }
}
