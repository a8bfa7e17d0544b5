using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Storage;

/// <summary>The store contract on SQLite, plus what only a file-based store has.</summary>
public sealed class SqliteDirectoryStoreTests : DirectoryStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    private string StorePath => _folder.File("store.db");

    protected override async Task<IDirectoryStore> CreateStoreAsync(TimeProvider time) =>
        await StoreFactory.CreateAsync(StorePath, time: time);

    protected override async Task<IDirectoryStore> ReopenAsync(IDirectoryStore store)
    {
        await store.DisposeAsync();
        return await SqliteDirectoryStore.OpenAsync(StorePath, SqliteStoreOptions.Default with { TimeProvider = Time });
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Create_ExistingFile_RefusesAndLeavesItAlone()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.CreateAsync(StorePath));
        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Contains("already exists; init never overwrites a store", error.Message, StringComparison.Ordinal);
        await using var reopened = await SqliteDirectoryStore.OpenAsync(StorePath);
        Assert.Equal(Store.Info.Identity, reopened.Info.Identity);
    }

    [Fact]
    public async Task Create_CreationTime_IsTheTimeAReopenedStoreReports()
    {
        var path = _folder.File("precise.db");
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero).AddTicks(12_345));
        DateTimeOffset created;
        await using (var store = await StoreFactory.CreateAsync(path, time: clock))
        {
            created = store.Info.Created;
        }

        await using var reopened = await SqliteDirectoryStore.OpenAsync(path);
        Assert.Equal(created, reopened.Info.Created);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 9, 0, 0, 1, TimeSpan.Zero), created);
    }

    [Fact]
    public async Task Create_MissingFolder_SaysWhichFolder()
    {
        var path = _folder.File("no/such/store.db");
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.CreateAsync(path));
        Assert.Equal($"cannot create a store at '{path}': the folder '{_folder.File("no/such")}' does not exist", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Create_File_IsReadableByItsOwnerOnly()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StorePath));
    }

    [Fact]
    public async Task Open_MissingFile_TellsHowToCreateOne()
    {
        var path = _folder.File("missing.db");
        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteDirectoryStore.OpenAsync(path));
        Assert.Equal(
            $"no store at '{path}'; create one with 'dirsync init --org <Org> --site <Site> --server <Server>' or point --store (or DIRSYNC_STORE) at an existing store",
            error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Open_TextFile_IsNotADirSyncStore()
    {
        var path = _folder.File("notes.txt");
        await File.WriteAllTextAsync(path, new string('x', 5000));
        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteDirectoryStore.OpenAsync(path));
        Assert.Equal($"'{path}' is not a DirSync store (it is not a SQLite database)", error.Message);
        Assert.Equal(new string('x', 5000), await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Open_OtherApplicationsDatabase_IsNotADirSyncStore()
    {
        var path = _folder.File("other.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (x)";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteDirectoryStore.OpenAsync(path));
        Assert.Equal($"'{path}' is not a DirSync store (it is a SQLite database of another application)", error.Message);
    }

    [Fact]
    public async Task Open_EmptyFile_PointsAtAnInterruptedInit()
    {
        var path = _folder.File("empty.db");
        await File.WriteAllBytesAsync(path, []);
        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteDirectoryStore.OpenAsync(path));
        Assert.Equal($"'{path}' is empty, not a DirSync store (an interrupted init?); remove it and run 'dirsync init --org <Org> --site <Site> --server <Server>' again", error.Message);
    }

    [Fact]
    public async Task Open_NewerSchema_AsksForAnUpgrade()
    {
        await Store.DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<StoreException>(() => SqliteDirectoryStore.OpenAsync(StorePath));
        Assert.Equal($"'{StorePath}' was written by a newer DirSync (schema 99; this one knows up to 3); upgrade dirsync", error.Message);
        Store = await StoreFactory.CreateAsync(_folder.File("replacement.db"));
    }

    [Fact]
    public async Task Open_SchemaOne_GainsTheHubOwnerIndexAndTheCountUsesIt()
    {
        await using var check = await ReopenAfterAsync("DROP INDEX ix_objects_hub_owner; PRAGMA user_version = 1");

        Assert.Equal(["3"], SqliteRows.Column(check, "PRAGMA user_version", 0));
        Assert.Equal(
            ["SEARCH o USING COVERING INDEX ix_objects_hub_owner (imported_from=?)"],
            SqliteRows.Plan(check, "SELECT count(*) FROM objects o WHERE o.is_deleted = 0 AND o.origin_source = 'dir-sync' AND o.imported_from = 'NET/PO1' COLLATE NOCASE"));
    }

    [Fact]
    public async Task Open_SchemaTwo_GainsTheGalFirstCharacterIndexes()
    {
        await using var check = await ReopenAfterAsync("DROP INDEX ix_gal_first1; DROP INDEX ix_gal_first2; PRAGMA user_version = 2");

        Assert.Equal(["3"], SqliteRows.Column(check, "PRAGMA user_version", 0));
        Assert.Equal(
            [
                "CREATE INDEX ix_gal_first1 ON gal(substr(search_key, 1, 1), rank)",
                "CREATE INDEX ix_gal_first2 ON gal(substr(search_key, 1, 2), rank)",
            ],
            SqliteRows.Column(check, "SELECT sql FROM sqlite_master WHERE name LIKE 'ix_gal_first%' ORDER BY name", 0));
    }

    [Fact]
    public async Task FindByOrigin_ManySources_RunsOnePreparedStatementWithoutPreparingItAgain()
    {
        // The hub-owner index is partial on one origin value; a lookup that binds the origin must not
        // make SQLite prepare it again for each value (a sevenfold cost per lookup at scale).
        var anchor = Guid.NewGuid();
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            foreach (var source in new[] { "dir-sync", "source-2" })
            {
                await transaction.AddAsync(new DirectoryObject(Guid.NewGuid(), ObjectClass.CustomRecipient, $"From-{source}", DirectoryPath.Recipients)
                {
                    TargetAddress = ProxyAddress.Parse($"SMTP:{source}@example.com"),
                    Origin = new ObjectOrigin(source, anchor, "NET/PO1"),
                });
            }

            await transaction.CommitAsync();
        }

        foreach (var source in new[] { "dir-sync", "source-2", "dir-sync", "source-3", "source-2" })
        {
            var found = await Store.FindByOriginAsync(source, anchor);
            Assert.Equal(source == "source-3" ? null : $"From-{source}", found?.Alias);
        }

        var store = (SqliteDirectoryStore)Store;
        var lookup = store.Context.Statement(SqliteDirectoryReader.FindByOriginSql);
        Assert.True(lookup.Steps > 0, "the lookups ran another statement than the one inspected");
        Assert.Equal(0, lookup.Reprepared);
    }

    [Fact]
    public async Task BeginTransaction_WhileAnotherConnectionWrites_FailsAsBusyAfterTheWaitButReadsGoOn()
    {
        await AddAsync(Mailbox("Existing"));
        var quick = SqliteStoreOptions.Default with { LockTimeout = TimeSpan.FromMilliseconds(300) };
        await using var second = await SqliteDirectoryStore.OpenAsync(StorePath, quick);
        await using var writing = await Store.BeginTransactionAsync();
        await writing.AddAsync(Mailbox("Uncommitted"));

        var error = await Assert.ThrowsAsync<StoreException>(async () => await second.BeginTransactionAsync());
        Assert.Equal(ErrorCategory.Busy, error.Category);
        Assert.Equal($"the store '{StorePath}' is being written by another process and stayed busy for 0.3 s; try again when it has finished", error.Message);
        Assert.NotNull(await second.FindByAliasAsync("Existing"));
        Assert.Null(await second.FindByAliasAsync("Uncommitted"));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public async Task BeginTransaction_WhileAnotherConnectionWrites_WaitsTheLockTimeoutOnce(double seconds)
    {
        var timeout = TimeSpan.FromSeconds(seconds);
        await using var second = await SqliteDirectoryStore.OpenAsync(StorePath, SqliteStoreOptions.Default with { LockTimeout = timeout });
        await using var writing = await Store.BeginTransactionAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StoreException>(async () => await second.BeginTransactionAsync());
        clock.Stop();

        Assert.Equal(ErrorCategory.Busy, error.Category);
        // The bug this guards against waited twice (the driver retried on top of SQLite's own wait);
        // "less than twice" tells the two apart without depending on how loaded the machine is.
        // (With no timeout, the bug waited the driver's own default second.)
        var doubled = timeout == TimeSpan.Zero ? TimeSpan.FromMilliseconds(900) : timeout * 2 - TimeSpan.FromMilliseconds(100);
        Assert.InRange(clock.Elapsed, timeout - TimeSpan.FromMilliseconds(50), doubled);
    }

    [Fact]
    public async Task ChangesSince_UsesTheUsnIndexRatherThanAScan()
    {
        await using var connection = new SqliteConnection($"Data Source={StorePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT * FROM objects o WHERE o.usn_changed > 5 ORDER BY o.usn_changed";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("SEARCH o USING INDEX ix_objects_usn (usn_changed>?)", reader.GetString(3));
        Assert.False(reader.Read());
    }

    [Theory]
    [InlineData("SELECT * FROM objects o WHERE o.alias_key = 'X' AND o.is_deleted = 0", "SEARCH o USING INDEX ix_objects_alias (alias_key=?)")]
    [InlineData("SELECT * FROM objects o WHERE o.guid = x'00'", "SEARCH o USING INDEX sqlite_autoindex_objects_1 (guid=?)")]
    [InlineData("SELECT * FROM objects o WHERE o.origin_source = 's' AND o.origin_anchor = x'00' AND o.is_deleted = 0", "SEARCH o USING INDEX ix_objects_origin (origin_source=? AND origin_anchor=?)")]
    public async Task Lookups_UseTheirIndexes(string query, string plan)
    {
        await using var connection = new SqliteConnection($"Data Source={StorePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + query;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(plan, reader.GetString(3));
    }

    /// <summary>Closes the store, runs <paramref name="downgrade"/> on its file (an older schema), opens it again, and returns a connection to look at the result.</summary>
    private async Task<SqliteConnection> ReopenAfterAsync(string downgrade)
    {
        await Store.DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = downgrade;
            command.ExecuteNonQuery();
        }

        Store = await SqliteDirectoryStore.OpenAsync(StorePath);
        var check = new SqliteConnection($"Data Source={StorePath};Pooling=False");
        check.Open();
        return check;
    }
}
