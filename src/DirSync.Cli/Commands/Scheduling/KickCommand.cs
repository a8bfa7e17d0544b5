using System.CommandLine;
using DirSync.Core;
using DirSync.Core.Scheduling;

namespace DirSync.Cli.Commands.Scheduling;

/// <summary><c>dirsync kick &lt;event&gt;</c>: the original's Pause button — run an event now rather than at its scheduled time.</summary>
internal static class KickCommand
{
    public static Command Create(CliIo io)
    {
        var @event = OptionValues.Event();
        var now = new Option<bool>("--now") { Description = "Run the event in this process at once instead of asking the daemon (useful without a daemon)" };
        var command = new Command("kick", "Run an event now: the daemon runs it at its next poll, or this command does with --now") { @event, now };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var r = context.ParseResult;
            var cycleEvent = Schedule.ParseEvent(r.GetRequiredValue(@event));
            var asJson = context.Json;
            await using var store = await context.OpenStoreAsync(cancellationToken);
            if (!r.GetValue(now))
            {
                var kick = await ScheduleStore.KickAsync(store, cycleEvent, TimeProvider.System.GetUtcNow(), cancellationToken);
                if (asJson)
                {
                    context.WriteJson(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("event", cycleEvent.ToString());
                        w.WriteString("kickedAt", Output.JsonTime.Utc(kick.RequestedAt));
                        w.WriteBoolean("ran", false);
                        w.WriteEndObject();
                    });
                    return;
                }

                context.Out.WriteLine($"Kicked {cycleEvent}: a running 'dirsync daemon' on this store runs it at its next poll (without a daemon, run it here with '{CommandHints.KickNow(cycleEvent)}')");
                return;
            }

            var run = await CycleSetup.CreateDaemon(context.Io).RunNowAsync(store, cycleEvent, cancellationToken);
            if (asJson)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("event", cycleEvent.ToString());
                    w.WriteBoolean("ran", true);
                    w.WriteNumber("code", run.Code);
                    w.WriteString("summary", run.Summary);
                    w.WriteStartArray("lines");
                    foreach (var line in run.Lines)
                    {
                        w.WriteStringValue(line);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }
            else
            {
                context.Out.WriteLine(run.Succeeded ? run.Summary : $"{cycleEvent} (kicked):");
                foreach (var line in run.Lines)
                {
                    context.Out.WriteLine($"  {line}");
                }
            }

            // Refused messages did not stop the rest, but the run did not fully succeed.
            if (!run.Succeeded)
            {
                throw new DirSyncException(run.Summary, ErrorCategory.Sync);
            }
        });
        return command;
    }
}
