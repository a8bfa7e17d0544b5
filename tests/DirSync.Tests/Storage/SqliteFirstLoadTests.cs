using System.Globalization;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;
using SqliteConnection = Microsoft.Data.Sqlite.SqliteConnection;

namespace DirSync.Tests.Storage;

/// <summary>
/// A first load (SqliteFirstLoad): a transaction that only adds into a store with no live object makes its alias and
/// display-name indexes and its address rows at its end, and answers every question exactly in between.
/// </summary>
public sealed class SqliteFirstLoadTests : IDisposable
{
    private const string Source = "site9/INSTANCE1";
    private const string Schema = "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<SqliteDirectoryStore> StoreAsync(string name, int loadAfter = 100)
    {
        var options = SqliteStoreOptions.Default with { KeyFilterAfterAdds = loadAfter, FirstLoad = true };
        var info = DirectorySetup.NewStoreInfo("Testorg", "Site1", "Server1", DateTimeOffset.UtcNow);
        return await SqliteDirectoryStore.CreateAsync(_folder.File(name), info, DirectorySetup.InitializeAsync, options);
    }

    private SqliteConnection Open(string name)
    {
        var connection = new SqliteConnection($"Data Source={_folder.File(name)};Pooling=False");
        connection.Open();
        return connection;
    }

    private static string Alias(int i) => string.Create(CultureInfo.InvariantCulture, $"user{i:D4}");

