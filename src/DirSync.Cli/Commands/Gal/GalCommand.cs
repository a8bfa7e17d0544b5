using System.CommandLine;
using DirSync.Cli.Output;
using DirSync.Core;
using DirSync.Core.Gal;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Gal;

/// <summary><c>dirsync gal rebuild|list|search</c>.</summary>
internal static class GalCommand
{
    private static readonly string EmptyMessage = $"The GAL is empty; run '{CommandHints.GalRebuild()}'";

    public static Command Create(CliIo io) =>
        new("gal", "Rebuild, list and search the Global Address List") { Rebuild(io), List(io), Search(io) };

    private static Command Rebuild(CliIo io)
    {
        var command = new Command("rebuild", "Rebuild the Global Address List and its index from every live recipient");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var postoffice = await HubSettings.LocalPostofficeAsync(store, cancellationToken);
            var result = await context.WithProgressAsync(
                "Rebuilding the GAL", "recipients read", progress => new GalBuilder { Progress = progress }.RebuildAsync(store, postoffice, cancellationToken: cancellationToken));
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("entries", result.Entries);
                    w.WriteNumber("renamed", result.Renamed);
                    w.WriteEndObject();
                });
                return;
            }

            context.Out.WriteLine($"Rebuilt the GAL: {result.Entries} entr{(result.Entries == 1 ? "y" : "ies")} ({result.Renamed} display name{(result.Renamed == 1 ? "" : "s")} given a suffix)");
        });
        return command;
    }

    private static Command List(CliIo io)
    {
        var command = new Command("list", "List the Global Address List in display-name order");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var entries = store.ListGalAsync(cancellationToken);
            if (context.Json)
            {
                await using var writer = context.CreateJsonWriter();
                writer.WriteStartArray();
                await foreach (var entry in entries)
                {
                    GalJson.Write(writer, entry);
                    if (writer.BytesPending > 64 * 1024)
                    {
                        await writer.FlushAsync(cancellationToken);
                    }
                }

                writer.WriteEndArray();
                await writer.FlushAsync(cancellationToken);
                context.Io.StdOut.Write("\n"u8);
                return;
            }

            var table = NewTable(context);
            await foreach (var entry in entries)
            {
                Row(table, entry);
            }

            if (table.RowCount == 0)
            {
                context.Out.WriteLine(EmptyMessage);
                return;
            }

            table.Finish();
            context.Out.WriteLine(Entries(table.RowCount));
        });
        return command;
    }

    private static Command Search(CliIo io)
    {
        var prefix = new Argument<string>("prefix") { Description = "The start of the display name; case and accents do not matter" };
        var limit = OptionValues.Whole(
            "--limit", 1, GalSearch.MaxLimit, GalSearch.DefaultLimit, "entries", "n", $"Return at most this many entries (1 to {GalSearch.MaxLimit}, default {GalSearch.DefaultLimit})");
        var command = new Command("search", "List the GAL entries whose display name starts with a prefix") { prefix, limit };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var wanted = context.ParseResult.GetRequiredValue(prefix);
            var max = context.ParseResult.GetValue(limit);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var entries = await GalSearch.SearchAsync(store, wanted, max, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartArray();
                    foreach (var entry in entries)
                    {
                        GalJson.Write(w, entry);
                    }

                    w.WriteEndArray();
                });
                return;
            }

            if (entries.Count == 0)
            {
                context.Out.WriteLine(await IsEmptyAsync(store, cancellationToken) ? EmptyMessage : $"No GAL entry starts with '{wanted}'");
                return;
            }

            var table = NewTable(context);
            foreach (var entry in entries)
            {
                Row(table, entry);
            }

            table.Finish();
            context.Out.WriteLine(entries.Count == max ? $"{Entries(entries.Count)} (--limit {max} reached; there may be more)" : Entries(entries.Count));
        });
        return command;
    }

    private static TableWriter NewTable(CommandContext context) =>
        new(context.Out, "DISPLAY NAME", "ALIAS", "CLASS", "ADDRESS", "POSTOFFICE");

    private static void Row(TableWriter table, GalEntry entry) =>
        table.Row(entry.DisplayName, entry.Alias, entry.Class.ToToken(), entry.Address, entry.Postoffice);

    private static string Entries(long count) => $"{count} entr{(count == 1 ? "y" : "ies")}";

    private static async Task<bool> IsEmptyAsync(IDirectoryReader store, CancellationToken cancellationToken)
    {
        await foreach (var _ in store.ListGalAsync(cancellationToken))
        {
            return false;
        }

        return true;
    }
}
