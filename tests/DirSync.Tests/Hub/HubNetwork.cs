using DirSync.Core.Admin;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Transport;
using DirSync.Tests.Support;

namespace DirSync.Tests.Hub;

/// <summary>A dir-sync server (NET/HUB) and its requestors: real SQLite stores with real drop folders in one temp folder, on one manual clock.</summary>
internal sealed class HubNetwork : IAsyncDisposable
{
    public const string ServerName = "NET/HUB";

    private readonly List<Postoffice> _postoffices = [];

    private HubNetwork(TempFolder folder, ManualTimeProvider time)
    {
        Folder = folder;
        Time = time;
        ServerInbox = Directory.CreateDirectory(folder.File("hub-in")).FullName;
    }

    public TempFolder Folder { get; }

    public ManualTimeProvider Time { get; }

    public string ServerInbox { get; }

    public string ServerPath => Folder.File("hub.db");

    public IDirectoryStore Server { get; private set; } = null!;

    public DirSyncServer Hub => new(Server, Time);

    /// <summary>The requestors, in the order they were added.</summary>
    public IReadOnlyList<Postoffice> Postoffices => _postoffices;

    public Postoffice this[string name] => _postoffices.Single(p => p.Name == name);

    /// <summary>The server NET/HUB (keeping updates <paramref name="keepUpdates"/> days) and the requestors named, each registered with the password 'pw-' and its name.</summary>
    public static async Task<HubNetwork> CreateAsync(params string[] requestors) => await CreateAsync(14, requestors);

    public static async Task<HubNetwork> CreateAsync(int keepUpdates, params string[] requestors)
    {
        var network = new HubNetwork(new TempFolder(), new ManualTimeProvider());
        network.Server = await StoreFactory.CreateStoreAsync(network.ServerPath, org: "Corp", site: "Hub", server: "HubServer", time: network.Time);
        await network.Hub.EnableAsync(network.ServerInbox, keepUpdates, ServerName);
        foreach (var name in requestors)
        {
            await network.AddRequestorAsync(name);
        }

        return network;
    }

    public static string PasswordOf(string name) => "pw-" + name;

