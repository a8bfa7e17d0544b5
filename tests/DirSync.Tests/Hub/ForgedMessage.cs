using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Core.Transport;

namespace DirSync.Tests.Hub;

/// <summary>Writes Dir-Sync messages by hand, as someone holding a requestor's key (or not) could.</summary>
internal static class ForgedMessage
{
    /// <summary>A requestor update from <paramref name="from"/> numbered right after what the server has taken in from it, signed with <paramref name="key"/>.</summary>
    public static async Task<string> SendAsync(
        HubNetwork network, StoreInfo sender, string from, string key, IReadOnlyList<ChangeRecord> records, string to = HubNetwork.ServerName, long srvSync = 0)
    {
        var registered = await HubSettings.RegisteredAsync(network.Server, from);
        var acknowledged = registered?.ReqSync ?? 0;
        var message = new HubMessage(
            MessageKind.RequestorUpdate, Guid.NewGuid(), from, to, acknowledged + records.Count, acknowledged, srvSync, 0, 0, acknowledged + 1, false, false, false, null);
        return await WriteAsync(network.ServerInbox, sender, message, records, key, network.Time.GetUtcNow());
    }

    /// <summary>Delivers <paramref name="message"/> with <paramref name="records"/> into <paramref name="inbox"/> and returns the file's path.</summary>
    public static async Task<string> WriteAsync(string inbox, StoreInfo sender, HubMessage message, IReadOnlyList<ChangeRecord> records, string? key, DateTimeOffset now)
    {
        var folder = new DropFolder(inbox);
        var before = Directory.GetFiles(inbox, "*" + DropFolder.Extension).ToHashSet();
        using (var file = folder.CreateMessage(now))
        {
            await MessageFile.WriteAsync(file.Stream, sender, message, ChangeSetMode.Incremental, Stream(records), key, now);
            file.Commit();
        }

        return Directory.GetFiles(inbox, "*" + DropFolder.Extension).Single(f => !before.Contains(f));
    }

    /// <summary>The record a postoffice would send for <paramref name="value"/>, with another display name.</summary>
    public static ChangeRecord Modify(DirectoryObject value, string owner, string displayName)
    {
        var record = HubPolicies.Record(value, ChangeKind.Modify, owner);
        record.DisplayName = displayName;
        return record;
    }

    public static ChangeRecord Delete(DirectoryObject value, string owner) =>
        new(ChangeKind.Delete, value.Guid, value.Alias, value.Container) { Owner = owner };

    private static async IAsyncEnumerable<ChangeRecord> Stream(IReadOnlyList<ChangeRecord> records)
    {
        foreach (var record in records)
        {
            yield return record;
        }

        await Task.CompletedTask;
    }
}
