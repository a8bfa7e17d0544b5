using System.CommandLine;
using DirSync.Core;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Store;

/// <summary><c>dirsync store copy --to</c>: copies the whole store to a new SQLite file or an empty PostgreSQL database, and verifies the copy.</summary>
internal static class StoreCopyCommand
{
    public static Command Create(CliIo io)
    {
        var to = new Option<string>("--to")
        {
            Description = "Where the copy goes: a new SQLite file, or a postgresql:// URI of an empty database",
            HelpName = "path|uri",
            Required = true,
        };
        var toPasswordFile = new Option<string?>("--to-password-file")
        {
            Description = "For a postgresql:// target: read its password from the first line of this file (else ~/.pgpass or $PGPASSFILE)",
            HelpName = "path",
        };
        var json = GlobalOptions.Json();
        var command = new Command(
            "copy",
            "Copy the whole store (recipients, tombstones, USNs, instances, hub state, events, GAL) to an empty target and verify it")
        {
            to,
            toPasswordFile,
            json,
        };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var target = StoreLocation.Parse(
                context.ParseResult.GetRequiredValue(to),
                context.Io.CurrentDirectory,
                context.ParseResult.GetValue(toPasswordFile));
            if (target.Display == context.StorePath)
            {
                throw new InvalidValueException($"--to names the store itself ('{target.Display}'); name a new file or an empty database");
            }

            await using var source = await context.OpenStoreAsync(cancellationToken);
            if (source is not IStoreTables tables)
            {
                throw new InvalidOperationException($"The store {source.GetType().Name} cannot be read table by table.");
            }

            // The store's write lock, held and never committed: no other process changes the store while it is read twice.
            await using var hold = await source.BeginTransactionAsync(cancellationToken);
            var content = await StoreContent.MeasureAsync(tables, cancellationToken);
            await target.CopyIntoAsync(
                tables,
                async (copy, ct) => content.EnsureSame(await StoreContent.MeasureAsync(copy, ct), target.Display),
                context.LockTimeout,
                cancellationToken);

            if (context.ParseResult.GetValue(json))
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("from", context.StorePath);
                    w.WriteString("to", target.Display);
                    w.WriteStartObject("tables");
                    foreach (var (name, rows) in content.Tables)
                    {
                        w.WriteNumber(name, rows);
                    }

                    w.WriteEndObject();
                    w.WriteNumber("rows", content.Rows);
                    w.WriteString("checksum", "sha256:" + content.Checksum);
                    w.WriteBoolean("verified", true);
                    w.WriteEndObject();
                });
                return;
            }

            context.Out.WriteLine($"Copied {context.StorePath} to {target.Display}: {content.Rows} rows, verified");
            foreach (var (name, rows) in content.Tables)
            {
                context.Out.WriteLine($"  {name,-18} {rows,12}");
            }

            context.Out.WriteLine($"  checksum sha256:{content.Checksum} (the store and the copy alike)");
        });
        return command;
    }
}
