using DirSync.Core.Admin;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Transport;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Scheduling;

/// <summary>A dir-sync server store (NET/HUB) and one requestor store (NET/PO1) with real drop folders in a temp folder, on a manual clock.</summary>
internal sealed class HubSites : IAsyncDisposable
{
    public const string Password = "secret";

    private HubSites(TempFolder folder, ManualTimeProvider time)
    {
        Folder = folder;
        Time = time;
        ServerInbox = Directory.CreateDirectory(folder.File("hub-in")).FullName;
        RequestorInbox = Directory.CreateDirectory(folder.File("po1-in")).FullName;
    }

    public TempFolder Folder { get; }

    public ManualTimeProvider Time { get; }

    public string ServerInbox { get; }

    public string RequestorInbox { get; }

    public SqliteDirectoryStore Server { get; private set; } = null!;

    public SqliteDirectoryStore Requestor { get; private set; } = null!;

    public string ServerPath => Folder.File("hub.db");

    public string RequestorPath => Folder.File("po1.db");

    /// <summary>Creates both stores, enables the roles and registers the requestor; the clock starts on Thursday 15 January 2026, 09:00 UTC.</summary>
    public static async Task<HubSites> CreateAsync(bool applyOnReceive = false)
    {
        var sites = new HubSites(new TempFolder(), new ManualTimeProvider());
        sites.Server = await StoreFactory.CreateAsync(sites.ServerPath, site: "Hub", server: "HubServer", time: sites.Time);
        sites.Requestor = await StoreFactory.CreateAsync(sites.RequestorPath, site: "Site1", server: "Server1", time: sites.Time);
        var server = new DirSyncServer(sites.Server, sites.Time);
        await server.EnableAsync(sites.ServerInbox, null, "NET/HUB");
        await server.AddRequestorAsync("NET/PO1", sites.RequestorInbox, Password);
        await new Requestor(sites.Requestor, sites.Time).EnableAsync("NET/PO1", sites.RequestorInbox, sites.ServerInbox, Password, null, applyOnReceive);
        return sites;
    }

    /// <summary>Adds a local mailbox on the requestor.</summary>
    public Task AddMailboxAsync(string alias) =>
        new DirectoryAdmin(Requestor, Time).AddRecipientAsync(ObjectClass.Mailbox, alias, new RecipientChanges { DisplayName = alias });

    /// <summary>The message files waiting in a drop folder (not claimed, not rejected).</summary>
    public static int Waiting(string inbox) => new DropFolder(inbox).Waiting();

    /// <summary>The codes and messages of the events a store logged with one of <paramref name="codes"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<(int Code, string Message)>> EventsAsync(IDirectoryReader store, params int[] codes) =>
        (await store.ListEventsAsync(1000)).Where(e => codes.Contains(e.Code)).Select(e => (e.Code, e.Message)).ToList();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Requestor.DisposeAsync();
        Folder.Dispose();
    }
}
