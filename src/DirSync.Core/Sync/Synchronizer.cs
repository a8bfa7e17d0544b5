using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>Runs an instance as the original's <c>DIRSYNC &lt;instance&gt;</c> did: export, import, or export then import.</summary>
public sealed class Synchronizer
{
    private readonly IDirectoryStore _store;
    private readonly Exporter _exporter;
    private readonly Importer _importer;

    /// <summary>Creates a synchronizer for <paramref name="store"/>.</summary>
    public Synchronizer(IDirectoryStore store, ChangeSetCodecs? codecs = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        codecs ??= ChangeSetCodecs.Default;
        _exporter = new Exporter(store, codecs, time);
        _importer = new Importer(store, codecs, time);
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
                $"instance '{instance.Name}' is an {has} instance and cannot {wants}; make it do both with '{CommandHints.InstanceBoth(instance.Name)}'");
        }

        ExportResult? export = null;
        ImportResult? import = null;
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
