using DirSync.Core;
using DirSync.Core.Scheduling;

namespace DirSync.Tests.Scheduling;

public sealed class ScheduleTests
{
    private const string DaysHelp = "use daily, weekdays, weekends, or days separated by commas such as mon,wed,fri (mon tue wed thu fri sat sun, or full names such as monday; any case)";

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("daily", "daily")]
    [InlineData("DAILY", "daily")]
    [InlineData("weekdays", "weekdays")]
    [InlineData("Weekends", "weekends")]
    [InlineData("mon", "mon")]
    [InlineData("mon,wed,fri", "mon,wed,fri")]
    [InlineData("FRI,Mon,wed", "mon,wed,fri")]
    [InlineData("monday,Tuesday,WEDNESDAY,thursday,friday", "weekdays")]
    [InlineData("sat,sunday", "weekends")]
    [InlineData(" mon , tue ", "mon,tue")]
    [InlineData("sun,mon,tue,wed,thu,fri,sat", "daily")]
    [InlineData("thu,thursday", "thu")]
    public void Parse_AcceptedDays_AreReadInWeekOrder(string days, string expected)
    {
        var schedule = Schedule.Parse(CycleEvent.T1, days, "18:00");

        Assert.Equal(expected, schedule.DaysText);
        Assert.Equal($"T1 {expected} 18:00", schedule.ToString());
    }

    [Fact]
    public void ParseDays_Groups_NameTheirDays()
    {
        Assert.Equal(7, Schedule.ParseDays("daily").Count);
        Assert.Equal(
            [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
            Schedule.ParseDays("weekdays").Order());
        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Saturday], Schedule.ParseDays("weekends").Order());
    }

    [Theory]
    [InlineData("", $"no days given: {DaysHelp}")]
    [InlineData("  ", $"no days given: {DaysHelp}")]
    [InlineData("mon,,fri", $"invalid days 'mon,,fri': an empty day between commas; {DaysHelp}")]
    [InlineData("mon,", $"invalid days 'mon,': an empty day between commas; {DaysHelp}")]
    [InlineData("thurs", $"unknown day 'thurs' in 'thurs' (did you mean 'thu'?); {DaysHelp}")]
    [InlineData("mon,xyzzy", $"unknown day 'xyzzy' in 'mon,xyzzy'; {DaysHelp}")]
    [InlineData("mon-fri", $"unknown day 'mon-fri' in 'mon-fri'; {DaysHelp}")]
    [InlineData("weekday", $"unknown day 'weekday' in 'weekday' (did you mean 'weekdays'?); {DaysHelp}")]
    public void ParseDays_Invalid_SaysWhatIsAccepted(string days, string message)
    {
        var error = Assert.Throws<InvalidValueException>(() => Schedule.ParseDays(days));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("18:00", 18, 0)]
    [InlineData("00:00", 0, 0)]
    [InlineData("23:59", 23, 59)]
    [InlineData("9:05", 9, 5)]
    [InlineData(" 07:30 ", 7, 30)]
    public void ParseTime_TwentyFourHourClock_IsRead(string text, int hour, int minute)
    {
        Assert.Equal(new TimeOnly(hour, minute), Schedule.ParseTime(text));
    }

    [Theory]
    [InlineData("24:00")]
    [InlineData("18:60")]
    [InlineData("18")]
    [InlineData("18:0")]
    [InlineData("18:000")]
    [InlineData("6pm")]
    [InlineData("18:00:00")]
    [InlineData("-1:00")]
    [InlineData("")]
    [InlineData("١٨:٠٠")]
    public void ParseTime_Invalid_SaysWhatIsAccepted(string text)
    {
        var error = Assert.Throws<InvalidValueException>(() => Schedule.ParseTime(text));

        Assert.Equal($"invalid time '{text}': use HH:MM on the 24-hour clock, from 00:00 to 23:59 (such as 18:00)", error.Message);
    }

    [Theory]
    [InlineData("T1", CycleEvent.T1)]
    [InlineData("t2", CycleEvent.T2)]
    [InlineData("T3", CycleEvent.T3)]
    public void ParseEvent_KnownName_IsRead(string text, CycleEvent expected)
    {
        Assert.Equal(expected, Schedule.ParseEvent(text));
    }

    [Theory]
    [InlineData("T4")]
    [InlineData("T0")]
    [InlineData("1")]
    [InlineData("")]
    public void ParseEvent_Unknown_ListsTheEvents(string text)
    {
        var error = Assert.Throws<InvalidValueException>(() => Schedule.ParseEvent(text));

        Assert.Equal($"unknown event '{text}': use T1 (requestor send), T2 (server receive and send) or T3 (requestor receive, import and GAL rebuild)", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(10081)]
    public void Parse_WindowOutOfRange_SaysTheRange(int window)
    {
        var error = Assert.Throws<InvalidValueException>(() => Schedule.Parse(CycleEvent.T1, "daily", "18:00", window));

        Assert.Equal($"invalid run window {window}: use a number of minutes from 1 to 10080 (a week)", error.Message);
    }

    [Fact]
    public void Parse_Window_DefaultsToAnHour()
    {
        Assert.Equal(60, Schedule.Parse(CycleEvent.T1, "daily", "18:00").WindowMinutes);
        Assert.Equal(TimeSpan.FromMinutes(10080), Schedule.Parse(CycleEvent.T1, "daily", "18:00", 10080).Window);
    }

    [Fact]
    public void Equality_SameDaysGivenDifferently_IsEqual()
    {
        Assert.Equal(Schedule.Parse(CycleEvent.T2, "weekdays", "6:00"), Schedule.Parse(CycleEvent.T2, "fri,thu,wed,tue,mon", "06:00"));
        Assert.NotEqual(Schedule.Parse(CycleEvent.T2, "weekdays", "06:00"), Schedule.Parse(CycleEvent.T2, "weekdays", "06:00", 30));
    }

    [Fact]
    public void LastOccurrence_LaterTheSameDay_IsTheDayBefore()
    {
        var schedule = Schedule.Parse(CycleEvent.T1, "daily", "18:00");

        // 09:00 UTC is 10:00 in Berlin in winter; today's 18:00 is still to come.
        Assert.Equal(Utc(1, 14, 17), schedule.LastOccurrence(Utc(1, 15, 9), Berlin));
        Assert.Equal(Utc(1, 15, 17), schedule.LastOccurrence(Utc(1, 15, 17), Berlin));
        Assert.Equal(Utc(1, 15, 17), schedule.NextOccurrence(Utc(1, 15, 9), Berlin));
        Assert.Equal(Utc(1, 16, 17), schedule.NextOccurrence(Utc(1, 15, 17), Berlin));
    }

    [Fact]
    public void LastOccurrence_AcrossMidnight_FollowsTheLocalDate()
    {
        var schedule = Schedule.Parse(CycleEvent.T1, "thu", "00:30");

        // 23:45 UTC on Wednesday is already 00:45 on Thursday in Berlin.
        Assert.Equal(Utc(1, 14, 23, 30), schedule.LastOccurrence(Utc(1, 14, 23, 45), Berlin));
        Assert.Equal(Utc(1, 7, 23, 30), schedule.LastOccurrence(Utc(1, 14, 23, 15), Berlin));
        Assert.Equal(Utc(1, 21, 23, 30), schedule.NextOccurrence(Utc(1, 14, 23, 45), Berlin));
    }

    [Fact]
    public void LastOccurrence_AcrossTheWeekBoundary_FindsLastSunday()
    {
        var schedule = Schedule.Parse(CycleEvent.T2, "sun", "23:30");

        Assert.Equal(Utc(1, 18, 22, 30), schedule.LastOccurrence(Utc(1, 19, 6), Berlin));
        Assert.Equal(Utc(1, 11, 22, 30), schedule.LastOccurrence(Utc(1, 18, 22, 29), Berlin));
        Assert.Equal(Utc(1, 25, 22, 30), schedule.NextOccurrence(Utc(1, 18, 22, 30), Berlin));
    }

    [Fact]
    public void LastOccurrence_OnlyDayIsToday_StillToCome_IsAWeekAgo()
    {
        var schedule = Schedule.Parse(CycleEvent.T1, "thu", "18:00");

        Assert.Equal(Utc(1, 8, 17), schedule.LastOccurrence(Utc(1, 15, 9), Berlin));
        Assert.Equal(Utc(1, 15, 17), schedule.NextOccurrence(Utc(1, 15, 9), Berlin));
    }

    [Fact]
    public void At_SkippedTimeInSpring_MovesForwardByTheGap()
    {
        // On 29 March 2026 Berlin's clocks go from 02:00 CET to 03:00 CEST: 02:30 does not happen.
        var at = Schedule.At(new DateOnly(2026, 3, 29), new TimeOnly(2, 30), Berlin);

        Assert.Equal(Utc(3, 29, 1, 30), at);
        Assert.Equal(new TimeOnly(3, 30), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Berlin).DateTime));
        Assert.Equal(Utc(3, 30, 0, 30), Schedule.At(new DateOnly(2026, 3, 30), new TimeOnly(2, 30), Berlin));
        Assert.Equal(Utc(3, 28, 1, 30), Schedule.At(new DateOnly(2026, 3, 28), new TimeOnly(2, 30), Berlin));
    }

    [Fact]
    public void At_RepeatedTimeInAutumn_IsTheFirstHappening()
    {
        // On 25 October 2026 Berlin's clocks go back from 03:00 CEST to 02:00 CET: 02:30 happens twice.
        Assert.Equal(Utc(10, 25, 0, 30), Schedule.At(new DateOnly(2026, 10, 25), new TimeOnly(2, 30), Berlin));
        Assert.Equal(Utc(10, 24, 16), Schedule.At(new DateOnly(2026, 10, 24), new TimeOnly(18, 0), Berlin));
        Assert.Equal(Utc(10, 25, 17), Schedule.At(new DateOnly(2026, 10, 25), new TimeOnly(18, 0), Berlin));
    }

    [Fact]
    public void LastOccurrence_RepeatedHour_IsOneOccurrence()
    {
        var schedule = Schedule.Parse(CycleEvent.T1, "daily", "02:30");

        // Both 02:30s of 25 October (00:30 and 01:30 UTC) see the same, first, occurrence.
        Assert.Equal(Utc(10, 25, 0, 30), schedule.LastOccurrence(Utc(10, 25, 0, 30), Berlin));
        Assert.Equal(Utc(10, 25, 0, 30), schedule.LastOccurrence(Utc(10, 25, 1, 45), Berlin));
        Assert.Equal(Utc(10, 26, 1, 30), schedule.NextOccurrence(Utc(10, 25, 0, 30), Berlin));
    }

    [Fact]
    public void NextOccurrence_AcrossTheSpringGap_IsTheShiftedTime()
    {
        var schedule = Schedule.Parse(CycleEvent.T1, "sun", "02:30");

        Assert.Equal(Utc(3, 29, 1, 30), schedule.NextOccurrence(Utc(3, 28, 12), Berlin));
        Assert.Equal(Utc(3, 22, 1, 30), schedule.LastOccurrence(Utc(3, 29, 1, 29), Berlin));
    }

    [Fact]
    public void Constructor_NoDays_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => new Schedule(CycleEvent.T1, [], new TimeOnly(18, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Schedule((CycleEvent)4, [DayOfWeek.Monday], new TimeOnly(18, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Schedule(CycleEvent.T1, [DayOfWeek.Monday], new TimeOnly(18, 0), 0));
    }
}
