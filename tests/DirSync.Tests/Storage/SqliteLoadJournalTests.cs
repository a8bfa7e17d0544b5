using System.Globalization;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Storage;

/// <summary>
/// A load into a SQLite store that holds no object yet is written with the rollback journal, not the write-ahead log
/// (<see cref="SqliteDirectoryStore.BeginLoadAsync"/>), and the store is back in the log when it ends. What a crash in
/// the middle leaves is the crash harness's ("run import full, first load", "bulk import stop-on-error, first load").
/// </summary>
public sealed class SqliteLoadJournalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string StorePath => _folder.File("store.db");

    private async Task<SqliteDirectoryStore> CreateAsync()
    {
        var info = DirectorySetup.NewStoreInfo("Testorg", "Site1", "Server1", DateTimeOffset.UtcNow);
        return await SqliteDirectoryStore.CreateAsync(StorePath, info, DirectorySetup.InitializeAsync);
    }

    private static string JournalMode(SqliteDirectoryStore store) =>
        (string)store.Context.Command("PRAGMA journal_mode").ExecuteScalar()!;

    private static async Task AddAsync(IDirectoryTransaction transaction, params string[] aliases)
    {
        var editor = await RecipientEditor.CreateAsync(transaction);
        foreach (var alias in aliases)
        {
            await editor.AddAsync(ObjectClass.Mailbox, alias, new RecipientChanges());
        }
    }

    private async Task<string[]> AliasesAsync()
    {
        await using var store = await SqliteDirectoryStore.OpenAsync(StorePath);
        var aliases = new List<string>();
        await foreach (var value in store.ListAsync(RecipientFilter.All))
        {
            aliases.Add(value.Alias);
        }

        return [.. aliases.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Load_IntoAStoreWithNoObject_RunsWithTheRollbackJournal_AndEndsInTheLog()
    {
        await using (var store = await CreateAsync())
        {
            Assert.Equal("wal", JournalMode(store));
            await using (var transaction = await store.BeginLoadAsync())
            {
                Assert.Equal("delete", JournalMode(store));
                await AddAsync(transaction, "anna", "bert");
                await transaction.CommitAsync();
            }

            Assert.Equal("wal", JournalMode(store));
        }

        Assert.Equal(["anna", "bert"], await AliasesAsync());
    }

    [Fact]
    public async Task Load_RolledBack_LeavesTheStoreEmpty_AndInTheLog()
    {
        await using (var store = await CreateAsync())
        {
            await using (var transaction = await store.BeginLoadAsync())
            {
                await AddAsync(transaction, "anna");
            }

            Assert.Equal("wal", JournalMode(store));
        }

        Assert.Empty(await AliasesAsync());
    }

    [Fact]
    public async Task Load_IntoAStoreThatHoldsAnObject_KeepsTheLog()
    {
        await using var store = await CreateAsync();
        await using (var first = await store.BeginTransactionAsync())
        {
            await AddAsync(first, "anna");
            await first.CommitAsync();
        }

        await using var transaction = await store.BeginLoadAsync();

        Assert.Equal("wal", JournalMode(store));
    }

    [Fact]
    public async Task Load_WhileAnotherProcessHasTheStoreOpen_KeepsTheLog_WithoutWaitingForIt()
    {
        await using var store = await CreateAsync();
        await using var other = await SqliteDirectoryStore.OpenAsync(StorePath);
        Assert.Empty(await other.ListAsync(RecipientFilter.All).ToListAsync());

        // The lock timeout is 10 s: asking SQLite to leave the log with a wait would take all of it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var transaction = await store.BeginLoadAsync())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the load began after {clock.Elapsed}");
            Assert.Equal("wal", JournalMode(store));
            await AddAsync(transaction, "anna");
            await transaction.CommitAsync();
        }

        Assert.Equal(["anna"], (await other.ListAsync(RecipientFilter.All).ToListAsync()).Select(v => v.Alias));
    }

    [Fact]
    public async Task Open_AStoreLeftWithTheRollbackJournal_PutsItBackInTheLog()
    {
        await (await CreateAsync()).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = DELETE";
            Assert.Equal("delete", command.ExecuteScalar());
        }

        await using var store = await SqliteDirectoryStore.OpenAsync(StorePath);

        Assert.Equal("wal", JournalMode(store));
    }

    [Fact]
    public async Task Open_WhileALoadHoldsTheStore_WaitsItsTimeout_AndSaysALoadHoldsIt()
    {
        await using var store = await CreateAsync();
        await using var transaction = await store.BeginLoadAsync();

        // A cache of ten pages: the load writes its pages into the store early, which takes the lock readers need.
        store.Context.Execute("PRAGMA cache_size = 10");
        await AddAsync(transaction, [.. Enumerable.Range(0, 300).Select(i => string.Create(CultureInfo.InvariantCulture, $"user{i:D3}"))]);

        var error = await Assert.ThrowsAsync<StoreException>(async () =>
            await SqliteDirectoryStore.OpenAsync(StorePath, SqliteStoreOptions.Default with { LockTimeout = TimeSpan.FromMilliseconds(200) }));

        Assert.Equal(ErrorCategory.Busy, error.Category);
        Assert.Equal(
            $"the store '{StorePath}' is being loaded by another process (a first load into an empty store holds it, readers too, until it commits) and stayed busy for 0.2 s; try again when it has finished",
            error.Message);
    }
}
