namespace DirSync.Core.Storage;

/// <summary>One server's directory: the only persistence boundary of DirSync.</summary>
public interface IDirectoryStore : IDirectoryReader, IAsyncDisposable
{
    /// <summary>Starts the store's one write transaction, waiting a bounded time for another writer.</summary>
    /// <exception cref="StoreException">Another process kept the store busy past the wait (category <see cref="ErrorCategory.Busy"/>).</exception>
    ValueTask<IDirectoryTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default);
}
