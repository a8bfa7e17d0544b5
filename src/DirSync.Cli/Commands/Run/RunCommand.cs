using System.CommandLine;
using System.Text.Json;
using DirSync.Core;
using DirSync.Core.Status;
using DirSync.Core.Sync;
using DirSync.Ldap;

namespace DirSync.Cli.Commands.Run;

/// <summary><c>dirsync run &lt;instance&gt;</c>: the original's <c>DIRSYNC &lt;instance&gt;</c>.</summary>
internal static class RunCommand
{
    public static Command Create(CliIo io)
    {
        var name = new Argument<string>("instance") { Description = "The instance to run" };
        var full = new Option<bool>("--full", "--expfull") { Description = "Export everything, not just what changed (the original's /EXPFULL)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and change nothing" };
        var exportOnly = new Option<bool>("--export") { Description = "Run only the export half" };
        var importOnly = new Option<bool>("--import") { Description = "Run only the import half" };
        var acceptNewSource = new Option<bool>("--accept-new-source") { Description = "Accept a full change set from a replacement source server" };
        var allowDeletes = GlobalOptions.AllowDeletes();
        var command = new Command("run", "Run an instance: export its changes, import a file, or both")
        {
            name, full, dryRun, exportOnly, importOnly, acceptNewSource, allowDeletes,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(exportOnly) && result.GetValue(importOnly))
            {
                result.AddError("give --export or --import, not both (without either, the instance does what it is set to do)");
            }
        });
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var result = context.ParseResult;

            InstanceDirection? only = result.GetValue(exportOnly) ? InstanceDirection.Export : result.GetValue(importOnly) ? InstanceDirection.Import : null;
            var asJson = context.Json;
            var instanceName = result.GetRequiredValue(name);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var dry = result.GetValue(dryRun);
            var run = await context.WithProgressAsync($"Running {instanceName}", "records", progress =>
            {
                var options = new ImportOptions
                {
                    DryRun = dry,
                    AcceptNewSource = result.GetValue(acceptNewSource),
                    AllowDeletes = result.GetValue(allowDeletes),
                    Observer = asJson || !dry ? null : step => context.Out.WriteLine($"  {step.Action,-9} {step.Alias,-24} {step.Detail}"),
                    Progress = progress,
                };
                var synchronizer = new Synchronizer(store, connector: new LdapConnector()) { Progress = progress };
                return dry
                    ? synchronizer.RunAsync(instanceName, only, result.GetValue(full), options, cancellationToken)
                    : RunHistory.TimeAsync(
                        store, TimeProvider.System, "instance " + instanceName, () => synchronizer.RunAsync(instanceName, only, result.GetValue(full), options, cancellationToken), Describe, cancellationToken);
            });
            if (asJson)
            {
                context.WriteJson(w => WriteJson(w, run));
            }
            else
            {
                WriteText(context.Out, run);
            }

            if (run.ImportFailure is { } failure)
            {
                // The export half is committed and stands: it is reported, and the exit is the import's.
                context.Io.CommitOutput();
                throw new DirSyncException($"the export of {run.Instance} was written (change set {run.Export!.Sequence}), but its import failed: {failure.Message}", failure.Category, failure);
            }

            if (run.Import?.Blocked is { } blocked)
            {
                // The plan is printed whole, and the exit says the real run would not go through.
                context.Io.CommitOutput();
                throw new DirSyncException($"a real run would be stopped: {blocked}", ErrorCategory.Guard);
            }

            if (run.Export is { Refused.Count: > 0 } refusedExport)
            {
                // What the directory accepted is done and reported; the refused entries are listed above the exit.
                context.Io.CommitOutput();
                var first = refusedExport.Refused[0];
                var more = refusedExport.Refused.Count > 1 ? $" (and {refusedExport.Refused.Count - 1} more)" : "";
                throw new DirSyncException(
                    $"{refusedExport.File} refused {refusedExport.Refused.Count} entries: {first}{more}; what it accepted is recorded, the refused ones are sent again by the next run",
                    ErrorCategory.Refused);
            }
        });
        return command;
    }

    /// <summary>How a run ended, for the status views.</summary>
    private static (bool Succeeded, string Summary) Describe(RunResult run)
    {
        var parts = new List<string>();
        if (run.Export is { } e)
        {
            parts.Add($"exported change set {e.Sequence}: {e.Added} added, {e.Modified} modified, {e.Deleted} deleted");
        }

        if (run.Import is { } i)
        {
            parts.Add(i.AlreadyApplied ? $"change set {i.Sequence} was already applied" : $"imported change set {i.Sequence}: {i.Added} added, {i.Modified} modified, {i.Deleted} deleted");
        }

        if (run.Export is { Refused.Count: > 0 } refused)
        {
            parts.Add($"{refused.Refused.Count} entries refused: {refused.Refused[0]}");
        }

        return (run.Export is not { Refused.Count: > 0 }, string.Join("; ", parts));
    }

    private static void WriteText(TextWriter output, RunResult run)
    {
        if (run.Export is { } e)
        {
            var what = e.DryRun ? "would export" : "exported";
            output.WriteLine(
                $"{run.Instance}: {what} change set {e.Sequence} ({Mode(e.Mode)}, USN {e.UsnFrom}→{e.UsnTo}) to {e.File}: {e.Added} added, {e.Modified} modified, {e.Deleted} deleted; {e.Skipped} {(e.Refused.Count > 0 || e.Unchanged > 0 ? "unchanged" : "passed over")}");
            foreach (var refusal in e.Refused)
            {
                output.WriteLine($"  refused: {refusal}");
            }
        }

        if (run.ImportSkipped is { } skipped)
        {
            output.WriteLine($"{run.Instance}: {skipped}");
        }

        if (run.Import is { } i)
        {
            if (i.AlreadyApplied)
            {
                output.WriteLine($"{run.Instance}: {i.Notes[0]}");
                return;
            }

            var what = i.DryRun ? "would import" : "imported";
            output.WriteLine(
                $"{run.Instance}: {what} change set {i.Sequence} ({Mode(i.Mode)}) from {i.Source}: {i.Added} added, {i.Modified} modified, {i.Deleted} deleted, {i.Unchanged} unchanged");
            foreach (var note in i.Notes)
            {
                output.WriteLine($"  note: {note}");
            }
        }

        if (run.Export?.DryRun == true || run.Import?.DryRun == true)
        {
            output.WriteLine("Dry run: nothing was changed.");
        }
    }

    private static void WriteJson(Utf8JsonWriter w, RunResult run)
    {
        w.WriteStartObject();
        w.WriteString("instance", run.Instance);
        w.WriteString("direction", InstanceJson.DirectionToken(run.Direction));

        // The top level describes the half that ran (the import, for a run of both); both halves
        // are also given in full under "export" and "import".
        if (run.Import is { } import)
        {
            WriteImport(w, import);
        }
        else if (run.Export is { } export)
        {
            WriteExport(w, export);
        }

        if (run.Export is not null && run.Direction == InstanceDirection.Both)
        {
            w.WriteStartObject("export");
            WriteExport(w, run.Export);
            w.WriteEndObject();
            if (run.Import is not null)
            {
                w.WriteStartObject("import");
                WriteImport(w, run.Import);
                w.WriteEndObject();
            }
            else
            {
                // The import half did nothing: the reason, where a script looks for the import.
                w.WriteStartObject("import");
                w.WriteString(run.ImportFailure is null ? "skipped" : "error", run.ImportSkipped ?? run.ImportFailure?.Message);
                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
    }

    private static void WriteExport(Utf8JsonWriter w, ExportResult e)
    {
        w.WriteString("mode", Mode(e.Mode));
        w.WriteString("file", e.File);
        w.WriteNumber("sequence", e.Sequence);
        w.WriteNumber("added", e.Added);
        w.WriteNumber("modified", e.Modified);
        w.WriteNumber("deleted", e.Deleted);
        w.WriteNumber("unchanged", e.Skipped);
        w.WriteNumber("usnFrom", e.UsnFrom);
        w.WriteNumber("usnTo", e.UsnTo);
        w.WriteBoolean("dryRun", e.DryRun);
        if (e.File.StartsWith("ldap", StringComparison.Ordinal))
        {
            // A directory export: the entries the server refused, each with its DN and the server's reason.
            w.WriteStartArray("refused");
            foreach (var refusal in e.Refused)
            {
                w.WriteStringValue(refusal);
            }

            w.WriteEndArray();
        }
    }

    private static void WriteImport(Utf8JsonWriter w, ImportResult i)
    {
        w.WriteString("mode", Mode(i.Mode));
        w.WriteString("file", i.File);
        w.WriteNumber("sequence", i.Sequence);
        w.WriteNumber("added", i.Added);
        w.WriteNumber("modified", i.Modified);
        w.WriteNumber("deleted", i.Deleted);
        w.WriteNumber("unchanged", i.Unchanged);
        w.WriteString("source", i.Source);
        w.WriteBoolean("alreadyApplied", i.AlreadyApplied);
        w.WriteBoolean("dryRun", i.DryRun);
        if (i.Blocked is not null)
        {
            w.WriteString("blocked", i.Blocked);
        }

        w.WriteStartArray("notes");
        foreach (var note in i.Notes)
        {
            w.WriteStringValue(note);
        }

        w.WriteEndArray();
    }

    private static string Mode(ChangeSetMode mode) => mode == ChangeSetMode.Full ? "full" : "incremental";
}
