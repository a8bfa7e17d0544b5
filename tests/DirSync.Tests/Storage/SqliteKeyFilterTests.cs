using System.Globalization;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Storage;

/// <summary>
/// The load path of a SQLite write transaction: "is this key taken?" answered from a key filter once it has added enough.
/// First loads are off here (they answer without a filter); SqliteFirstLoadTests has those.
/// </summary>
public sealed class SqliteKeyFilterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private async Task<SqliteDirectoryStore> StoreAsync(int filterAfter)
    {
        var options = SqliteStoreOptions.Default with { KeyFilterAfterAdds = filterAfter, FirstLoad = false };
        var info = DirectorySetup.NewStoreInfo("Testorg", "Site1", "Server1", DateTimeOffset.UtcNow);
        return await SqliteDirectoryStore.CreateAsync(_folder.File($"store{filterAfter}.db"), info, DirectorySetup.InitializeAsync, options);
    }

    private static string Alias(int i) => string.Create(CultureInfo.InvariantCulture, $"user{i:D4}");

    private static async Task<DirectoryObject> AddAsync(RecipientEditor editor, int i, ObjectOrigin? origin = null)
    {
        var changes = new RecipientChanges { DisplayName = string.Create(CultureInfo.InvariantCulture, $"User Nümber {i}") };
        if (origin is not null)
        {
            changes.TargetAddress = ProxyAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"SMTP:user{i}@example.net"));
        }

        return await editor.AddAsync(origin is null ? ObjectClass.Mailbox : ObjectClass.CustomRecipient, Alias(i), changes, origin);
    }

    [Fact]
    public async Task AfterEnoughAdds_TheFilterAnswers_AndEveryAnswerIsTheStoresOwn()
    {
        await using var store = await StoreAsync(filterAfter: 100);
        await using var transaction = (SqliteTransaction)await store.BeginTransactionAsync();
        var editor = await RecipientEditor.CreateAsync(transaction);
        var added = new List<DirectoryObject>();
        for (var i = 0; i < 99; i++)
        {
            added.Add(await AddAsync(editor, i));
        }

        Assert.False(transaction.UsesKeyFilter);
        var source = "site9/INSTANCE1";
        for (var i = 99; i < 150; i++)
        {
            added.Add(await AddAsync(editor, i, new ObjectOrigin(source, Guid.NewGuid(), "Testorg/Site9/Server9 (INSTANCE1)")));
        }

        Assert.True(transaction.UsesKeyFilter);

        // Held before the filter was built, and after: each found, with its owner.
        Assert.Equal(added[5].Guid, await transaction.FindAliasOwnerAsync("USER0005"));
        Assert.Equal(added[140].Guid, await transaction.FindAliasOwnerAsync("user0140"));
        Assert.True(await transaction.DisplayNameExistsAsync("user nümber 7"));
        Assert.False(await transaction.DisplayNameExistsAsync("User Nümber 7", added[7].Guid));
        Assert.Equal(added[8].Guid, await transaction.FindAddressOwnerAsync(added[8].ProxyAddresses[0]));
        Assert.Equal(added[120].Guid, await transaction.FindAddressOwnerAsync(ProxyAddress.Parse("smtp:USER120@example.net")));
        Assert.Equal(added[120].Guid, (await transaction.FindByOriginAsync(source, added[120].Origin!.Anchor))!.Guid);

        // Never held.
        Assert.Null(await transaction.FindAliasOwnerAsync("user0150"));
        Assert.False(await transaction.DisplayNameExistsAsync("User Nümber 150"));
        Assert.Null(await transaction.FindAddressOwnerAsync(ProxyAddress.Parse("SMTP:user150@example.net")));
        Assert.Null(await transaction.FindByOriginAsync(source, Guid.NewGuid()));
        Assert.Null(await transaction.FindByOriginAsync("site8/INSTANCE1", added[120].Origin!.Anchor));

        // Freed in this transaction: the filter still says "perhaps", the store says "free".
        await editor.RemoveAsync(added[9]);
        Assert.Null(await transaction.FindAliasOwnerAsync("user0009"));
        Assert.False(await transaction.DisplayNameExistsAsync("User Nümber 9"));
        Assert.Null(await transaction.FindAddressOwnerAsync(added[9].ProxyAddresses[0]));
        var again = await AddAsync(editor, 9);
        Assert.Equal(again.Guid, await transaction.FindAliasOwnerAsync("user0009"));

        // Renamed: the new name is found, the old one is free.
        var renamed = await editor.ModifyAsync(added[10], new RecipientChanges { Alias = "renamed10", DisplayName = "Renamed Ten" });
        Assert.Equal(added[10].Guid, await transaction.FindAliasOwnerAsync("RENAMED10"));
        Assert.True(await transaction.DisplayNameExistsAsync("renamed ten"));
        Assert.Null(await transaction.FindAliasOwnerAsync("user0010"));
        Assert.True(renamed.Changed);
    }

    [Fact]
    public async Task AFewAddsToALargeStore_NeverBuildAFilter()
    {
        var options = SqliteStoreOptions.Default with { KeyFilterAfterAdds = 10, FirstLoad = false };
        string path;
        await using (var store = await StoreAsync(filterAfter: 10))
        {
            path = store.Path;
            await using var setup = (SqliteTransaction)await store.BeginTransactionAsync();
            var editor = await RecipientEditor.CreateAsync(setup);
            for (var i = 0; i < 100; i++)
            {
                await AddAsync(editor, i);
            }

            Assert.True(setup.UsesKeyFilter);
            await setup.CommitAsync();
        }

        // Ten adds to a store of a hundred, opened again (the filter stayed with the connection that built it): reading
        // every key would cost more than the questions it saves.
        await using var reopened = await SqliteDirectoryStore.OpenAsync(path, options);
        await using var transaction = (SqliteTransaction)await reopened.BeginTransactionAsync();
        var more = await RecipientEditor.CreateAsync(transaction);
        for (var i = 100; i < 119; i++)
        {
            await AddAsync(more, i);
        }

        Assert.False(transaction.UsesKeyFilter);
        await AddAsync(more, 119);
        await AddAsync(more, 120);
        Assert.False(transaction.UsesKeyFilter);
    }

    [Fact]
    public async Task AFilterGoesOnToTheConnectionsNextTransaction_RolledBackOrCommitted()
    {
        await using var store = await StoreAsync(filterAfter: 1);
        await using (var first = (SqliteTransaction)await store.BeginTransactionAsync())
        {
            await AddAsync(await RecipientEditor.CreateAsync(first), 1);
            Assert.True(first.UsesKeyFilter);
            // Rolled back: user0001 was never there, though the filter it leaves says "perhaps".
        }

        DirectoryObject user2;
        await using (var second = (SqliteTransaction)await store.BeginTransactionAsync())
        {
            Assert.True(second.UsesKeyFilter);
            Assert.Null(await second.FindAliasOwnerAsync("user0001"));
            Assert.False(await second.DisplayNameExistsAsync("User Nümber 1"));
            var editor = await RecipientEditor.CreateAsync(second);
            var added = await AddAsync(editor, 1);
            user2 = await AddAsync(editor, 2);
            Assert.Equal(added.Guid, await second.FindAliasOwnerAsync("user0001"));
            await second.CommitAsync();
        }

        // Committed: the third starts with the filter, which holds what the second wrote.
        await using var third = (SqliteTransaction)await store.BeginTransactionAsync();
        Assert.True(third.UsesKeyFilter);
        Assert.Equal(user2.Guid, await third.FindAliasOwnerAsync("USER0002"));
        Assert.Null(await third.FindAliasOwnerAsync("user0003"));
    }

    [Fact]
    public async Task AnotherConnectionsCommit_EndsTheFilter_AndWhatItWroteIsFound()
    {
        await using var store = await StoreAsync(filterAfter: 1);
        await using (var first = (SqliteTransaction)await store.BeginTransactionAsync())
        {
            await AddAsync(await RecipientEditor.CreateAsync(first), 1);
            Assert.True(first.UsesKeyFilter);
            await first.CommitAsync();
        }

        // Another process (here another connection) adds user0002 between this connection's transactions: a filter kept
        // from before would rule user0002 out, and the alias would be given twice.
        DirectoryObject elsewhere;
        var options = SqliteStoreOptions.Default with { KeyFilterAfterAdds = 0, FirstLoad = false };
        await using (var other = await SqliteDirectoryStore.OpenAsync(store.Path, options))
        await using (var write = await other.BeginTransactionAsync())
        {
            elsewhere = await AddAsync(await RecipientEditor.CreateAsync(write), 2);
            await write.CommitAsync();
        }

        await using var next = (SqliteTransaction)await store.BeginTransactionAsync();
        Assert.False(next.UsesKeyFilter);
        Assert.Equal(elsewhere.Guid, await next.FindAliasOwnerAsync("user0002"));
        Assert.True(await next.DisplayNameExistsAsync("User Nümber 2"));
        var editor = await RecipientEditor.CreateAsync(next);
        var error = await Assert.ThrowsAnyAsync<DirSyncException>(async () => await AddAsync(editor, 2));
        Assert.Contains("user0002", error.Message, StringComparison.Ordinal);

        // The filter it builds afresh holds both.
        await AddAsync(editor, 3);
        Assert.True(next.UsesKeyFilter);
        Assert.Equal(elsewhere.Guid, await next.FindAliasOwnerAsync("user0002"));
    }
}
