using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>Reads and writes instances in a store, in the JSON form of <see cref="InstanceJson"/>.</summary>
/// <remarks>The store keeps an instance as text so that storage knows nothing of the sync engine's types.</remarks>
public static class InstanceStore
{
    /// <summary>The instance with this name (case-insensitive), or null.</summary>
    public static async ValueTask<Instance?> FindInstanceAsync(this IDirectoryReader reader, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return await reader.FindStoredInstanceAsync(name, cancellationToken) is { } stored ? Read(stored) : null;
    }

    /// <summary>Every instance, ordered by name.</summary>
    public static async ValueTask<IReadOnlyList<Instance>> ListInstancesAsync(this IDirectoryReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return (await reader.ListStoredInstancesAsync(cancellationToken)).Select(Read).ToList();
    }

    /// <summary>Creates or replaces an instance (settings and state), keyed by its name.</summary>
    public static ValueTask SaveInstanceAsync(this IDirectoryTransaction transaction, Instance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(instance);
        return transaction.SaveStoredInstanceAsync(
            new StoredInstance(instance.Name, InstanceJson.Serialize(instance.Settings), InstanceJson.Serialize(instance.State)), cancellationToken);
    }

    private static Instance Read(StoredInstance stored) =>
        new(stored.Name, InstanceJson.DeserializeSettings(stored.Settings), InstanceJson.DeserializeState(stored.State));
}
