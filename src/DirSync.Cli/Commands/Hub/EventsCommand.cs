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
    public static Command Create(CliIo io)
    {
        var limit = new Option<int>("--limit") { Description = "How many of the newest events to show (default 100)", DefaultValueFactory = _ => 100 };
        var json = GlobalOptions.Json();
        var command = new Command("events", "The event log: messages sent and received, imports, rebuilds and every error, with numbered codes") { limit, json, Level(io) };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var count = context.ParseResult.GetValue(limit);
            if (count is < 1 or > 100_000)
            {
                throw new InvalidValueException("--limit is a number from 1 to 100000");
            }

            await using var store = await context.OpenStoreAsync(cancellationToken);
            var events = await store.ListEventsAsync(count, cancellationToken);
            if (context.ParseResult.GetValue(json))
            {
                context.WriteJson(w =>
                {
                    w.WriteStartArray();
                    foreach (var e in events)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("id", e.Id);
                        w.WriteString("time", e.Time);
                        w.WriteNumber("code", e.Code);
                        w.WriteString("severity", e.Severity.ToString().ToLowerInvariant());
                        w.WriteString("message", e.Message);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return;
            }

            var table = new TableWriter(context.Out, "TIME", "CODE", "SEVERITY", "MESSAGE");
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
        var level = new Argument<string?>("level") { Description = "none, minimum (errors), medium (errors and summaries; the default) or maximum", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("level", "Show or set the diagnostic level: what the event log keeps") { level };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var text = context.ParseResult.GetValue(level);
            if (text is null)
            {
                context.Out.WriteLine((await EventLog.LevelAsync(store, cancellationToken)).ToString().ToLowerInvariant());
                return;
            }

            var parsed = EventLog.ParseLevel(text);
            await EventLog.SetLevelAsync(store, parsed, cancellationToken);
            context.Out.WriteLine($"Diagnostic level set to {parsed.ToString().ToLowerInvariant()}");
        });
        return command;
    }
}
