using System.CommandLine;
using System.Globalization;
using DirSync.Cli.Output;
using DirSync.Core;
using DirSync.Core.Events;
using DirSync.Core.Hub;

namespace DirSync.Cli.Commands.Hub;

/// <summary><c>dirsync events</c>: the event log, and its diagnostic level.</summary>
internal static class EventsCommand
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 100_000;

    public static Command Create(CliIo io)
    {
        var full = new Option<bool>("--full") { Description = "On a terminal too, show each message whole (output to a file or pipe is never cut)" };
        var limit = OptionValues.Whole("--limit", 1, MaxLimit, DefaultLimit, "events", "n", $"How many of the newest events to show (1 to {MaxLimit}, default {DefaultLimit})");
        var command = new Command("events", "The event log: messages sent and received, imports, rebuilds and every error, with numbered codes") { limit, full, Level(io) };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var count = context.ParseResult.GetValue(limit);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var events = await store.ListEventsAsync(count, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartArray();
                    foreach (var e in events)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("id", e.Id);
                        w.WriteString("time", JsonTime.Utc(e.Time));
                        w.WriteNumber("code", e.Code);
                        w.WriteString("severity", e.Severity.ToString().ToLowerInvariant());
                        w.WriteString("message", e.Message);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return;
            }

            // Messages are whole in a file or pipe; on a terminal they are cut to its width unless --full.
            var table = new TableWriter(context.Out, "TIME", "CODE", "SEVERITY", "MESSAGE")
            {
                WholeLastColumn = true,
                LineWidth = context.ParseResult.GetValue(full) ? null : context.Io.OutTerminalWidth,
            };
            foreach (var e in events)
            {
                table.Row(e.Time.ToString("u", CultureInfo.InvariantCulture), e.Code.ToString(CultureInfo.InvariantCulture), e.Severity.ToString().ToLowerInvariant(), e.Message);
            }

            table.Finish();
        });
        return command;
    }

    private static Command Level(CliIo io)
    {
        var level = OptionValues.CheckedArgument("level", "none, minimum (errors), medium (errors and summaries; the default) or maximum", text => EventLog.ParseLevel(text));
        level.Arity = ArgumentArity.ZeroOrOne;
        var command = new Command("level", "Show or set the diagnostic level: what the event log keeps") { level };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var text = context.ParseResult.GetValue(level);
            if (text is null)
            {
                var current = (await EventLog.LevelAsync(store, cancellationToken)).ToString().ToLowerInvariant();
                context.Report(current, w => w.WriteString("level", current));
                return;
            }

            var parsed = EventLog.ParseLevel(text);
            await EventLog.SetLevelAsync(store, parsed, cancellationToken);
            var name = parsed.ToString().ToLowerInvariant();
            context.Report($"Diagnostic level set to {name}", w => w.WriteString("level", name));
        });
        return command;
    }
}
