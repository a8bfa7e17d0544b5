using DirSync.Core.Connectors;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>Runs an instance as the original's <c>DIRSYNC &lt;instance&gt;</c> did: export, import, or export then import.</summary>
public sealed class Synchronizer
{
    private readonly IDirectoryStore _store;
    private readonly Exporter _exporter;
    private readonly Importer _importer;
    private readonly IDirectoryConnector? _connector;
    private readonly TimeProvider? _time;

    /// <summary>Creates a synchronizer for <paramref name="store"/>; <paramref name="connector"/> opens the live directories instances name.</summary>
    public Synchronizer(IDirectoryStore store, ChangeSetCodecs? codecs = null, TimeProvider? time = null, IDirectoryConnector? connector = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        codecs ??= ChangeSetCodecs.Default;
        _exporter = new Exporter(store, codecs, time);
        _importer = new Importer(store, codecs, time);
        _connector = connector;
        _time = time;
    }

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
                $"instance '{instance.Name}' is an {has} instance and cannot {wants}; make it do both with 'dirsync instance set {instance.Name} --both --export-file <path> --import-file <path>'");
        }

        ExportResult? export = null;
        ImportResult? import = null;
        if (instance.Settings.Directory is not null)
        {
            var connector = _connector ?? throw new InvalidValueException($"instance '{instance.Name}' names a directory, but this dirsync has no LDAP connector");
            if (direction.HasFlag(InstanceDirection.Export))
            {
                await using var target = await connector.OpenTargetAsync(instance, options.DryRun, cancellationToken);
                export = await new DirectoryExporter(_store, _time).ExportAsync(instance, target, full, options.DryRun, cancellationToken);
            }

            if (direction.HasFlag(InstanceDirection.Import))
            {
                await using var source = await connector.OpenSourceAsync(instance, cancellationToken);
                import = await new DirectoryImporter(_store, _time).ImportAsync(instance, source, full, options, cancellationToken);
            }

            return new RunResult(instance.Name, direction, export, import);
        }

        if (direction.HasFlag(InstanceDirection.Export))
        {
            export = await _exporter.ExportAsync(instance.Name, full, options.DryRun, cancellationToken);
        }

        if (direction.HasFlag(InstanceDirection.Import))
        {
            import = await _importer.ImportAsync(instance.Name, options, cancellationToken);
        }

        return new RunResult(instance.Name, direction, export, import);
    }
}
