using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DirSync.Cli.Output;
using DirSync.Core;
using DirSync.Core.Scheduling;

namespace DirSync.Cli.Commands.Scheduling;

/// <summary><c>dirsync schedule ...</c>: when the daemon runs T1, T2 and T3.</summary>
internal static class ScheduleCommand
{
    public static Command Create(CliIo io) => new("schedule", "When the daemon runs the Dir-Sync events: weekly times for T1, T2 and T3, each with a run window")
    {
        Set(io), List(io),
    };

    private static Command Set(CliIo io)
    {
        var @event = OptionValues.Event();
        var days = new Argument<string>("days") { Description = "daily, weekdays, weekends, or days separated by commas such as mon,wed,fri; none removes the schedule" };
        var time = new Argument<string?>("HH:MM") { Description = "The time of day, on the 24-hour clock, in the machine's time zone", Arity = ArgumentArity.ZeroOrOne };
        var window = OptionValues.OptionalWhole(
            "--window", 1, Schedule.MaxWindowMinutes, "minutes", "minutes", $"Minutes after its time an occurrence may still start; later it is logged as missed (default {Schedule.DefaultWindowMinutes})");
        var command = new Command("set", "Set an event's schedule, replacing the one it had (or remove it with 'none')") { @event, days, time, window };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var r = context.ParseResult;
            var cycleEvent = Schedule.ParseEvent(r.GetRequiredValue(@event));
            var daysText = r.GetRequiredValue(days);
            var timeText = r.GetValue(time);
            if (daysText.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                if (timeText is not null || r.GetValue(window) is not null)
                {
                    throw new DirSyncException($"'none' removes {cycleEvent}'s schedule and takes no time or window: dirsync schedule set {cycleEvent} none", ErrorCategory.Usage);
                }

                await using var writable = await context.OpenStoreAsync(cancellationToken);
                var removed = await ScheduleStore.RemoveAsync(writable, cycleEvent, cancellationToken);
                context.Report(
                    removed ? $"Removed {cycleEvent}'s schedule; the daemon runs it only when kicked" : $"{cycleEvent} has no schedule; nothing to remove",
                    w =>
                    {
                        w.WriteString("event", cycleEvent.ToString());
                        w.WriteBoolean("removed", removed);
                    });
                return;
            }

            if (timeText is null)
            {
                throw new DirSyncException($"a schedule needs a time of day: dirsync schedule set {cycleEvent} {daysText} <HH:MM>", ErrorCategory.Usage);
            }

            var scheduler = new Scheduler(CycleSetup.TimeZone(context.Io));

            // The schedule keeps the zone it was set in: a daemon elsewhere runs it at this zone's hour.
            var schedule = Schedule.Parse(cycleEvent, daysText, timeText, r.GetValue(window) ?? Schedule.DefaultWindowMinutes) with { TimeZoneId = scheduler.Zone.Id };
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var now = TimeProvider.System.GetUtcNow();
            var stored = await ScheduleStore.SetAsync(store, schedule, now, cancellationToken);
            var next = stored.NextOccurrence(now, scheduler.Zone);
            context.Report(
                $"Scheduled {stored} ({scheduler.Zone.Id} time, {stored.WindowMinutes}-minute window); next run {scheduler.Format(next)}",
                w =>
                {
                    w.WriteString("event", stored.Event.ToString());
                    w.WriteString("days", stored.DaysText);
                    w.WriteString("time", stored.TimeText);
                    w.WriteNumber("windowMinutes", stored.WindowMinutes);
                    w.WriteString("timeZone", scheduler.Zone.Id);
                    w.WriteString("nextRun", JsonTime.Utc(next));
                });
        });
        return command;
    }

    private static Command List(CliIo io)
    {
        var command = new Command("list", "Each event's schedule, the occurrence it last handled, when it runs next and any kick waiting");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var scheduler = new Scheduler(CycleSetup.TimeZone(context.Io));
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var rows = await scheduler.StatusAsync(store, TimeProvider.System.GetUtcNow(), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w => WriteJson(w, rows, scheduler.Zone));
                return;
            }

            if (rows.Count == 0)
            {
                context.Out.WriteLine("This store is neither a Dir-Sync requestor nor a dir-sync server, so it has no events to schedule");
                return;
            }

            var table = new TableWriter(context.Out, "EVENT", "DAYS", "TIME", "WINDOW", "LAST HANDLED", "NEXT RUN");
            foreach (var row in rows)
            {
                var s = row.Schedule;
                table.Row(
                    row.Event.ToString(),
                    s?.DaysText ?? "(not scheduled)",
                    s is null ? "" : s.TimeZoneId is { } id && id != scheduler.Zone.Id ? $"{s.TimeText} {id}" : s.TimeText,
                    s is null ? "" : $"{s.WindowMinutes} min",
                    row.Last is { } last ? scheduler.Format(last) : s is null ? "" : "never",
                    row.NextDue is { } next ? scheduler.Format(next) : "");
            }

            table.Finish();
            context.Out.WriteLine($"Times are {scheduler.Zone.Id} time.");
            foreach (var row in rows)
            {
                if (!row.Available)
                {
                    context.Out.WriteLine($"{row.Event}: {NotAvailable(row.Event)}; each run fails until then, or remove the schedule with '{CommandHints.ScheduleRemove(row.Event)}'");
                }

                if (row.Kick is { } kick)
                {
                    context.Out.WriteLine($"{row.Event} was kicked at {scheduler.Format(kick.RequestedAt)}; a running 'dirsync daemon' runs it at its next poll");
                }
            }
        });
        return command;
    }

    private static string NotAvailable(CycleEvent @event) => @event == CycleEvent.T2
        ? "this store is not a dir-sync server any more"
        : "this store is not a Dir-Sync requestor any more";

    private static void WriteJson(Utf8JsonWriter w, IReadOnlyList<ScheduleStatus> rows, TimeZoneInfo zone)
    {
        w.WriteStartArray();
        foreach (var row in rows)
        {
            var s = row.Schedule;
            w.WriteStartObject();
            w.WriteString("event", row.Event.ToString());
            w.WriteString("does", CycleEvents.Describe(row.Event));
            WriteStringOrNull(w, "timeZone", s is null ? null : s.TimeZoneId ?? zone.Id);
            w.WriteBoolean("available", row.Available);
            WriteStringOrNull(w, "days", s?.DaysText);
            WriteStringOrNull(w, "time", s?.TimeText);
            if (s is null)
            {
                w.WriteNull("windowMinutes");
            }
            else
            {
                w.WriteNumber("windowMinutes", s.WindowMinutes);
            }

            WriteTime(w, "since", s?.Since, zone);
            WriteTime(w, "lastHandled", row.Last, zone);
            WriteTime(w, "nextRun", row.NextDue, zone);
            WriteTime(w, "kickedAt", row.Kick?.RequestedAt, zone);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    // Times carry the zone's offset: the same instant, readable as the wall-clock time schedules use.
    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value, TimeZoneInfo zone)
    {
        if (value is { } time)
        {
            w.WriteString(name, TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'sszzz", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
