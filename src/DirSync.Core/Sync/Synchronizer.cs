using DirSync.Core.Connectors;
using DirSync.Core.Events;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>Runs an instance as the original's <c>DIRSYNC &lt;instance&gt;</c> did: export, import, or export then import.</summary>
public sealed class Synchronizer
{
    private readonly IDirectoryStore _store;
    private readonly ChangeSetCodecs _codecs;
    private readonly Importer _importer;
    private readonly IDirectoryConnector? _connector;
    private readonly TimeProvider _time;

    /// <summary>Creates a synchronizer for <paramref name="store"/>; <paramref name="connector"/> opens the live directories instances name.</summary>
    public Synchronizer(IDirectoryStore store, ChangeSetCodecs? codecs = null, TimeProvider? time = null, IDirectoryConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        codecs ??= ChangeSetCodecs.Default;
        _codecs = codecs;
        _importer = new Importer(store, codecs, time);
        _connector = connector;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Told how many records an export has written so far, as it goes (a progress indicator); may be null. An import reports through its <see cref="ImportOptions.Progress"/>.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>Runs the named instance.</summary>
    /// <param name="name">The instance.</param>
    /// <param name="only">Run only this half of a --both instance; null runs what the instance is set to do.</param>
    /// <param name="full">Export in full (the original's /EXPFULL).</param>
    /// <param name="options">How the import runs (dry run, accepting a new source, an observer).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="InvalidValueException">The instance is not set up for the half asked for.</exception>
    public async Task<RunResult> RunAsync(string name, InstanceDirection? only, bool full, ImportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var instance = await new InstanceAdmin(_store).GetAsync(name, cancellationToken);
        var direction = only ?? instance.Settings.Direction;
        if (!instance.Settings.Direction.HasFlag(direction))
        {
            var has = InstanceJson.DirectionToken(instance.Settings.Direction);
            var wants = InstanceJson.DirectionToken(direction);
            throw new InvalidValueException(
                $"instance '{instance.Name}' is an {has} instance and cannot {wants}; make it do both with '{CommandHints.InstanceBoth(instance.Name)}'");
        }

        var directory = instance.Settings.Directory;
        if (directory is not null && _connector is null)
        {
            throw new InvalidValueException($"instance '{instance.Name}' names a directory, but this dirsync has no LDAP connector");
        }

        ExportResult? export = null;
        if (direction.HasFlag(InstanceDirection.Export))
        {
            export = await LoggedAsync(instance.Name, "export", async () =>
            {
                if (directory is not null)
                {
                    await using var target = await _connector!.OpenTargetAsync(instance, options.DryRun, cancellationToken);
                    return await new DirectoryExporter(_store, _time).ExportAsync(instance, target, full, options.DryRun, cancellationToken);
                }

                return await new Exporter(_store, _codecs, _time) { Progress = Progress }.ExportAsync(instance.Name, full, options.DryRun, cancellationToken);
            }, cancellationToken);
            await LogExportAsync(instance.Name, export, cancellationToken);
        }

        if (!direction.HasFlag(InstanceDirection.Import))
        {
            return new RunResult(instance.Name, direction, export, null);
        }

        if (export is not null && directory is null && instance.Settings.ImportFile is { } file && !File.Exists(file))
        {
            // The other side of a pair has not exported yet (its first run comes after this one): nothing to import is not a failure.
            return new RunResult(instance.Name, direction, export, null) { ImportSkipped = $"nothing to import yet: '{file}' does not exist" };
        }

        try
        {
            var import = await LoggedAsync(instance.Name, "import", async () =>
            {
                if (directory is not null)
                {
                    await using var source = await _connector!.OpenSourceAsync(instance, cancellationToken);
                    return await new DirectoryImporter(_store, _time).ImportAsync(instance, source, full, options, cancellationToken);
                }

                return await _importer.ImportAsync(instance.Name, options, cancellationToken);
            }, cancellationToken);
            await LogImportAsync(instance.Name, import, cancellationToken);
            return new RunResult(instance.Name, direction, export, import);
        }
        catch (DirSyncException e) when (export is not null && !options.DryRun)
        {
            // The export is committed and stands; the result says so, beside why the import did not go through.
            return new RunResult(instance.Name, direction, export, null) { ImportFailure = e };
        }
    }

    private Task LogExportAsync(string instance, ExportResult export, CancellationToken cancellationToken) =>
        export.DryRun
            ? Task.CompletedTask
            : LogAsync(
                EventCodes.InstanceExported, EventSeverity.Information,
                $"instance {instance} exported change set {export.Sequence} ({Mode(export.Mode)}, USN {export.UsnFrom} to {export.UsnTo}) to {export.File}: {export.Added} added, {export.Modified} modified, {export.Deleted} deleted",
                cancellationToken);

    private Task LogImportAsync(string instance, ImportResult import, CancellationToken cancellationToken) =>
        import.DryRun || import.AlreadyApplied
            ? Task.CompletedTask
            : LogAsync(
                EventCodes.InstanceImported, EventSeverity.Information,
                $"instance {instance} imported change set {import.Sequence} ({Mode(import.Mode)}) from {import.Source}: {import.Added} added, {import.Modified} modified, {import.Deleted} deleted, {import.Unchanged} unchanged",
                cancellationToken);

    private static string Mode(ChangeSetMode mode) => mode == ChangeSetMode.Full ? "full" : "incremental";

    /// <summary>Runs one half, and logs its failure (event 322) as the hub logs a refused message.</summary>
    private async Task<T> LoggedAsync<T>(string instance, string half, Func<Task<T>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run();
        }
        catch (DirSyncException e) when (e.Category is not (ErrorCategory.Guard or ErrorCategory.Busy or ErrorCategory.Store) && !cancellationToken.IsCancellationRequested)
        {
            // The guard logs its own event (170); a busy or broken store would take no event either.
            await LogAsync(EventCodes.InstanceRunFailed, EventSeverity.Error, $"instance {instance}: the {half} failed: {e.Message}", cancellationToken);
            throw;
        }
    }

    private async Task LogAsync(int code, EventSeverity severity, string message, CancellationToken cancellationToken)
    {
        try
        {
            await EventLog.WriteAloneAsync(_store, _time, code, severity, message, cancellationToken);
        }
        catch (DirSyncException)
        {
            // The log is a record of the run, not part of it: a store that takes no event leaves the run as it was.
        }
    }
}
