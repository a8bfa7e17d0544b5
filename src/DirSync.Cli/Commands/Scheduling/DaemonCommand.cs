using System.CommandLine;
using System.Globalization;
using DirSync.Core;
using DirSync.Core.Scheduling;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Scheduling;

/// <summary><c>dirsync daemon</c>: runs scheduled and kicked events and takes in arriving messages until stopped.</summary>
internal static class DaemonCommand
{
    public const int DefaultPollSeconds = 60;
    public const int MaxPollSeconds = 3600;

    public static Command Create(CliIo io)
    {
        var poll = new Option<int>("--poll") { Description = $"Seconds between polls of the store and the inbox, 1 to {MaxPollSeconds} (default {DefaultPollSeconds})", HelpName = "seconds", DefaultValueFactory = _ => DefaultPollSeconds };
        var command = new Command("daemon", "Run the scheduled events, kicked events and arriving messages until stopped (Ctrl+C or SIGTERM); one line per run") { poll };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var seconds = context.ParseResult.GetValue(poll);
            if (seconds is < 1 or > MaxPollSeconds)
            {
                throw new InvalidValueException($"--poll is a number of seconds from 1 to {MaxPollSeconds}");
            }

            var zone = CycleSetup.TimeZone(context.Io);

            // The daemon reports as it runs: its lines go out at once, not when it stops.
            context.Io.CommitOutput();
            string schedules;
            await using (var store = await context.OpenStoreAsync(cancellationToken))
            {
                schedules = await DescribeAsync(store, cancellationToken);
            }

            context.Out.WriteLine($"dirsync daemon on {context.StorePath}: {schedules}; polls every {seconds} s; times are {zone.Id} time; stop with Ctrl+C or SIGTERM");
            context.Out.Flush();
            var daemon = CycleSetup.CreateDaemon(
                context.Io,
                run =>
                {
                    var time = TimeZoneInfo.ConvertTime(run.Time, zone).ToString("yyyy'-'MM'-'dd HH':'mm':'ss zzz", CultureInfo.InvariantCulture);
                    context.Out.WriteLine($"{time} {run.Code} {run.Summary}");
                    context.Out.Flush();
                },
                problem => context.Io.Error.WriteLine(CommandRunner.ErrorLine($"daemon: {problem}")));
            await daemon.RunAsync(async ct => await context.OpenStoreAsync(ct), TimeSpan.FromSeconds(seconds), cancellationToken);
            context.Out.WriteLine("dirsync daemon stopped");
        });
        return command;
    }

    /// <summary>The events the store has and their schedules, such as <c>T1 weekdays 18:00, T3 not scheduled</c>.</summary>
    /// <exception cref="InvalidValueException">The store has no role, so the daemon would have nothing to do.</exception>
    private static async Task<string> DescribeAsync(IDirectoryStore store, CancellationToken cancellationToken)
    {
        var events = await CycleEvents.AvailableAsync(store, cancellationToken);
        if (events.Count == 0)
        {
            throw new InvalidValueException(
                "this store is neither a Dir-Sync requestor nor a dir-sync server, so the daemon would have nothing to do; enable a role with 'dirsync requestor enable' or 'dirsync server enable'");
        }

        var parts = new List<string>();
        foreach (var @event in events)
        {
            parts.Add(await ScheduleStore.GetAsync(store, @event, cancellationToken) is { } schedule ? schedule.ToString() : $"{@event} not scheduled");
        }

        return string.Join(", ", parts);
    }
}
