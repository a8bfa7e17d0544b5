using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Storage;
using DirSync.Postgres;
using DirSync.Tests.Support;

namespace DirSync.Tests.Storage;

/// <summary>The store contract on a real PostgreSQL server, plus what only a database server has.</summary>
public sealed class PostgresDirectoryStoreTests : DirectoryStoreContractTests
{
    private PostgresServer _server = null!;
    private string _database = "";

    private PostgresStoreAddress Address => _server.Address(_database);

    protected override async Task<IDirectoryStore> CreateStoreAsync(TimeProvider time)
    {
        _server = await PostgresServer.GetAsync();
        _database = await _server.CreateDatabaseAsync();
        return await CreateAsync(Address, time);
    }

    protected override async Task<IDirectoryStore> ReopenAsync(IDirectoryStore store)
    {
        await store.DisposeAsync();
        return await PostgresDirectoryStore.OpenAsync(Address, PostgresStoreOptions.Default with { TimeProvider = Time });
    }

    private static async Task<PostgresDirectoryStore> CreateAsync(PostgresStoreAddress address, TimeProvider? time = null, TimeSpan? lockTimeout = null)
    {
        var options = PostgresStoreOptions.Default with
        {
            TimeProvider = time ?? TimeProvider.System,
            LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(10),
        };
        var info = DirectorySetup.NewStoreInfo("Testorg", "Site1", "Server1", options.TimeProvider.GetUtcNow());
        return await PostgresDirectoryStore.CreateAsync(address, info, DirectorySetup.InitializeAsync, options);
    }

