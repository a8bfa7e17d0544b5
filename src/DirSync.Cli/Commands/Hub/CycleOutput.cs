using System.CommandLine;
using DirSync.Core;
using DirSync.Core.Hub;
using DirSync.Core.Status;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Hub;

/// <summary>Prints what a cycle step did, and fails the command when part of it failed.</summary>
internal static class CycleOutput
{
    /// <summary>A cycle step that applies what it takes in, and so may delete: <c>--json</c>, <c>--allow-deletes</c>, and its report.</summary>
    public static Command ApplyingStep(
        CliIo io, string name, string description, string step, Func<IDirectoryStore, long?, IProgress<long>?, CancellationToken, Task<CycleReport>> run)
    {
        var allowDeletes = GlobalOptions.AllowDeletes();
        var command = new Command(name, description) { allowDeletes };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            Write(context, context.Json, step, await context.WithProgressAsync(
                Capitalized(step),
                "updates applied",
                progress => TimedAsync(store, step, () => run(store, context.ParseResult.GetValue(allowDeletes), progress, cancellationToken), cancellationToken)));
        });
        return command;
    }

    private static string Capitalized(string step) => char.ToUpperInvariant(step[0]) + step[1..];

    /// <summary>Runs a step, recording its last run for the status views.</summary>
    public static Task<CycleReport> TimedAsync(IDirectoryStore store, string step, Func<Task<CycleReport>> run, CancellationToken cancellationToken) =>
        RunHistory.TimeAsync(store, TimeProvider.System, step, run, RunHistory.Describe, cancellationToken);

    public static void Write(CommandContext context, bool json, string step, CycleReport report)
    {
        if (json)
        {
            context.WriteJson(w =>
            {
                w.WriteStartObject();
                w.WriteString("step", step);
                w.WriteNumber("messages", report.Messages);
                w.WriteNumber("updates", report.Updates);
                w.WriteNumber("rejected", report.Rejected);
                w.WriteStartArray("lines");
                foreach (var line in report.Lines)
                {
                    w.WriteStringValue(line);
                }

                w.WriteEndArray();
                w.WriteStartArray("errors");
                foreach (var error in report.Errors)
                {
                    w.WriteStringValue(error);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        else
        {
            context.Out.WriteLine($"{step}: {report.Messages} message{(report.Messages == 1 ? "" : "s")}, {report.Updates} update{(report.Updates == 1 ? "" : "s")}{(report.Rejected > 0 ? $", {report.Rejected} refused" : "")}");
            foreach (var line in report.Lines)
            {
                // Lines name senders' files and quote their content: a terminal must not obey what they hold.
                context.Out.WriteLine($"  {Output.TerminalText.Escape(Output.TerminalText.CutValues(line))}");
            }
        }

        // Messages that were refused or failed did not stop the rest, but the run did not fully succeed.
        if (report.Errors.Count > 0)
        {
            // The report says what was taken in: it stays on standard output although the command fails.
            context.Io.CommitOutput();
            var more = report.Errors.Count > 1 ? $" and {report.Errors.Count - 1} more" : "";
            throw new DirSyncException($"{step}: {report.Errors[0]}{more} (see '{CommandHints.Events()}')", ErrorCategory.Sync);
        }
    }
}
