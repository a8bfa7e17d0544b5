using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using Microsoft.Data.Sqlite;

namespace DirSync.Sqlite;

/// <summary>A directory store in one SQLite file: DirSync's embedded default.</summary>
/// <remarks>
/// WAL journaling lets readers work while the one writer writes; a second writer waits up to
/// <see cref="SqliteStoreOptions.LockTimeout"/> and then fails with a clear message. The file is
/// created readable and writable by its owner only.
/// </remarks>
public sealed class SqliteDirectoryStore : SqliteDirectoryReader, IDirectoryStore
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteNotADatabase = 26;

    static SqliteDirectoryStore()
    {
        SQLitePCL.Batteries_V2.Init();
    }

    private SqliteDirectoryStore(SqliteContext context)
        : base(context)
    {
    }

    /// <summary>Creates a new store file and runs <paramref name="initialize"/> in the creating transaction.</summary>
    /// <remarks>
    /// The store is built under a temporary name in the same folder and renamed into place only when whole
    /// (committed, its log folded in, closed), so a creation cut off at any point leaves no file under the
    /// store's name — only a temporary one, which the next creation removes.
    /// </remarks>
    /// <exception cref="StoreException">The file already exists, or its folder does not.</exception>
    public static async Task<SqliteDirectoryStore> CreateAsync(
        string path,
        StoreInfo info,
        Func<IDirectoryTransaction, CancellationToken, ValueTask> initialize,
        SqliteStoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(initialize);
        options ??= SqliteStoreOptions.Default;
        var fullPath = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
        {
            throw new StoreException(path, $"cannot create a store at '{path}': the folder '{folder}' does not exist");
        }

        if (File.Exists(fullPath) || Directory.Exists(fullPath) || new FileInfo(fullPath).LinkTarget is not null)
        {
            throw Exists(path);
        }

        RemoveUnfinished(fullPath);
        var building = System.IO.Path.Combine(folder, $"{Core.Transport.AtomicFile.TemporaryPrefix}{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}"[..^20]);
        try
        {
            CreateOwnerOnlyFile(building);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException(path, $"cannot create a store at '{path}': {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}", innerException: e);
        }

        try
        {
            using (var context = Connect(building, path, options))
            {
                BeginEmptyStore(context);
                var insert = context.Command(
                    "INSERT INTO store_info (id, identity, organization, site, server, created) VALUES (1, $identity, $org, $site, $server, $created)");
                insert.Parameters.AddWithValue("$identity", GuidBytes(info.Identity));
                insert.Parameters.AddWithValue("$org", info.Organization);
                insert.Parameters.AddWithValue("$site", info.Site);
                insert.Parameters.AddWithValue("$server", info.Server);
                insert.Parameters.AddWithValue("$created", info.Created.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
                context.Info = info with { Created = SqliteContext.ToStoredPrecision(info.Created) };
                context.InTransaction = true;

                // The creating transaction is handed out as an ordinary transaction so the
                // initializer (the Recipients container, address templates) commits with the schema.
                var transaction = await SqliteTransaction.ContinueAsync(context, cancellationToken);
                await using (transaction)
                {
                    await initialize(transaction, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                // Everything into the one file that is renamed: the log stays behind under the temporary name.
                context.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }

            FaultPoints.Hit("file.rename.before");

            // No overwrite: a store made meanwhile by someone else under the name is theirs.
            try
            {
                File.Move(building, fullPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(fullPath))
            {
                throw Exists(path);
            }

            FaultPoints.Hit("file.rename.after");
        }
        catch
        {
            DeleteStoreFiles(building);
            throw;
        }

        DeleteStoreFiles(building);
        return await OpenAsync(fullPath, options, cancellationToken);
    }

    /// <summary>Begins the creating transaction of a new store file: write-ahead log, DirSync's marks, the schema.</summary>
    private static void BeginEmptyStore(SqliteContext context)
    {
        context.Execute("PRAGMA journal_mode = WAL");
        context.Execute("BEGIN IMMEDIATE");
        context.Execute($"PRAGMA application_id = {SqliteSchema.ApplicationId}");
        context.Execute($"PRAGMA user_version = {SqliteSchema.CurrentVersion}");
        context.Execute(SqliteSchema.Create);
    }

    /// <summary>Makes a new store file that is a copy of <paramref name="source"/>, row for row, checked by <paramref name="verify"/> before it takes its name.</summary>
    /// <remarks>
    /// The copy is built under a temporary name in the same folder and renamed into place only once it is whole and
    /// verified: an interrupted copy leaves no store at <paramref name="path"/>, a finished one leaves all of it.
    /// </remarks>
    /// <exception cref="StoreException">The file already exists, or its folder does not.</exception>
    public static async Task CreateCopyAsync(
        string path,
        IStoreTables source,
        Func<IStoreTables, CancellationToken, Task> verify,
        SqliteStoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(verify);
        options ??= SqliteStoreOptions.Default;
        var fullPath = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
        {
            throw new StoreException(path, $"cannot copy the store to '{path}': the folder '{folder}' does not exist");
        }

        if (File.Exists(fullPath) || Directory.Exists(fullPath))
        {
            throw new StoreException(path, $"'{path}' already exists; a copy goes only to a new file — choose another path or remove it yourself", ErrorCategory.Conflict);
        }

        var building = System.IO.Path.Combine(folder, $"{DirSync.Core.Transport.AtomicFile.TemporaryPrefix}copy-{Guid.NewGuid():N}.db");
        try
        {
            CreateOwnerOnlyFile(building);
            using (var context = Connect(building, path, options))
            {
                BeginEmptyStore(context);
                foreach (var table in StoreTable.All)
                {
                    var insert = context.Statement(
                        $"INSERT INTO {table.Name} ({table.ColumnList}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "?" + (i + 1)))})");
                    await foreach (var row in source.ReadTableAsync(table, cancellationToken))
                    {
                        for (var i = 0; i < row.Length; i++)
                        {
                            _ = row[i] switch
                            {
                                null => insert.BindNull(i + 1),
                                int number => insert.Bind(i + 1, number),
                                long number => insert.Bind(i + 1, number),
                                bool flag => insert.Bind(i + 1, flag ? 1 : 0),
                                string text => insert.Bind(i + 1, text),
                                byte[] bytes => insert.Bind(i + 1, (ReadOnlySpan<byte>)bytes),
                                Guid guid => insert.Bind(i + 1, guid),
                                var other => throw new InvalidOperationException($"A store value of an unexpected type {other.GetType().Name}."),
                            };
                        }

                        insert.Execute();
                    }

                    FaultPoints.Hit("store.copy");
                }

                context.Execute("COMMIT");
            }

            await using (var copy = await OpenAsync(building, options, cancellationToken))
            {
                await verify(copy, cancellationToken);
            }

            SqliteConnection.ClearAllPools();
            File.Move(building, fullPath, overwrite: false);
        }
        catch
        {
            SqliteConnection.ClearAllPools();
            DeleteStoreFiles(building);
            throw;
        }
    }

    /// <summary>Opens an existing store.</summary>
    /// <exception cref="StoreException">The file is missing, not a DirSync store, or of a newer schema.</exception>
    public static Task<SqliteDirectoryStore> OpenAsync(string path, SqliteStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= SqliteStoreOptions.Default;
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new StoreException(path, $"'{path}' is a folder, not a store file; point --store at the store file");
        }

        if (!File.Exists(fullPath))
        {
            throw new StoreException(
                path,
                $"no store at '{path}'; create one with '{CommandHints.Init()}' or point --store (or DIRSYNC_STORE) at an existing store");
        }

        if (new FileInfo(fullPath).Length == 0)
        {
            throw new StoreException(path, $"'{path}' is empty, not a DirSync store (an interrupted init?); remove it and run '{CommandHints.Init()}' again");
        }

        SqliteContext? opened = null;
        int applicationId;
        try
        {
            opened = Connect(fullPath, path, options);
            applicationId = Convert.ToInt32(opened.Command("PRAGMA application_id").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is SqliteException { SqliteErrorCode: SqliteNotADatabase }
                                   || e.InnerException is SqliteException { SqliteErrorCode: SqliteNotADatabase })
        {
            opened?.Dispose();
            throw new StoreException(path, $"'{path}' is not a DirSync store (it is not a SQLite database)", innerException: e);
        }
        catch (SqliteException e)
        {
            opened?.Dispose();
            throw OpenError(path, fullPath, options, e);
        }

        var context = opened;

        try
        {
            if (applicationId != SqliteSchema.ApplicationId)
            {
                throw new StoreException(path, $"'{path}' is not a DirSync store (it is a SQLite database of another application)");
            }

            // A load that ended without going back to the write-ahead log (a crash, or another process had the store
            // open at its end) goes back now; reading the store first rolled back what such a crash left half written.
            context.TrySetJournalMode("wal");

            var version = Convert.ToInt32(context.Command("PRAGMA user_version").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version > SqliteSchema.CurrentVersion)
            {
                throw new StoreException(
                    path,
                    $"'{path}' was written by a newer DirSync (schema {version}; this one knows up to {SqliteSchema.CurrentVersion}); upgrade dirsync");
            }

            if (version < SqliteSchema.CurrentVersion)
            {
                Upgrade(context, version);
            }

            using (var reader = context.Command("SELECT identity, organization, site, server, created FROM store_info WHERE id = 1").ExecuteReader())
            {
                if (!reader.Read())
                {
                    throw new StoreException(path, $"'{path}' is damaged: it has no store identity; restore it from a backup");
                }

                context.Info = new StoreInfo(
                    new Guid(reader.GetFieldValue<byte[]>(0), bigEndian: true),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
            }

            context.LoadContainers();
            return Task.FromResult(new SqliteDirectoryStore(context));
        }
        catch (SqliteException e)
        {
            context.Dispose();
            throw OpenError(path, fullPath, options, e);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Brings a store of an older schema up to date in one transaction: all of it or, on any error, none.</summary>
    private static void Upgrade(SqliteContext context, int version)
    {
        context.Execute("BEGIN IMMEDIATE");
        try
        {
            // Read again under the write lock: another process may have upgraded it meanwhile.
            var current = Convert.ToInt32(context.Command("PRAGMA user_version").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            for (var from = Math.Max(version, current); from < SqliteSchema.CurrentVersion; from++)
            {
                context.Execute(SqliteSchema.Upgrades[from]);
            }

            context.Execute($"PRAGMA user_version = {SqliteSchema.CurrentVersion}");
            context.Execute("COMMIT");
        }
        catch
        {
            context.Execute("ROLLBACK");
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IDirectoryTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        if (Context.InTransaction)
        {
            throw new InvalidOperationException("A transaction is already open on this store.");
        }

        if (StoreDamage.Read(Path) is { } damage)
        {
            throw new StoreException(
                Path,
                $"the store '{Path}' was found damaged ({damage}) and takes no writes until '{CommandHints.StoreCheck()}' finds it whole; restore it from a backup (see 'A damaged store' in docs/operations.md)");
        }

        // Run directly so SQLite's busy_timeout is the only wait: Microsoft.Data.Sqlite would retry a busy
        // statement until its whole-second command timeout, on top of that wait, stretching 2.5 s to 5 s.
        var rc = SQLitePCL.raw.sqlite3_exec(Context.Connection.Handle, "BEGIN IMMEDIATE");
        if (rc is SqliteBusy or SqliteLocked)
        {
            throw Busy(Path, "is being written by another process", Context.Options);
        }

        SqliteException.ThrowExceptionForRC(rc, Context.Connection.Handle);

        Context.InTransaction = true;
        return await SqliteTransaction.ContinueAsync(Context, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <para>Into a store that holds no object yet, and that no other connection has open, the load runs with SQLite's
    /// rollback journal instead of the write-ahead log: the rows of a new store are then written once, into the store,
    /// instead of into the log and again by the checkpoint (a tenth of a 1M import, docs/benchmarks.md). The rollback
    /// journal keeps the same promise — a crash or a rollback anywhere leaves the store as it was; the next open rolls
    /// a left journal back — and the store goes back to the write-ahead log when the load ends, or at the next open
    /// if that could not be done then.</para>
    /// <para>The difference a user can see: a process that opens the store while such a load runs waits for the
    /// load's end to read it, where the log would have let it read the empty store. A store already open elsewhere
    /// (a running <c>dirsync serve</c>) keeps the log, and its load is written as any other transaction.</para>
    /// </remarks>
    public async ValueTask<IDirectoryTransaction> BeginLoadAsync(CancellationToken cancellationToken = default)
    {
        var journaled = !Context.InTransaction
            && Context.Statement("SELECT NOT EXISTS (SELECT 1 FROM objects)").ScalarInt64() == 1
            && Context.TrySetJournalMode("delete");
        try
        {
            var transaction = await BeginTransactionAsync(cancellationToken);
            Context.WalAfterTransaction = journaled;
            return transaction;
        }
        catch when (journaled)
        {
            Context.TrySetJournalMode("wal");
            throw;
        }
    }

    /// <summary>Runs SQLite's own check of every page, index and row (or, <paramref name="quick"/>, of everything but the indexes' contents).</summary>
    /// <returns>What SQLite found wrong, at most <paramref name="limit"/> lines; empty when the store is whole.</returns>
    /// <remarks>Reads the whole store: seconds at a million recipients. The store's damage mark follows the answer.</remarks>
    public Task<IReadOnlyList<string>> CheckAsync(bool quick, int limit = 100, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        try
        {
            using var command = Context.Connection.CreateCommand();
            command.CommandText = $"PRAGMA {(quick ? "quick_check" : "integrity_check")}({limit})";
            command.CommandTimeout = 0;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var line = reader.GetString(0);
                if (line != "ok")
                {
                    problems.Add(line);
                }
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            problems.Add(e.Message.Replace("SQLite Error ", "", StringComparison.Ordinal));
        }

        if (problems.Count > 0)
        {
            StoreDamage.Mark(Path, $"{(quick ? "quick_check" : "integrity_check")}: {problems[0]}");
        }
        else
        {
            StoreDamage.Clear(Path);
        }

        return Task.FromResult<IReadOnlyList<string>>(problems);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Context.Dispose();
        return ValueTask.CompletedTask;
    }

    internal static bool IsBusy(SqliteException e) => e.SqliteErrorCode is SqliteBusy or SqliteLocked;

    private static SqliteContext Connect(string fullPath, string displayPath, SqliteStoreOptions options)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.LockTimeout.TotalSeconds)),
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw OpenError(displayPath, fullPath, options, e);
        }

        var context = new SqliteContext(connection, displayPath, options);
        try
        {
            context.Execute($"PRAGMA busy_timeout = {(long)options.LockTimeout.TotalMilliseconds}");
            context.Execute("PRAGMA synchronous = FULL");
            context.Execute("PRAGMA temp_store = MEMORY");
            context.Execute($"PRAGMA cache_size = {-1024L * options.CacheMiB}");
            return context;
        }
        catch (SqliteException e)
        {
            context.Dispose();
            throw OpenError(displayPath, fullPath, options, e);
        }
    }

    // A store another process holds past the wait: said as the writers' lock is (exit 7), and why when it is a first load
    // (the one time a DirSync store has a rollback journal, and readers wait; BeginLoadAsync).
    private static StoreException OpenError(string path, string fullPath, SqliteStoreOptions options, SqliteException e)
    {
        if (!IsBusy(e))
        {
            return new StoreException(path, $"cannot open store '{path}': {e.Message}", innerException: e);
        }

        var holder = File.Exists(fullPath + "-journal")
            ? "is being loaded by another process (a first load into an empty store holds it, readers too, until it commits)"
            : "is locked by another process";
        return Busy(path, holder, options, e);
    }

    private static StoreException Busy(string path, string holder, SqliteStoreOptions options, Exception? inner = null) =>
        new(path, $"the store '{path}' {holder} and stayed busy for {options.LockTimeout.TotalSeconds:0.#} s; try again when it has finished", ErrorCategory.Busy, inner);

    private static void CreateOwnerOnlyFile(string fullPath)
    {
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(fullPath, fileOptions);
    }

    private static StoreException Exists(string path) =>
        new(path, $"'{path}' already exists; init never overwrites a store — choose another --store path or remove the file yourself", ErrorCategory.Conflict);

    /// <summary>Removes what a creation of this store that was cut off left under a temporary name.</summary>
    private static void RemoveUnfinished(string fullPath)
    {
        var prefix = Core.Transport.AtomicFile.TemporaryPrefix + System.IO.Path.GetFileName(fullPath) + ".";
        foreach (var debris in Directory.EnumerateFiles(System.IO.Path.GetDirectoryName(fullPath)!, prefix + "*"))
        {
            try
            {
                File.Delete(debris);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover harms nothing but space, and its name is never used again.
            }
        }
    }

    private static void DeleteStoreFiles(string fullPath)
    {
        foreach (var file in new[] { fullPath, fullPath + "-wal", fullPath + "-shm", fullPath + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Best effort: the original error is the one worth reporting.
            }
        }
    }
}
