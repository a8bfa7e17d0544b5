using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>A unit of work on a store: everything in it commits together or not at all.</summary>
/// <remarks>
/// Every object write takes the next USN. Disposing without <see cref="CommitAsync"/> rolls back.
/// A store has one writer at a time; beginning a transaction waits a bounded time for another.
/// </remarks>
public interface IDirectoryTransaction : IDirectoryReader, IAsyncDisposable
{
    /// <summary>Stores a new object; sets its USN-Created, USN-Changed and times.</summary>
    /// <exception cref="ConflictException">The alias, anchor or an address is already taken.</exception>
    ValueTask AddAsync(DirectoryObject value, CancellationToken cancellationToken = default);

    /// <summary>Replaces a live object's content (found by anchor); sets its USN-Changed and time.</summary>
    /// <exception cref="NotFoundException">No live object has that anchor.</exception>
    /// <exception cref="ConflictException">The new alias or an address is already taken.</exception>
    ValueTask UpdateAsync(DirectoryObject value, CancellationToken cancellationToken = default);

    /// <summary>Turns a live object into a tombstone with the next USN, frees its alias and addresses and drops it from lists.</summary>
    /// <remarks>Each distribution list that loses the member is changed too, with a USN of its own.</remarks>
    /// <returns>The tombstone.</returns>
    /// <exception cref="NotFoundException">No live object has that anchor.</exception>
    ValueTask<DirectoryObject> DeleteAsync(Guid guid, CancellationToken cancellationToken = default);

    /// <summary>Creates a container whose parent exists.</summary>
    ValueTask AddContainerAsync(DirectoryPath path, CancellationToken cancellationToken = default);

    /// <summary>Sets (or, with null, removes) the template of an address type.</summary>
    ValueTask SetAddressTemplateAsync(string addressType, string? template, CancellationToken cancellationToken = default);

    /// <summary>Removes tombstones deleted before <paramref name="deletedBefore"/>.</summary>
    /// <returns>How many were removed.</returns>
    ValueTask<int> PurgeTombstonesAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces an instance (settings and state), keyed by its name.</summary>
    ValueTask SaveStoredInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default);

    /// <summary>Removes an instance.</summary>
    /// <returns>False when there was none.</returns>
    ValueTask<bool> RemoveInstanceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stores (or, with null, removes) a setting.</summary>
    ValueTask SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default);

    /// <summary>Adds an entry to a queue; its number must be higher than any already there.</summary>
    ValueTask AppendToQueueAsync(string queue, QueueEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes a queue's entries numbered up to and including <paramref name="through"/>.</summary>
    /// <returns>How many were removed.</returns>
    ValueTask<long> TrimQueueAsync(string queue, long through, CancellationToken cancellationToken = default);

    /// <summary>Removes a queue's entries queued before <paramref name="before"/>.</summary>
    /// <returns>How many were removed.</returns>
    ValueTask<long> PurgeQueueAsync(string queue, DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Adds an event to the log and returns it with its id.</summary>
    ValueTask<EventRecord> AppendEventAsync(EventRecord value, CancellationToken cancellationToken = default);

    /// <summary>Replaces the Global Address List with <paramref name="entries"/>, which arrive in rank order.</summary>
    ValueTask ReplaceGalAsync(IAsyncEnumerable<GalEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Makes every write of the transaction durable at once.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
