namespace DirSync.Core.Connectors;

/// <summary>A live directory an instance exports to, connected and bound.</summary>
public interface IDirectoryTarget : IAsyncDisposable
{
    /// <summary>The directory's identity: what ownership records and the watermark are tied to.</summary>
    Guid Identity { get; }

    /// <summary>A readable name for messages: the server and base DN.</summary>
    string Name { get; }

    /// <summary>
    /// Reads what the directory holds of the owned entries, for a full run's reconcile: afterwards an update
    /// compares with the entry as it is, re-creates one deleted by hand and restores edited attributes.
    /// </summary>
    Task LoadCurrentAsync(IReadOnlyCollection<OwnedEntry> owned, CancellationToken cancellationToken = default);

    /// <summary>Writes the changes (several at a time) and yields each one's outcome as the directory answers it.</summary>
    /// <exception cref="DirSyncException">The connection was lost (category <see cref="ErrorCategory.Directory"/>); outcomes yielded before stand.</exception>
    IAsyncEnumerable<TargetOutcome> WriteAsync(IAsyncEnumerable<TargetChange> changes, CancellationToken cancellationToken = default);
}
