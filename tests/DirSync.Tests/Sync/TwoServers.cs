using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Sync;

/// <summary>The seed's two servers of Testorg — Server1 on Site1, Server2 on Site2 — as real SQLite stores on one manual clock.</summary>
internal sealed class TwoServers : IAsyncDisposable
{
    private TwoServers(TempFolder folder, ManualTimeProvider time, SqliteDirectoryStore server1, SqliteDirectoryStore server2)
    {
        Folder = folder;
        Time = time;
        Server1 = server1;
        Server2 = server2;
    }

    public TempFolder Folder { get; }

    public ManualTimeProvider Time { get; }

    public SqliteDirectoryStore Server1 { get; }

    public SqliteDirectoryStore Server2 { get; }

    /// <summary>Where INSTANCE1 writes and INSTANCE2 reads.</summary>
    public string Sync1 => Folder.File("SYNC1");

    /// <summary>Where INSTANCE3 writes and INSTANCE4 reads.</summary>
    public string Sync2 => Folder.File("SYNC2");

    public static async Task<TwoServers> CreateAsync()
    {
        var folder = new TempFolder();
        var time = new ManualTimeProvider();
        var server1 = await StoreFactory.CreateAsync(folder.File("server1.db"), site: "Site1", server: "Server1", time: time);
        var server2 = await StoreFactory.CreateAsync(folder.File("server2.db"), site: "Site2", server: "Server2", time: time);
        return new TwoServers(folder, time, server1, server2);
    }

    /// <summary>A third store, for a foreign source or a replacement server.</summary>
    public Task<SqliteDirectoryStore> CreateStoreAsync(string file, string site, string server) =>
        StoreFactory.CreateAsync(Folder.File(file), site: site, server: server, time: Time);

    /// <summary>INSTANCE1 exports Server1's Recipients to SYNC1 and INSTANCE2 imports SYNC1 on Server2.</summary>
    public async Task SetUpOneWayAsync(InstanceChanges? export = null, InstanceChanges? import = null)
    {
        await SetInstanceAsync(Server1, "INSTANCE1", (export ?? new InstanceChanges()) with { Direction = InstanceDirection.Export, File = Sync1 });
        await SetInstanceAsync(Server2, "INSTANCE2", (import ?? new InstanceChanges()) with { Direction = InstanceDirection.Import, File = Sync1 });
    }

    /// <summary>INSTANCE3 exports Server2's Recipients to SYNC2 and INSTANCE4 imports SYNC2 on Server1.</summary>
    public async Task SetUpOtherWayAsync()
    {
        await SetInstanceAsync(Server2, "INSTANCE3", new InstanceChanges { Direction = InstanceDirection.Export, File = Sync2 });
        await SetInstanceAsync(Server1, "INSTANCE4", new InstanceChanges { Direction = InstanceDirection.Import, File = Sync2 });
    }

    public async Task<Instance> SetInstanceAsync(IDirectoryStore store, string name, InstanceChanges changes) =>
        (await new InstanceAdmin(store).SetAsync(name, changes, Folder.Path)).Instance;

    public static async Task<Instance> InstanceAsync(IDirectoryStore store, string name) =>
        await store.FindInstanceAsync(name) ?? throw new InvalidOperationException($"no instance {name}");

    /// <summary>Saves an instance's state as an interrupted run or a restored store would leave it.</summary>
    public static async Task SetStateAsync(IDirectoryStore store, string name, Func<InstanceState, InstanceState> change)
    {
        var instance = await InstanceAsync(store, name);
        await using var transaction = await store.BeginTransactionAsync();
        await transaction.SaveInstanceAsync(instance with { State = change(instance.State) });
        await transaction.CommitAsync();
    }

    public Task<ExportResult> ExportAsync(IDirectoryStore store, string name, bool full = false, bool dryRun = false) =>
        new Exporter(store, ChangeSetCodecs.Default, Time).ExportAsync(name, full, dryRun);

    public Task<ImportResult> ImportAsync(IDirectoryStore store, string name, ImportOptions? options = null) =>
        new Importer(store, ChangeSetCodecs.Default, Time).ImportAsync(name, options);

    public Task<DirectoryObject> AddMailboxAsync(IDirectoryStore store, string alias, string? displayName = null, Action<RecipientChanges>? more = null) =>
        AddAsync(store, ObjectClass.Mailbox, alias, displayName, more);

    public Task<DirectoryObject> AddAsync(IDirectoryStore store, ObjectClass objectClass, string alias, string? displayName = null, Action<RecipientChanges>? more = null)
    {
        var changes = new RecipientChanges { DisplayName = displayName };
        more?.Invoke(changes);
        return new DirectoryAdmin(store, Time).AddRecipientAsync(objectClass, alias, changes);
    }

    /// <summary>Changes a recipient of any class.</summary>
    public static async Task<DirectoryObject> SetAsync(IDirectoryStore store, string alias, Action<RecipientChanges> change)
    {
        await using var transaction = await store.BeginTransactionAsync();
        var editor = await RecipientEditor.CreateAsync(transaction);
        var changes = new RecipientChanges();
        change(changes);
        var result = await editor.ModifyAsync(await editor.GetAsync(alias), changes);
        await transaction.CommitAsync();
        return result.Value;
    }

    /// <summary>Removes a recipient of any class.</summary>
    public static async Task<DirectoryObject> RemoveAsync(IDirectoryStore store, string alias)
    {
        await using var transaction = await store.BeginTransactionAsync();
        var editor = await RecipientEditor.CreateAsync(transaction);
        var tombstone = await editor.RemoveAsync(await editor.GetAsync(alias));
        await transaction.CommitAsync();
        return tombstone;
    }

    /// <summary>Every live recipient as <c>alias | display name | class | target | where from</c>, ordered by alias.</summary>
    public static async Task<List<string>> RecipientsAsync(IDirectoryReader store)
    {
        var lines = new List<string>();
        await foreach (var value in store.ListAsync(RecipientFilter.All))
        {
            lines.Add($"{value.Alias} | {value.DisplayName} | {value.Class.ToToken()} | {value.TargetAddress?.ToString() ?? "-"} | {value.Origin?.ImportedFrom ?? "local"}");
        }

        return lines;
    }

    public static async Task<DirectoryObject> GetAsync(IDirectoryReader store, string alias) =>
        await store.FindByAliasAsync(alias) ?? throw new InvalidOperationException($"no recipient {alias}");

    /// <summary>Asserts that <paramref name="action"/> throws a <see cref="DirSyncException"/> and leaves the store exactly as it was.</summary>
    public static async Task<T> RefusedAsync<T>(IDirectoryStore store, Func<Task> action)
        where T : DirSyncException
    {
        var before = await SyncSnapshot.TakeAsync(store);
        var error = await Assert.ThrowsAnyAsync<T>(action);
        Assert.Equal(before, await SyncSnapshot.TakeAsync(store));
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        await Server1.DisposeAsync();
        await Server2.DisposeAsync();
        Folder.Dispose();
    }
}
