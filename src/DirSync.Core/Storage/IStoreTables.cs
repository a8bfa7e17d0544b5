namespace DirSync.Core.Storage;

/// <summary>A store read table by table, row by row, as it is kept: what <c>store copy</c> moves between backends.</summary>
/// <remarks>Implemented by every backend's store beside <see cref="IDirectoryStore"/>; nothing but copying and verifying a copy uses it.</remarks>
public interface IStoreTables
{
    /// <summary>The rows of <paramref name="table"/> in the order of its key, each value of the kind its column declares (null for SQL NULL); streamed.</summary>
    IAsyncEnumerable<object?[]> ReadTableAsync(StoreTable table, CancellationToken cancellationToken = default);
}
