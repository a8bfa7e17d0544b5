using DirSync.Core.Gal;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Tests.Support;

namespace DirSync.Tests.Gal;

/// <summary>A temp store (Testorg/Site1/Server1, on this run's backend) with helpers that add recipients for GAL tests.</summary>
public sealed class GalTestStore : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private GalTestStore(TempFolder folder, IDirectoryStore store, ManualTimeProvider time)
    {
        _folder = folder;
        Path = folder.File("store.db");
        Store = store;
        Time = time;
    }

    public IDirectoryStore Store { get; }

    public ManualTimeProvider Time { get; }

    /// <summary>The store as the dirsync command is pointed at it.</summary>
    public string Path { get; }

    public static async Task<GalTestStore> CreateAsync()
    {
        var folder = new TempFolder();
        var time = new ManualTimeProvider();
        return new GalTestStore(folder, await StoreFactory.CreateStoreAsync(folder.File("store.db"), time: time), time);
    }

    public static DirectoryObject Mailbox(string alias, string displayName, params string[] proxies)
    {
        var value = new DirectoryObject(Guid.NewGuid(), ObjectClass.Mailbox, alias, DirectoryPath.Recipients) { DisplayName = displayName };
        value.ProxyAddresses.AddRange(proxies.Select(ProxyAddress.Parse));
        return value;
    }

    public static DirectoryObject CustomRecipient(string alias, string displayName, string target, params string[] proxies)
    {
        var value = new DirectoryObject(Guid.NewGuid(), ObjectClass.CustomRecipient, alias, DirectoryPath.Recipients)
        {
            DisplayName = displayName,
            TargetAddress = ProxyAddress.Parse(target),
        };
        value.ProxyAddresses.AddRange(proxies.Select(ProxyAddress.Parse));
        return value;
    }

    public static DirectoryObject DistributionList(string alias, string displayName, params string[] proxies)
    {
        var value = new DirectoryObject(Guid.NewGuid(), ObjectClass.DistributionList, alias, DirectoryPath.Recipients) { DisplayName = displayName };
        value.ProxyAddresses.AddRange(proxies.Select(ProxyAddress.Parse));
        return value;
    }

    /// <summary>A custom recipient as an import from another site leaves it.</summary>
    public static DirectoryObject Imported(string alias, string displayName, string importedFrom) =>
        new DirectoryObject(Guid.NewGuid(), ObjectClass.CustomRecipient, alias, DirectoryPath.Recipients)
        {
            DisplayName = displayName,
            TargetAddress = ProxyAddress.Parse($"SMTP:{alias}@elsewhere.example"),
            Origin = new ObjectOrigin(Guid.NewGuid().ToString(), Guid.NewGuid(), importedFrom),
        };

    public async Task AddAsync(params DirectoryObject[] values)
    {
        await using var transaction = await Store.BeginTransactionAsync();
        foreach (var value in values)
        {
            await transaction.AddAsync(value);
        }

        await transaction.CommitAsync();
    }

    /// <summary>Adds mailboxes with these display names, aliases <c>m1</c>, <c>m2</c> ... in the order given.</summary>
    public Task AddNamesAsync(params string[] displayNames) =>
        AddAsync([.. displayNames.Select((name, i) => Mailbox($"m{i + 1}", name))]);

    public async Task SetSettingAsync(string key, string? value)
    {
        await using var transaction = await Store.BeginTransactionAsync();
        await transaction.SetSettingAsync(key, value);
        await transaction.CommitAsync();
    }

    public Task<GalRebuildResult> RebuildAsync(string localPostoffice = "Server1", System.Globalization.CultureInfo? culture = null) =>
        new GalBuilder(Time).RebuildAsync(Store, localPostoffice, culture);

    public async Task<List<GalEntry>> GalAsync()
    {
        var entries = new List<GalEntry>();
        await foreach (var entry in Store.ListGalAsync())
        {
            entries.Add(entry);
        }

        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _folder.Dispose();
    }
}