    [Fact]
    public async Task Create_DatabaseHoldingAStore_RefusesAndLeavesItAlone()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => CreateAsync(Address));
        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Equal($"'{Address.Display}' already holds a DirSync store; init never overwrites a store — name another database", error.Message);
        await using var reopened = await PostgresDirectoryStore.OpenAsync(Address);
        Assert.Equal(Store.Info.Identity, reopened.Info.Identity);
    }

    [Fact]
    public async Task Create_DatabaseWithOtherTables_RefusesAndCreatesNothing()
    {
        var database = await _server.CreateDatabaseAsync();
        await _server.ExecuteAsync(database, "CREATE TABLE orders (id int); CREATE TABLE customers (id int)");
        var address = _server.Address(database);

        var error = await Assert.ThrowsAsync<StoreException>(() => CreateAsync(address));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Equal($"the database of '{address.Display}' holds 2 other tables; init wants an empty database — create one with 'createdb'", error.Message);
        Assert.Equal(["customers", "orders"], await _server.QueryAsync(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"));
    }

    [Fact]
    public async Task Create_InitializerFails_LeavesTheDatabaseEmpty()
    {
        var database = await _server.CreateDatabaseAsync();
        var address = _server.Address(database);
        var info = DirectorySetup.NewStoreInfo("Testorg", "Site1", "Server1", DateTimeOffset.UtcNow);

        await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresDirectoryStore.CreateAsync(
            address, info, async (t, ct) => { await DirectorySetup.InitializeAsync(t, ct); throw new InvalidOperationException("stop"); }));

        Assert.Equal(["0"], await _server.QueryAsync(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task Open_EmptyDatabase_TellsHowToCreateAStore()
    {
        var address = _server.Address(await _server.CreateDatabaseAsync());
        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresDirectoryStore.OpenAsync(address));
        Assert.Equal(
            $"no store in '{address.Display}'; create one with 'dirsync init --org <Org> --site <Site> --server <Server>' or point --store (or DIRSYNC_STORE) at an existing store",
            error.Message);
    }

    [Fact]
    public async Task Open_OtherApplicationsDatabase_IsNotADirSyncStore()
    {
        var database = await _server.CreateDatabaseAsync();
        await _server.ExecuteAsync(database, "CREATE TABLE t (x int)");
        var address = _server.Address(database);
        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresDirectoryStore.OpenAsync(address));
        Assert.Equal($"'{address.Display}' is not a DirSync store (its database holds tables of another application)", error.Message);
    }

    [Fact]
    public async Task Open_MissingDatabase_SaysToCreateIt()
    {
        var address = _server.Address("no_such_database");
        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresDirectoryStore.OpenAsync(address));
        Assert.Equal(ErrorCategory.Store, error.Category);
        Assert.Equal(
            $"cannot open store '{address.Display}': the database 'no_such_database' does not exist; create it with 'createdb' (see docs/operations.md), then run 'dirsync init --org <Org> --site <Site> --server <Server>'",
            error.Message);
    }

    [Fact]
    public async Task Open_NewerSchema_AsksForAnUpgrade()
    {
        await Store.DisposeAsync();
        await _server.ExecuteAsync(_database, "UPDATE store_info SET schema_version = 99");
        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresDirectoryStore.OpenAsync(Address));
        Assert.Equal($"'{Address.Display}' was written by a newer DirSync (schema 99; this one knows up to 3); upgrade dirsync", error.Message);
        Store = await PostgresDirectoryStore.OpenAsync(_server.Address(_database) is var a ? await ResetVersionAsync(a) : a);
    }

    [Fact]
    public async Task Open_SchemaOne_GainsTheHubOwnerIndexInOneTransaction()
    {
        await Store.DisposeAsync();
        await _server.ExecuteAsync(_database, "DROP INDEX ix_objects_hub_owner; UPDATE store_info SET schema_version = 1");

        Store = await PostgresDirectoryStore.OpenAsync(Address);

        Assert.Equal(["3"], await _server.QueryAsync(_database, "SELECT schema_version FROM store_info"));
        Assert.Equal(
            ["CREATE INDEX ix_objects_hub_owner ON public.objects USING btree (lower(imported_from)) WHERE ((origin_source = 'dir-sync'::text) AND (NOT is_deleted))"],
            await _server.QueryAsync(_database, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_objects_hub_owner'"));
    }

    [Fact]
    public async Task Open_SchemaTwo_GainsTheGalFirstCharacterIndexes()
    {
        await Store.DisposeAsync();
        await _server.ExecuteAsync(_database, "DROP INDEX ix_gal_first1; DROP INDEX ix_gal_first2; UPDATE store_info SET schema_version = 2");

        Store = await PostgresDirectoryStore.OpenAsync(Address);

        Assert.Equal(["3"], await _server.QueryAsync(_database, "SELECT schema_version FROM store_info"));
        Assert.Equal(
            [
                "CREATE INDEX ix_gal_first1 ON public.gal USING btree (\"left\"(search_key, 1), rank)",
                "CREATE INDEX ix_gal_first2 ON public.gal USING btree (\"left\"(search_key, 2), rank)",
            ],
            await _server.QueryAsync(_database, "SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'ix_gal_first%' ORDER BY indexname"));
    }

    [Fact]
    public async Task BeginTransaction_WhileAnotherConnectionWrites_FailsAsBusyAfterTheWaitButReadsGoOn()
    {
        await AddAsync(Mailbox("Existing"));
        var quick = PostgresStoreOptions.Default with { LockTimeout = TimeSpan.FromMilliseconds(300) };
        await using var second = await PostgresDirectoryStore.OpenAsync(Address, quick);
        await using var writing = await Store.BeginTransactionAsync();
        await writing.AddAsync(Mailbox("Uncommitted"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StoreException>(async () => await second.BeginTransactionAsync());
        clock.Stop();

        Assert.Equal(ErrorCategory.Busy, error.Category);
        Assert.Equal($"the store '{Address.Display}' is being written by another process and stayed busy for 0.3 s; try again when it has finished", error.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(2000));
        Assert.NotNull(await second.FindByAliasAsync("Existing"));
        Assert.Null(await second.FindByAliasAsync("Uncommitted"));
    }

    [Fact]
    public async Task BeginTransaction_NoWait_FailsAtOnceWhileAnotherWrites()
    {
        await using var second = await PostgresDirectoryStore.OpenAsync(Address, PostgresStoreOptions.Default with { LockTimeout = TimeSpan.Zero });
        await using var writing = await Store.BeginTransactionAsync();
        var error = await Assert.ThrowsAsync<StoreException>(async () => await second.BeginTransactionAsync());
        Assert.Equal(ErrorCategory.Busy, error.Category);
    }

    [Fact]
    public async Task BeginTransaction_AfterTheWriterCommits_SeesItsWritesAndContinuesItsUsns()
    {
        await using var second = await PostgresDirectoryStore.OpenAsync(Address);
        await AddAsync(Mailbox("First"));
        await using (var transaction = await second.BeginTransactionAsync())
        {
            var value = Mailbox("Second");
            await transaction.AddAsync(value);
            Assert.Equal(2, value.UsnCreated);
            await transaction.CommitAsync();
        }

        Assert.Equal(2, await Store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task ChangesSince_WhileTheCallerWritesInTheLoop_StreamsEverythingOnce()
    {
        for (var n = 0; n < 12; n++)
        {
            await AddAsync(Mailbox($"M{n:00}"));
        }

        // A streamed read must leave the store usable while it runs, inside a transaction (a cursor) and out of one.
        await using var small = await PostgresDirectoryStore.OpenAsync(Address, PostgresStoreOptions.Default with { FetchSize = 5 });
        await using (var transaction = await small.BeginTransactionAsync())
        {
            var seen = new List<string>();
            await foreach (var value in transaction.GetChangesSinceAsync(0))
            {
                seen.Add(value.Alias);
                await transaction.SetSettingAsync("last", value.Alias);
            }

            Assert.Equal(Enumerable.Range(0, 12).Select(n => $"M{n:00}"), seen);
            await transaction.CommitAsync();
        }

        var outside = new List<long>();
        await foreach (var value in small.GetChangesSinceAsync(6))
        {
            outside.Add(value.UsnChanged);
            Assert.Equal("M11", await small.GetSettingAsync("last"));
        }

        Assert.Equal([7L, 8, 9, 10, 11, 12], outside);
    }

    private async Task<PostgresStoreAddress> ResetVersionAsync(PostgresStoreAddress address)
    {
        await _server.ExecuteAsync(_database, "UPDATE store_info SET schema_version = 3");
        return address;
    }
}
