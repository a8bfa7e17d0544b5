using System.Text;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using DirSync.Sqlite;

namespace DirSync.Tests.Support;

/// <summary>A store's synchronization-relevant state as one string: two equal snapshots mean nothing changed.</summary>
/// <remarks>
/// Holds the highest and purged-through USNs, every object (tombstones included) with all its
/// content, USNs and times, and every instance's settings and state.
/// </remarks>
public static class SyncSnapshot
{
    public static async Task<string> TakeAsync(IDirectoryReader store)
    {
        var text = new StringBuilder();
        text.Append("highest USN ").Append(await store.GetHighestUsnAsync())
            .Append(", purged through ").Append(await store.GetPurgedThroughUsnAsync()).Append('\n');
        await foreach (var value in store.GetChangesSinceAsync(0))
        {
            text.Append($"{value.UsnCreated}/{value.UsnChanged} {value.Guid} {value.Class} '{value.Alias}' '{value.DisplayName}' in {value.Container}")
                .Append(value.IsDeleted ? " deleted" : "")
                .Append($" target={value.TargetAddress} origin={value.Origin} {value.WhenCreated:O} {value.WhenChanged:O}\n");
            text.Append("  proxies: ").AppendJoin(", ", value.ProxyAddresses).Append('\n');
            foreach (var (attribute, values) in value.Attributes)
            {
                text.Append("  ").Append(attribute.LdapName).Append(": ").AppendJoin(" | ", values).Append('\n');
            }

            text.Append("  members: ").AppendJoin(", ", value.Members.Select(m => m.Guid)).Append('\n');
        }

        foreach (var instance in await store.ListInstancesAsync())
        {
            text.Append("instance ").Append(instance.Name).Append(' ')
                .Append(InstanceJson.Serialize(instance.Settings)).Append(' ')
                .Append(InstanceJson.Serialize(instance.State)).Append('\n');
        }

        return text.ToString();
    }

    public static async Task<string> TakeAsync(string storePath)
    {
        await using var store = await TestStores.OpenAsync(storePath);
        return await TakeAsync(store);
    }
}
