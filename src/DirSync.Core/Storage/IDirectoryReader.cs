using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>Reads one server's directory; implemented by the store and by its transactions.</summary>
/// <remarks>Reads through a transaction see that transaction's own uncommitted writes.</remarks>
public interface IDirectoryReader
{
    /// <summary>Who the store is.</summary>
    StoreInfo Info { get; }

    /// <summary>The highest USN handed out so far (0 for a new store).</summary>
    ValueTask<long> GetHighestUsnAsync(CancellationToken cancellationToken = default);

    /// <summary>The highest USN among tombstones purged so far (0 if none): changes at or below it may have lost deletes.</summary>
    ValueTask<long> GetPurgedThroughUsnAsync(CancellationToken cancellationToken = default);

    /// <summary>The live object with this alias (case-insensitive), or null.</summary>
    ValueTask<DirectoryObject?> FindByAliasAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>The anchor of the live object with this alias (case-insensitive), or null: a cheap check that reads nothing else.</summary>
    ValueTask<Guid?> FindAliasOwnerAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>The live object with this alias (case-insensitive) as a list names its member — its anchor and its alias as stored — or null; reads nothing else of it.</summary>
    ValueTask<MemberRef?> FindMemberAsync(string alias, CancellationToken cancellationToken = default);

    /// <summary>The object with this anchor, or null; tombstones only when asked for.</summary>
    ValueTask<DirectoryObject?> FindByGuidAsync(Guid guid, bool includeDeleted = false, CancellationToken cancellationToken = default);

    /// <summary>The live object imported from <paramref name="source"/> with that source anchor, or null.</summary>
    ValueTask<DirectoryObject?> FindByOriginAsync(string source, Guid anchor, CancellationToken cancellationToken = default);

    /// <summary>The anchor of the live object that holds an address (compared case-insensitively, primary or not), or null.</summary>
    ValueTask<Guid?> FindAddressOwnerAsync(ProxyAddress address, CancellationToken cancellationToken = default);

    /// <summary>True when a live object other than <paramref name="except"/> has this display name (case-insensitive).</summary>
    ValueTask<bool> DisplayNameExistsAsync(string displayName, Guid? except = null, CancellationToken cancellationToken = default);

    /// <summary>Live objects matching a filter, ordered by alias; streamed.</summary>
    IAsyncEnumerable<DirectoryObject> ListAsync(RecipientFilter filter, CancellationToken cancellationToken = default);

    /// <summary>How many live objects match a filter.</summary>
    ValueTask<long> CountAsync(RecipientFilter filter, CancellationToken cancellationToken = default);

    /// <summary>The origins of the live objects imported from <paramref name="source"/>, in no particular order.</summary>
    /// <remarks>What a full change set is reconciled against: anchors and owners only, read from an index without sorting or decoding objects.</remarks>
    IAsyncEnumerable<ObjectOrigin> ListOriginsAsync(string source, CancellationToken cancellationToken = default);

    /// <summary>Every object (tombstones included) changed after <paramref name="usn"/>, in USN order; streamed.</summary>
    /// <remarks>An indexed query: its cost follows the number of changes, not the size of the directory.</remarks>
    IAsyncEnumerable<DirectoryObject> GetChangesSinceAsync(long usn, CancellationToken cancellationToken = default);

    /// <summary>The containers, ordered by path, with how many live recipients each holds directly.</summary>
    ValueTask<IReadOnlyList<ContainerInfo>> ListContainersAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the container exists.</summary>
    ValueTask<bool> ContainerExistsAsync(DirectoryPath path, CancellationToken cancellationToken = default);

    /// <summary>The site's address templates: address type to template text, ordered by type.</summary>
    ValueTask<IReadOnlyList<AddressTemplateSetting>> GetAddressTemplatesAsync(CancellationToken cancellationToken = default);

    /// <summary>The instance with this name (case-insensitive), or null.</summary>
    ValueTask<StoredInstance?> FindStoredInstanceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every instance, ordered by name.</summary>
    ValueTask<IReadOnlyList<StoredInstance>> ListStoredInstancesAsync(CancellationToken cancellationToken = default);

    /// <summary>A stored setting (JSON text, owned by the feature that wrote it), or null.</summary>
    ValueTask<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The settings whose keys start with <paramref name="prefix"/>, ordered by key.</summary>
    ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListSettingsAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>The entries of a queue numbered above <paramref name="after"/>, in number order; streamed.</summary>
    IAsyncEnumerable<QueueEntry> ReadQueueAsync(string queue, long after, CancellationToken cancellationToken = default);

    /// <summary>The lowest and highest numbers in a queue and how many entries it holds (zeros when empty).</summary>
    ValueTask<(long First, long Last, long Count)> GetQueueBoundsAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>The newest events, newest last, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<EventRecord>> ListEventsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>How many events of each code the log holds.</summary>
    /// <remarks>The default reads the whole log; a store answers it with one grouped query.</remarks>
    async ValueTask<IReadOnlyDictionary<int, long>> CountEventsByCodeAsync(CancellationToken cancellationToken = default) =>
        (await ListEventsAsync(int.MaxValue, cancellationToken)).GroupBy(e => e.Code).ToDictionary(g => g.Key, g => (long)g.Count());

    /// <summary>The Global Address List as last rebuilt, in display-name order; streamed.</summary>
    IAsyncEnumerable<GalEntry> ListGalAsync(CancellationToken cancellationToken = default);

    /// <summary>The entries whose search key starts with <paramref name="prefixKey"/>, in display-name order, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<GalEntry>> SearchGalAsync(string prefixKey, int limit, CancellationToken cancellationToken = default);
}