    private static async Task<DirectoryObject> AddAsync(RecipientEditor editor, int i, bool withOrigin = false)
    {
        var changes = new RecipientChanges { DisplayName = string.Create(CultureInfo.InvariantCulture, $"User Nümber {i}") };
        if (!withOrigin)
        {
            return await editor.AddAsync(ObjectClass.Mailbox, Alias(i), changes);
        }

        changes.TargetAddress = ProxyAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"SMTP:user{i}@example.net"));
        return await editor.AddAsync(ObjectClass.CustomRecipient, Alias(i), changes, new ObjectOrigin(Source, Guid.NewGuid(), "Testorg/Site9/Server9 (INSTANCE1)"));
    }

    /// <summary>Everything a question can ask of the objects given, asserted against what they hold.</summary>
    private static async Task AssertAnswersAsync(SqliteTransaction transaction, List<DirectoryObject> added)
    {
        Assert.Equal(added[5].Guid, await transaction.FindAliasOwnerAsync("USER0005"));
        Assert.Equal(added[140].Guid, await transaction.FindAliasOwnerAsync("user0140"));
        Assert.Equal(added[140].Guid, (await transaction.FindByAliasAsync("User0140"))!.Guid);
        Assert.Equal(new MemberRef(added[140].Guid, "user0140"), await transaction.FindMemberAsync("USER0140"));
        Assert.True(await transaction.DisplayNameExistsAsync("user nümber 7"));
        Assert.False(await transaction.DisplayNameExistsAsync("User Nümber 7", added[7].Guid));
        Assert.Equal(added[8].Guid, await transaction.FindAddressOwnerAsync(added[8].ProxyAddresses[0]));
        Assert.Equal(added[120].Guid, await transaction.FindAddressOwnerAsync(ProxyAddress.Parse("smtp:USER120@example.net")));
        Assert.Equal(added[120].Guid, (await transaction.FindByOriginAsync(Source, added[120].Origin!.Anchor))!.Guid);

        Assert.Null(await transaction.FindAliasOwnerAsync("user0150"));
        Assert.Null(await transaction.FindByAliasAsync("user0150"));
        Assert.Null(await transaction.FindMemberAsync("user0150"));
        Assert.False(await transaction.DisplayNameExistsAsync("User Nümber 150"));
        Assert.Null(await transaction.FindAddressOwnerAsync(ProxyAddress.Parse("SMTP:user150@example.net")));
        Assert.Null(await transaction.FindByOriginAsync(Source, Guid.NewGuid()));
        Assert.Null(await transaction.FindByOriginAsync("site8/INSTANCE1", added[120].Origin!.Anchor));
    }

    private static async Task<List<DirectoryObject>> LoadAsync(SqliteTransaction transaction, int count = 150)
    {
        var editor = await RecipientEditor.CreateAsync(transaction);
        var added = new List<DirectoryObject>();
        for (var i = 0; i < count; i++)
        {
            added.Add(await AddAsync(editor, i, withOrigin: i >= 99));
            Assert.Equal(i >= 99, transaction.IsFirstLoad);
        }

        return added;
    }

    [Fact]
    public async Task AFirstLoad_AnswersLikeTheIndexes_AndLeavesTheSchemaOfANewStore()
    {
        await using (await StoreAsync("fresh.db"))
        {
        }

        List<DirectoryObject> added;
        await using (var store = await StoreAsync("loaded.db"))
        {
            await using var transaction = (SqliteTransaction)await store.BeginTransactionAsync();
            added = await LoadAsync(transaction);
            Assert.False(transaction.UsesKeyFilter);
            await AssertAnswersAsync(transaction, added);
            await transaction.CommitAsync();
            Assert.False(transaction.IsFirstLoad);
        }

        await using (var fresh = Open("fresh.db"))
        await using (var loaded = Open("loaded.db"))
        {
            Assert.Equal(SqliteRows.Column(fresh, Schema, 0), SqliteRows.Column(loaded, Schema, 0));
            Assert.Equal(["ok"], SqliteRows.Column(loaded, "PRAGMA integrity_check", 0));
            var expected = added.SelectMany(o => o.ProxyAddresses.Select(p => $"{p.Key} {o.Alias}")).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, SqliteRows.Column(loaded, "SELECT p.address_key || ' ' || o.alias FROM proxies p JOIN objects o ON o.id = p.object_id ORDER BY 1", 0));
        }

        await using var reopened = await SqliteDirectoryStore.OpenAsync(_folder.File("loaded.db"));
        await using var after = (SqliteTransaction)await reopened.BeginTransactionAsync();
        Assert.False(after.IsFirstLoad);
        await AssertAnswersAsync(after, added);
    }

    [Fact]
    public async Task AFirstLoad_RefusesWhatTheIndexesWould_AndARollbackLeavesTheStoreAsItWas()
    {
        await using var store = await StoreAsync("store.db");
        List<string> before;
        await using (var check = Open("store.db"))
        {
            before = SqliteRows.Column(check, Schema, 0);
        }

        await using (var transaction = (SqliteTransaction)await store.BeginTransactionAsync())
        {
            var added = await LoadAsync(transaction);
            var twin = new DirectoryObject(Guid.NewGuid(), ObjectClass.Mailbox, "USER0003", added[3].Container) { DisplayName = "Someone" };
            var conflict = await Assert.ThrowsAsync<ConflictException>(async () => await transaction.AddAsync(twin));
            Assert.Equal("the alias 'USER0003' is already used by another recipient", conflict.Message);
            var sharer = new DirectoryObject(Guid.NewGuid(), ObjectClass.Mailbox, "sharer", added[3].Container) { DisplayName = "Sharer" };
            sharer.ProxyAddresses.Add(ProxyAddress.Parse("SMTP:user120@example.net"));
            conflict = await Assert.ThrowsAsync<ConflictException>(async () => await transaction.AddAsync(sharer));
            Assert.Equal("the address SMTP:user120@example.net is already used by another recipient", conflict.Message);
            Assert.True(transaction.IsFirstLoad);
        }

        await using (var check = Open("store.db"))
        {
            Assert.Equal(before, SqliteRows.Column(check, Schema, 0));
            Assert.Equal(["0"], SqliteRows.Column(check, "SELECT count(*) FROM objects", 0));
        }

        // The connection has its own cache size back, and the next transaction starts afresh.
        await using var next = (SqliteTransaction)await store.BeginTransactionAsync();
        Assert.Equal(-1024L * SqliteStoreOptions.Default.CacheMiB, next.CacheSize);
        var again = await LoadAsync(next);
        await AssertAnswersAsync(next, again);
    }

    [Fact]
    public async Task ADeleteEndsTheLoad_AndEveryAnswerStaysTheStoresOwn()
    {
        await using var store = await StoreAsync("store.db");
        await using var transaction = (SqliteTransaction)await store.BeginTransactionAsync();
        var added = await LoadAsync(transaction);
        var editor = await RecipientEditor.CreateAsync(transaction);
        await editor.RemoveAsync(added[9]);
        Assert.False(transaction.IsFirstLoad);
        Assert.Null(await transaction.FindAliasOwnerAsync("user0009"));
        Assert.False(await transaction.DisplayNameExistsAsync("User Nümber 9"));
        Assert.Null(await transaction.FindAddressOwnerAsync(added[9].ProxyAddresses[0]));
        await AssertAnswersAsync(transaction, added);

        // Not a first load again in this transaction, though it adds a hundred more: the filter takes over.
        var all = added.Where(o => o.Guid != added[9].Guid).ToList();
        for (var i = 150; i < 260; i++)
        {
            all.Add(await AddAsync(editor, i));
        }

        Assert.False(transaction.IsFirstLoad);
        Assert.True(transaction.UsesKeyFilter);
        Assert.Equal(added[140].Guid, await transaction.FindAliasOwnerAsync("user0140"));
        Assert.NotNull(await transaction.FindAliasOwnerAsync("user0259"));
        await transaction.CommitAsync();
        await using var check = Open("store.db");
        Assert.Equal(["ok"], SqliteRows.Column(check, "PRAGMA integrity_check", 0));
        Assert.Equal(["259"], SqliteRows.Column(check, "SELECT count(*) FROM objects WHERE is_deleted = 0", 0));
        var expected = all.SelectMany(o => o.ProxyAddresses.Select(p => $"{p.Key} {o.Alias}")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, SqliteRows.Column(check, "SELECT p.address_key || ' ' || o.alias FROM proxies p JOIN objects o ON o.id = p.object_id ORDER BY 1", 0));
    }

    [Fact]
    public async Task AListingEndsTheLoad_ButOneBeforeItDoesNotPreventIt()
    {
        await using var store = await StoreAsync("store.db");
        await using var transaction = (SqliteTransaction)await store.BeginTransactionAsync();
        Assert.Empty(await transaction.ListAsync(new RecipientFilter()).ToListAsync());
        var added = await LoadAsync(transaction);

        // In alias order, from the index the load makes as it ends.
        var listed = await transaction.ListAsync(new RecipientFilter()).Select(o => o.Alias).ToListAsync();
        Assert.False(transaction.IsFirstLoad);
        Assert.Equal(added.Select(o => o.Alias).Order(StringComparer.OrdinalIgnoreCase), listed);
        await AssertAnswersAsync(transaction, added);
    }

    [Fact]
    public async Task AStoreThatHoldsALiveObject_IsNotAFirstLoad()
    {
        await using var store = await StoreAsync("store.db", loadAfter: 10);
        await using (var setup = await store.BeginTransactionAsync())
        {
            await AddAsync(await RecipientEditor.CreateAsync(setup), 1000);
            await setup.CommitAsync();
        }

        await using var transaction = (SqliteTransaction)await store.BeginTransactionAsync();
        var editor = await RecipientEditor.CreateAsync(transaction);
        for (var i = 0; i < 20; i++)
        {
            await AddAsync(editor, i);
        }

        Assert.False(transaction.IsFirstLoad);
        Assert.True(transaction.UsesKeyFilter);
    }
}
