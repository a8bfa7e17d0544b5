using System.Globalization;

namespace DirSync.Core.Scheduling;

public sealed partial record Schedule
{
    private const int WeekdayBits = 0b011_1110;
    private const int WeekendBits = 0b100_0001;

    private const string DaysHelp = "use daily, weekdays, weekends, or days separated by commas such as mon,wed,fri (mon tue wed thu fri sat sun, or full names such as monday; any case)";

    private static readonly DayOfWeek[] WeekOrder =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    private static readonly Dictionary<DayOfWeek, string> DayNames = new()
    {
        [DayOfWeek.Monday] = "mon",
        [DayOfWeek.Tuesday] = "tue",
        [DayOfWeek.Wednesday] = "wed",
        [DayOfWeek.Thursday] = "thu",
        [DayOfWeek.Friday] = "fri",
        [DayOfWeek.Saturday] = "sat",
        [DayOfWeek.Sunday] = "sun",
    };

    private static readonly Dictionary<string, DayOfWeek> DaysByName = WeekOrder
        .SelectMany(d => new[] { (Name: DayNames[d], Day: d), (Name: d.ToString().ToLowerInvariant(), Day: d) })
        .ToDictionary(x => x.Name, x => x.Day, StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads a schedule as <c>dirsync schedule set</c> takes it.</summary>
    /// <param name="event">The event that runs.</param>
    /// <param name="daysText"><c>daily</c>, <c>weekdays</c>, <c>weekends</c>, or days separated by commas (<c>mon,wed,fri</c>; full names too; any case).</param>
    /// <param name="timeText">The time of day, <c>HH:MM</c> on the 24-hour clock.</param>
    /// <param name="windowMinutes">How many minutes after its time an occurrence may still start (1 to a week).</param>
    /// <exception cref="InvalidValueException">A value is not valid; the message says what is accepted.</exception>
    public static Schedule Parse(CycleEvent @event, string daysText, string timeText, int windowMinutes = DefaultWindowMinutes)
    {
        var days = ParseDays(daysText);
        var time = ParseTime(timeText);
        if (windowMinutes is < 1 or > MaxWindowMinutes)
        {
            throw new InvalidValueException($"invalid run window {windowMinutes.ToString(CultureInfo.InvariantCulture)}: use a number of minutes from 1 to {MaxWindowMinutes.ToString(CultureInfo.InvariantCulture)} (a week)");
        }

        return new Schedule(@event, days, time, windowMinutes);
    }

    /// <summary>Reads an event name: T1, T2 or T3, in any case.</summary>
    /// <exception cref="InvalidValueException">It is none of them.</exception>
    public static CycleEvent ParseEvent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToUpperInvariant() switch
        {
            "T1" => CycleEvent.T1,
            "T2" => CycleEvent.T2,
            "T3" => CycleEvent.T3,
            _ => throw new InvalidValueException($"unknown event '{text}': use T1 (requestor send), T2 (server receive and send) or T3 (requestor receive, import and GAL rebuild)"),
        };
    }

    /// <summary>Reads the days of a schedule: <c>daily</c>, <c>weekdays</c>, <c>weekends</c>, or days separated by commas.</summary>
    /// <exception cref="InvalidValueException">The text names no day, or something that is not a day.</exception>
    public static IReadOnlySet<DayOfWeek> ParseDays(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        switch (trimmed.ToLowerInvariant())
        {
            case "":
                throw new InvalidValueException($"no days given: {DaysHelp}");
            case "daily":
                return Enum.GetValues<DayOfWeek>().ToHashSet();
            case "weekdays":
                return WeekOrder[..5].ToHashSet();
            case "weekends":
                return WeekOrder[5..].ToHashSet();
        }

        var days = new HashSet<DayOfWeek>();
        foreach (var part in trimmed.Split(','))
        {
            var name = part.Trim();
            if (name.Length == 0)
            {
                throw new InvalidValueException($"invalid days '{text}': an empty day between commas; {DaysHelp}");
            }

            if (!DaysByName.TryGetValue(name, out var day))
            {
                var hint = NameSuggestions.Hint(name, DaysByName.Keys.Concat(["daily", "weekdays", "weekends"]));
                throw new InvalidValueException($"unknown day '{name}' in '{text}'{(hint is null ? "" : $" ({hint})")}; {DaysHelp}");
            }

            days.Add(day);
        }

        return days;
    }

    /// <summary>Reads a time of day, <c>HH:MM</c> on the 24-hour clock (the hour may have one digit).</summary>
    /// <exception cref="InvalidValueException">It is not such a time.</exception>
    public static TimeOnly ParseTime(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split(':');
        if (parts.Length == 2
            && parts[0].Length is 1 or 2 && parts[0].All(char.IsAsciiDigit)
            && parts[1].Length == 2 && parts[1].All(char.IsAsciiDigit))
        {
            var hour = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
            var minute = int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
            if (hour < 24 && minute < 60)
            {
                return new TimeOnly(hour, minute);
            }
        }

        throw new InvalidValueException($"invalid time '{text}': use HH:MM on the 24-hour clock, from 00:00 to 23:59 (such as 18:00)");
    }
}
