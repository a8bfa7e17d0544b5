namespace DirSync.Core.Storage;

/// <summary>One server's directory: the only persistence boundary of DirSync.</summary>
public interface IDirectoryStore : IDirectoryReader, IAsyncDisposable
{
    /// <summary>Starts the store's one write transaction, waiting a bounded time for another writer.</summary>
    /// <exception cref="StoreException">Another process kept the store busy past the wait (category <see cref="ErrorCategory.Busy"/>).</exception>
    ValueTask<IDirectoryTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts the write transaction of a load: one that may add a great many objects at once (a bulk import, a full
    /// change set). Same guarantees as <see cref="BeginTransactionAsync"/>; a store may write such a transaction in a
    /// way that suits it (SQLite: once, without the write-ahead log, into a store that holds no object yet).
    /// </summary>
    /// <exception cref="StoreException">Another process kept the store busy past the wait (category <see cref="ErrorCategory.Busy"/>).</exception>
    ValueTask<IDirectoryTransaction> BeginLoadAsync(CancellationToken cancellationToken = default) => BeginTransactionAsync(cancellationToken);
}
