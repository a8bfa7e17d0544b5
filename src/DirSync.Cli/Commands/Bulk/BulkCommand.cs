using System.CommandLine;
using DirSync.Cli.Output;
using DirSync.Core.Bulk;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Cli.Commands.Bulk;

/// <summary><c>dirsync bulk import|export</c>: the Exchange administrator's bulk CSV (<c>admin /i</c> and <c>/e</c>).</summary>
internal static class BulkCommand
{
    /// <summary>The most rows one transaction of <c>--skip-errors</c> may take: far beyond where bigger stops helping.</summary>
    public const int MaxBatchSize = 10_000_000;

    public static Command Create(CliIo io) =>
        new("bulk", "Load and dump recipients as the Exchange administrator's bulk CSV (admin /i and /e)") { Import(io), Export(io) };

    private static Command Import(CliIo io)
    {
        var file = new Argument<string>("file") { Description = "The CSV file: a header of attribute names, Obj-Class first, then one row per recipient" };
        var stopOnError = new Option<bool>("--stop-on-error") { Description = "On a bad row, apply nothing and name the row (the default)" };
        var skipErrors = new Option<bool>("--skip-errors") { Description = "Apply the good rows; write the bad ones, with the reason, to <file>.rejects.csv" };
        var batchSize = OptionValues.OptionalWhole(
            "--batch-size", 1, MaxBatchSize, "rows", "rows", $"With --skip-errors, the rows applied per transaction (default {BulkImportOptions.DefaultBatchSize})");
        var container = new Option<string?>("--container")
        {
            Description = "Where new recipients are created when their row has no Obj-Container (default Recipients); existing ones stay where they are",
            HelpName = "path",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read, check and count everything as the import would, then change nothing in the store" };
        var ignoreUnknown = new Option<bool>("--ignore-unknown-columns") { Description = "Pass over, with a warning, columns whose names DirSync does not know" };
        var command = new Command("import", "Create, change and delete recipients from a bulk CSV file (the original's admin /i)")
        {
            file, stopOnError, skipErrors, batchSize, container, dryRun, ignoreUnknown,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(stopOnError) && result.GetValue(skipErrors))
            {
                result.AddError("give --stop-on-error or --skip-errors, not both");
            }
            else if (result.GetResult(batchSize) is not null && !result.GetValue(skipErrors))
            {
                result.AddError("--batch-size applies only with --skip-errors; without it the whole file is one transaction");
            }
        });
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var parse = context.ParseResult;
            var path = FullPath(context, parse.GetRequiredValue(file));
            var result = await WithProgressAsync(context, "Importing", "rows", (store, progress) => new BulkImporter(store).ImportAsync(
                path,
                new BulkImportOptions
                {
                    OnError = parse.GetValue(skipErrors) ? BulkErrorPolicy.SkipErrors : BulkErrorPolicy.StopOnError,
                    BatchSize = parse.GetValue(batchSize) ?? BulkImportOptions.DefaultBatchSize,
                    Container = parse.GetValue(container) is { } text ? DirectoryPath.Parse(text) : null,
                    DryRun = parse.GetValue(dryRun),
                    IgnoreUnknownColumns = parse.GetValue(ignoreUnknown),
                    Warning = warning => context.Io.Error.WriteLine(CommandRunner.ErrorLine("warning: " + warning)),
                    Progress = progress,
                },
                cancellationToken), cancellationToken);

            if (context.Json)
            {
                // The counters are named as run --json names them.
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("file", result.File);
                    w.WriteNumber("rows", result.Rows);
                    w.WriteNumber("added", result.Added);
                    w.WriteNumber("modified", result.Modified);
                    w.WriteNumber("deleted", result.Deleted);
                    w.WriteNumber("unchanged", result.Unchanged);
                    w.WriteNumber("rejected", result.Rejected);
                    if (result.RejectFile is null)
                    {
                        w.WriteNull("rejectFile");
                    }
                    else
                    {
                        w.WriteString("rejectFile", result.RejectFile);
                    }

                    w.WriteBoolean("dryRun", result.DryRun);
                    w.WriteStartArray("warnings");
                    foreach (var warning in result.Warnings)
                    {
                        w.WriteStringValue(warning);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return;
            }

            context.Out.WriteLine(
                $"{(result.DryRun ? "Would import" : "Imported")} {Count(result.Rows, "row")} from {result.File}: {result.Added} added, {result.Modified} modified, {result.Deleted} deleted, {result.Unchanged} unchanged, {result.Rejected} rejected");
            if (result.RejectFile is not null)
            {
                context.Out.WriteLine($"Rejected rows, each with the reason, are in {result.RejectFile}");
            }

            if (result.DryRun)
            {
                context.Out.WriteLine("Dry run: the store was not changed.");
            }
        });
        return command;
    }

    private static Command Export(CliIo io)
    {
        var file = new Argument<string>("file") { Description = "The CSV file to write; an existing one is replaced" };
        var container = new Option<string?>("--container") { Description = "Only this container", HelpName = "path" };
        var subcontainers = new Option<bool>("--subcontainers") { Description = "With --container, also the containers below it" };
        var objectClass = new Option<string?>("--class") { Description = "Only this class", HelpName = "class" };
        objectClass.AcceptOnlyFromAmong("mailbox", "custom-recipient", "dl", "distribution-list", "remote");
        var command = new Command("export", "Write live recipients to a bulk CSV file that 'bulk import' reads back (the original's admin /e)")
        {
            file, container, subcontainers, objectClass,
        };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var parse = context.ParseResult;
            var path = FullPath(context, parse.GetRequiredValue(file));
            var result = await WithProgressAsync(context, "Exporting", "recipients", (store, progress) => new BulkExporter(store).ExportAsync(
                path,
                new BulkExportOptions
                {
                    Container = parse.GetValue(container) is { } text ? DirectoryPath.Parse(text) : null,
                    IncludeSubcontainers = parse.GetValue(subcontainers),
                    Class = parse.GetValue(objectClass) is { } cls ? ObjectClassNames.Parse(cls) : null,
                    Progress = progress,
                },
                cancellationToken), cancellationToken);

            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("file", result.File);
                    w.WriteNumber("recipients", result.Recipients);
                    w.WriteNumber("mailboxes", result.Mailboxes);
                    w.WriteNumber("customRecipients", result.CustomRecipients);
                    w.WriteNumber("distributionLists", result.DistributionLists);
                    w.WriteEndObject();
                });
                return;
            }

            context.Out.WriteLine(
                $"Exported {Count(result.Recipients, "recipient")} to {result.File}: {Count(result.Mailboxes, "mailbox", "mailboxes")}, {Count(result.CustomRecipients, "custom recipient")}, {Count(result.DistributionLists, "distribution list")}");
        });
        return command;
    }

    /// <summary>Runs a bulk operation on the store with a progress line on a terminal.</summary>
    private static async Task<T> WithProgressAsync<T>(
        CommandContext context, string verb, string unit, Func<IDirectoryStore, ProgressLine?, Task<T>> run, CancellationToken cancellationToken)
    {
        await using var store = await context.OpenStoreAsync(cancellationToken);
        return await context.WithProgressAsync(verb, unit, progress => run(store, progress));
    }

    private static string FullPath(CommandContext context, string path) => Path.GetFullPath(Path.Combine(context.Io.CurrentDirectory, path));

    private static string Count(long count, string noun, string? plural = null) =>
        $"{count} {(count == 1 ? noun : plural ?? noun + "s")}";
}
