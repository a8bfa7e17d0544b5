using DirSync.Core.Sync;

namespace DirSync.Core.Connectors;

/// <summary>One read of a directory's changes: the records, then what the read proved and the cookie for the next one.</summary>
public interface IDirectoryChanges
{
    /// <summary>Full when no cookie was used (every entry comes as an add), incremental otherwise.</summary>
    ChangeSetMode Mode { get; }

    /// <summary>The records, streamed: adds and modifies carry the whole entry, deletes the anchor.</summary>
    /// <exception cref="DirSyncException">The server failed or the connection was lost (category <see cref="ErrorCategory.Directory"/>).</exception>
    IAsyncEnumerable<ChangeRecord> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// After <see cref="ReadAsync"/>: when not null, the read named every live entry in scope — as a record or in this
    /// set of anchors present but unchanged — so whatever it did not name is gone and is deleted (a reconcile).
    /// </summary>
    IReadOnlySet<Guid>? Present { get; }

    /// <summary>After <see cref="ReadAsync"/>: the cookie the next read starts from.</summary>
    string? Cookie { get; }
}