    /// <summary>Makes a store for <paramref name="name"/> (or, for the server's own name, makes the server store its own requestor) and registers it.</summary>
    public async Task<Postoffice> AddRequestorAsync(string name, bool applyOnReceive = false, long? deleteLimit = null, long? serverDeleteLimit = null)
    {
        var file = name.Replace('/', '-').ToLowerInvariant();
        var inbox = Directory.CreateDirectory(Folder.File(file + "-in")).FullName;
        var own = name == ServerName;
        var store = own
            ? Server
            : await StoreFactory.CreateStoreAsync(Folder.File(file + ".db"), org: "Corp", site: name.Split('/')[^1], server: "Server" + name.Split('/')[^1], time: Time);
        await Hub.AddRequestorAsync(name, inbox, PasswordOf(name), deleteLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await new Requestor(store, Time).EnableAsync(name, inbox, ServerInbox, PasswordOf(name), null, applyOnReceive, serverDeleteLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var postoffice = new Postoffice(this, name, store, inbox, own);
        _postoffices.Add(postoffice);
        return postoffice;
    }

    /// <summary>T1 everywhere, T2, then T3 everywhere (receive, and import where replies are not applied on receive).</summary>
    public async Task CycleAsync()
    {
        foreach (var postoffice in _postoffices)
        {
            await postoffice.SendAsync();
        }

        await Hub.ReceiveAsync();
        await Hub.SendAsync();
        foreach (var postoffice in _postoffices)
        {
            await postoffice.ReceiveAndImportAsync();
        }
    }

    public async Task<RegisteredRequestor> RegisteredAsync(string name) =>
        (await HubSettings.RegisteredAsync(Server, name))!;

    public async Task<HubServerState> ServerStateAsync() => (await HubSettings.ServerAsync(Server))!;

    /// <summary>The numbers of the master log's entries, and who each came from.</summary>
    public async Task<IReadOnlyList<string>> MasterLogAsync()
    {
        var entries = new List<string>();
        await foreach (var entry in Server.ReadQueueAsync(HubSettings.MasterLog, 0))
        {
            var record = TransactionCodec.Decode(entry.Payload);
            entries.Add($"{entry.Number} {entry.Origin} {record.Kind} {record.Alias}");
        }

        return entries;
    }

    /// <summary>The message files waiting (not claimed, not rejected) in a drop folder.</summary>
    public static IReadOnlyList<string> Waiting(string inbox) =>
        [.. Directory.EnumerateFiles(inbox, "*" + DropFolder.Extension).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    /// <summary>The files in a drop folder's subfolder (processing or rejected), by name.</summary>
    public static IReadOnlyList<string> FilesIn(string inbox, string subfolder)
    {
        var folder = Path.Combine(inbox, subfolder);
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>The codes and messages of the events a store logged with one of <paramref name="codes"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<(int Code, string Message)>> EventsAsync(IDirectoryReader store, params int[] codes) =>
        [.. (await store.ListEventsAsync(10_000)).OrderBy(e => e.Id).Where(e => codes.Contains(e.Code)).Select(e => (e.Code, e.Message))];

    /// <summary>Copies the server store aside, as a backup taken now.</summary>
    public async Task<string> BackupServerAsync()
    {
        var backup = Folder.File($"hub-backup-{Guid.NewGuid():N}.db");
        await Server.DisposeAsync();
        if (TestStores.OnPostgres)
        {
            await TestStores.CopyStoreAsync(ServerPath, backup);
        }

        foreach (var suffix in new[] { "", "-wal" })
        {
            if (File.Exists(ServerPath + suffix))
            {
                File.Copy(ServerPath + suffix, backup + suffix);
            }
        }

        Server = await OpenServerAsync();
        return backup;
    }

    /// <summary>Replaces the server store with a backup (as an administrator restoring from tape would).</summary>
    public async Task RestoreServerAsync(string backup)
    {
        await Server.DisposeAsync();
        if (TestStores.OnPostgres)
        {
            await TestStores.CopyStoreAsync(backup, ServerPath);
        }

        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            File.Delete(ServerPath + suffix);
        }

        foreach (var suffix in new[] { "", "-wal" })
        {
            if (File.Exists(backup + suffix))
            {
                File.Copy(backup + suffix, ServerPath + suffix, overwrite: true);
            }
        }

        Server = await OpenServerAsync();
    }

    private Task<IDirectoryStore> OpenServerAsync() => TestStores.OpenAsync(ServerPath, Time);

    public async ValueTask DisposeAsync()
    {
        foreach (var postoffice in _postoffices.Where(p => !p.IsServer))
        {
            await postoffice.Store.DisposeAsync();
        }

        await Server.DisposeAsync();
        Folder.Dispose();
    }
}

/// <summary>One requestor postoffice of a <see cref="HubNetwork"/>.</summary>
internal sealed class Postoffice(HubNetwork network, string name, IDirectoryStore store, string inbox, bool isServer)
{
    public string Name { get; } = name;

    /// <summary>The postoffice's store (for the server's own requestor role, the server store as it is now, restored or not).</summary>
    public IDirectoryStore Store => IsServer ? network.Server : store;

    public string Inbox { get; } = inbox;

    /// <summary>True for the server store's own requestor role.</summary>
    public bool IsServer { get; } = isServer;

    public Requestor Requestor => new(Store, network.Time);

    private DirectoryAdmin Admin => new(Store, network.Time);

    public Task AddMailboxAsync(string alias, string? displayName = null) =>
        Admin.AddRecipientAsync(ObjectClass.Mailbox, alias, new RecipientChanges { DisplayName = displayName ?? alias });

    public async Task AddMailboxesAsync(string prefix, int count)
    {
        for (var n = 1; n <= count; n++)
        {
            await AddMailboxAsync($"{prefix}{n:00}");
        }
    }

    public Task SetDisplayNameAsync(string alias, string displayName) =>
        Admin.SetRecipientAsync(ObjectClass.Mailbox, alias, new RecipientChanges { DisplayName = displayName });

    public Task RenameAsync(string alias, string newAlias) =>
        Admin.SetRecipientAsync(ObjectClass.Mailbox, alias, new RecipientChanges { Alias = newAlias });

    public Task RemoveAsync(string alias) => Admin.RemoveRecipientAsync(ObjectClass.Mailbox, alias);

    /// <summary>T1; the clock then moves on a second, so messages sent one after another arrive (and are taken in) in that order.</summary>
    public async Task<CycleReport> SendAsync(bool full = false)
    {
        var report = await Requestor.SendAsync(full);
        network.Time.Advance(TimeSpan.FromSeconds(1));
        return report;
    }

    public Task<CycleReport> ReceiveAsync(long? allowDeletes = null) => Requestor.ReceiveAsync(allowDeletes);

    public Task<CycleReport> ImportAsync(long? allowDeletes = null) => Requestor.ImportAsync(allowDeletes);

    /// <summary>T3: receive, then import unless replies are applied on receive.</summary>
    public async Task ReceiveAndImportAsync()
    {
        var state = await StateAsync();
        await ReceiveAsync();
        if (!state.ApplyOnReceive)
        {
            await ImportAsync();
        }
    }

    public async Task<RequestorState> StateAsync() => (await HubSettings.RequestorAsync(Store))!;

    /// <summary>Queued transactions waiting for the server's acknowledgement, by number.</summary>
    public async Task<IReadOnlyList<string>> OutboxAsync()
    {
        var entries = new List<string>();
        await foreach (var entry in Store.ReadQueueAsync(HubSettings.Outbox, 0))
        {
            var record = TransactionCodec.Decode(entry.Payload);
            entries.Add($"{entry.Number} {record.Kind} {record.Alias}");
        }

        return entries;
    }

    /// <summary>Every live recipient as <c>alias | display name | class | container | target | importedFrom</c>, ordered by alias.</summary>
    public async Task<IReadOnlyList<string>> EntriesAsync()
    {
        var entries = new List<string>();
        await foreach (var value in Store.ListAsync(RecipientFilter.All))
        {
            entries.Add(string.Join(
                " | ",
                value.Alias,
                value.DisplayName,
                value.Class.ToToken(),
                value.Container.Value,
                value.TargetAddress?.ToString() ?? "-",
                value.Origin?.ImportedFrom ?? "local"));
        }

        return [.. entries.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every live recipient's alias and owner (<c>alias@owner</c>), ordered: the short form for comparing postoffices.</summary>
    public async Task<IReadOnlyList<string>> OwnersAsync()
    {
        var entries = new List<string>();
        await foreach (var value in Store.ListAsync(RecipientFilter.All))
        {
            entries.Add($"{value.Alias}@{value.Origin?.ImportedFrom ?? Name}");
        }

        return [.. entries.Order(StringComparer.Ordinal)];
    }
}
