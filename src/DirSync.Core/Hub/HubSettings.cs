using System.Text.Json;
using DirSync.Core.Storage;

namespace DirSync.Core.Hub;

/// <summary>Reads and writes the hub's state in the store's settings.</summary>
public static class HubSettings
{
    /// <summary>The setting of the server's state.</summary>
    public const string ServerKey = "hub.server";

    /// <summary>The setting of this store's requestor state (its name is also the local postoffice name the GAL shows).</summary>
    public const string RequestorKey = "requestor";

    /// <summary>The prefix of the settings of registered requestors.</summary>
    public const string RegisteredPrefix = "hub.requestors/";

    /// <summary>The server's master log (MSTTRANS).</summary>
    public const string MasterLog = "hub.master";

    /// <summary>A requestor's queue of transactions waiting for the server's acknowledgement (REQTRANS).</summary>
    public const string Outbox = "hub.outbox";

    /// <summary>A requestor's queue of received updates waiting for import (SRVTRANS).</summary>
    public const string Inbound = "hub.inbound";

    /// <summary>The server's state, or null when this store is not a dir-sync server.</summary>
    public static async ValueTask<HubServerState?> ServerAsync(IDirectoryReader reader, CancellationToken cancellationToken = default) =>
        StoredJson.Deserialize<HubServerState>(ServerKey, await reader.GetSettingAsync(ServerKey, cancellationToken));

    /// <summary>Saves the server's state.</summary>
    public static ValueTask SaveAsync(IDirectoryTransaction transaction, HubServerState state, CancellationToken cancellationToken = default) =>
        transaction.SetSettingAsync(ServerKey, StoredJson.Serialize(state), cancellationToken);

    /// <summary>This store's requestor state, or null when it is not a requestor.</summary>
    public static async ValueTask<RequestorState?> RequestorAsync(IDirectoryReader reader, CancellationToken cancellationToken = default) =>
        StoredJson.Deserialize<RequestorState>(RequestorKey, await reader.GetSettingAsync(RequestorKey, cancellationToken));

    /// <summary>Saves this store's requestor state.</summary>
    public static ValueTask SaveAsync(IDirectoryTransaction transaction, RequestorState state, CancellationToken cancellationToken = default) =>
        transaction.SetSettingAsync(RequestorKey, StoredJson.Serialize(state), cancellationToken);

    /// <summary>A registered requestor, or null.</summary>
    public static async ValueTask<RegisteredRequestor?> RegisteredAsync(IDirectoryReader reader, string name, CancellationToken cancellationToken = default) =>
        StoredJson.Deserialize<RegisteredRequestor>(RegisteredPrefix + name.ToUpperInvariant(), await reader.GetSettingAsync(RegisteredPrefix + name.ToUpperInvariant(), cancellationToken));

    /// <summary>Every registered requestor, ordered by name.</summary>
    public static async ValueTask<IReadOnlyList<RegisteredRequestor>> RegisteredAsync(IDirectoryReader reader, CancellationToken cancellationToken = default) =>
        (await reader.ListSettingsAsync(RegisteredPrefix, cancellationToken)).Select(s => StoredJson.Deserialize<RegisteredRequestor>(s.Key, s.Value)!).ToList();

    /// <summary>Saves a registered requestor.</summary>
    public static ValueTask SaveAsync(IDirectoryTransaction transaction, RegisteredRequestor requestor, CancellationToken cancellationToken = default) =>
        transaction.SetSettingAsync(RegisteredPrefix + requestor.Name.ToUpperInvariant(), StoredJson.Serialize(requestor), cancellationToken);

    /// <summary>Removes a registered requestor.</summary>
    public static ValueTask RemoveRegisteredAsync(IDirectoryTransaction transaction, string name, CancellationToken cancellationToken = default) =>
        transaction.SetSettingAsync(RegisteredPrefix + name.ToUpperInvariant(), null, cancellationToken);

    /// <summary>The name this server's own recipients carry as their postoffice: the requestor name if set, else the server name.</summary>
    /// <exception cref="DirSyncException">The stored requestor setting is not valid JSON.</exception>
    public static async Task<string> LocalPostofficeAsync(IDirectoryReader store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var json = await store.GetSettingAsync(RequestorKey, cancellationToken);
        if (json is null)
        {
            return store.Info.Server;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                // The hub owns this setting; accept its name whichever case its serializer gave the property.
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (string.Equals(property.Name, "name", StringComparison.OrdinalIgnoreCase)
                        && property.Value.ValueKind == JsonValueKind.String
                        && property.Value.GetString() is { } name
                        && !string.IsNullOrWhiteSpace(name))
                    {
                        return name;
                    }
                }
            }
        }
        catch (JsonException e)
        {
            throw new DirSyncException(
                $"cannot tell this postoffice's name: the stored setting '{RequestorKey}' is not valid JSON ({e.Message})",
                ErrorCategory.Store,
                e);
        }

        return store.Info.Server;
    }
}
