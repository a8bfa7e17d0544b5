using System.CommandLine;
using DirSync.Core;
using DirSync.Sqlite;

namespace DirSync.Cli.Commands.Store;

/// <summary><c>dirsync store check</c>: SQLite's integrity check of the whole store, and the damage mark that follows from it.</summary>
internal static class StoreCheckCommand
{
    public static Command Create(CliIo io)
    {
        var quick = new Option<bool>("--quick") { Description = "SQLite's quick_check: every page and row, but not whether the indexes match the rows (faster)" };
        var json = GlobalOptions.Json();
        var command = new Command("check", "Check every page, row and index of the store (SQLite's integrity_check); exit 6 when it is damaged") { quick, json };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var isQuick = context.ParseResult.GetValue(quick);
            var check = isQuick ? "quick_check" : "integrity_check";
            if (context.Store.File is null)
            {
                throw new InvalidValueException(
                    $"'store check' runs SQLite's integrity check on a store file; {context.StorePath} is a PostgreSQL store, which the server checks itself (pg_amcheck; see 'PostgreSQL' in docs/operations.md)");
            }

            await using var opened = await context.OpenStoreAsync(cancellationToken);
            var store = (SqliteDirectoryStore)opened;
            var problems = await store.CheckAsync(isQuick, cancellationToken: cancellationToken);
            if (context.ParseResult.GetValue(json))
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("store", store.Path);
                    w.WriteString("check", check);
                    w.WriteBoolean("whole", problems.Count == 0);
                    w.WriteStartArray("problems");
                    foreach (var problem in problems)
                    {
                        w.WriteStringValue(problem);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }
            else if (problems.Count == 0)
            {
                context.Out.WriteLine($"Store {store.Path}: whole ({check} found nothing wrong)");
            }
            else
            {
                context.Out.WriteLine($"Store {store.Path}: DAMAGED ({check} found {problems.Count}{(problems.Count >= 100 ? " or more" : "")} problem{(problems.Count == 1 ? "" : "s")})");
                foreach (var problem in problems)
                {
                    context.Out.WriteLine($"  {problem}");
                }
            }

            if (problems.Count > 0)
            {
                // The report is the point of the command: it stays on standard output although the command fails.
                context.Io.CommitOutput();
                throw new StoreException(
                    store.Path,
                    $"the store '{store.Path}' is damaged: {problems[0]}; it takes no writes until it is restored from a backup (see 'A damaged store' in docs/operations.md)");
            }
        });
        return command;
    }
}
