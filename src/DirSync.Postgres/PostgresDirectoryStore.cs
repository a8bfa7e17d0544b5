using System.Globalization;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using Npgsql;

namespace DirSync.Postgres;

/// <summary>A directory store in a PostgreSQL database: for a hub that has outgrown a file.</summary>
/// <remarks>
/// <para>It behaves as <c>SqliteDirectoryStore</c> does: readers read while the one writer writes, and a second writer
/// waits up to <see cref="PostgresStoreOptions.LockTimeout"/> for a transaction-scoped advisory lock and then fails
/// with the same Busy error. Every writer takes that lock before anything else, so writers never wait on one
/// another's rows: no deadlock and no serialization failure can arise between DirSync processes.</para>
/// <para>A database holds one store, in its default schema; <see cref="CreateAsync"/> wants it empty.</para>
/// </remarks>
public sealed class PostgresDirectoryStore : PostgresDirectoryReader, IDirectoryStore
{
    private const string LockNotAvailable = "55P03";
    private const string InvalidCatalogName = "3D000";

    private PostgresDirectoryStore(PostgresContext context)
        : base(context)
    {
    }

    /// <summary>Creates a store in an empty database and runs <paramref name="initialize"/> in the creating transaction.</summary>
    /// <exception cref="StoreException">The database cannot be reached, or already holds a store or other tables.</exception>
    public static async Task<PostgresDirectoryStore> CreateAsync(
        PostgresStoreAddress address,
        StoreInfo info,
        Func<IDirectoryTransaction, CancellationToken, ValueTask> initialize,
        PostgresStoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(initialize);
        options ??= PostgresStoreOptions.Default;
        var context = await ConnectAsync(address, options, cancellationToken);
        try
        {
            await BeginEmptyStoreAsync(
                context,
                address,
                "init never overwrites a store — name another database",
                "init wants an empty database — create one with 'createdb'",
                cancellationToken);
            await context.ExecuteAsync(
                "INSERT INTO store_info (id, application, schema_version, identity, organization, site, server, created) VALUES (1, $1, $2, $3, $4, $5, $6, $7)",
                cancellationToken,
                PostgresSchema.Application,
                PostgresSchema.CurrentVersion,
                info.Identity,
                info.Organization,
                info.Site,
                info.Server,
                info.Created.ToUnixTimeMilliseconds());
            context.Info = info with { Created = PostgresContext.ToStoredPrecision(info.Created) };

            // The creating transaction is handed out as an ordinary transaction so the initializer commits with the schema.
            var transaction = await PostgresTransaction.ContinueAsync(context, cancellationToken);
            await using (transaction)
            {
                await initialize(transaction, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return new PostgresDirectoryStore(context);
        }
        catch (NpgsqlException e)
        {
            await context.DisposeAsync();
            throw new StoreException(address.Display, $"cannot create a store in '{address.Display}': {PostgresStoreErrors.Reason(e)}", innerException: e);
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Begins the creating transaction, takes the store lock, and lays down the schema — in a database that holds no
    /// store and no other table. <paramref name="whenStore"/> and <paramref name="whenTables"/> end the refusal otherwise.
    /// </summary>
    private static async Task BeginEmptyStoreAsync(
        PostgresContext context,
        PostgresStoreAddress address,
        string whenStore,
        string whenTables,
        CancellationToken cancellationToken)
    {
        await context.ExecuteAsync("BEGIN", cancellationToken);
        context.InTransaction = true;
        await LockAsync(context, cancellationToken);
        var (hasStore, tables) = await DescribeAsync(context, cancellationToken);
        if (hasStore)
        {
            throw new StoreException(address.Display, $"'{address.Display}' already holds a DirSync store; {whenStore}", ErrorCategory.Conflict);
        }

        if (tables > 0)
        {
            throw new StoreException(
                address.Display,
                $"the database of '{address.Display}' holds {tables} other table{(tables == 1 ? "" : "s")}; {whenTables}",
                ErrorCategory.Conflict);
        }

        await context.ExecuteAsync(PostgresSchema.Create, cancellationToken);
    }

    /// <summary>Fills an empty database with a copy of <paramref name="source"/>, row for row, checked by <paramref name="verify"/> before it commits.</summary>
    /// <remarks>All in one transaction: an interrupted or failed copy leaves the database as empty as it was.</remarks>
    /// <exception cref="StoreException">The database cannot be reached, or is not empty.</exception>
    public static async Task CreateCopyAsync(
        PostgresStoreAddress address,
        IStoreTables source,
        Func<IStoreTables, CancellationToken, Task> verify,
        PostgresStoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(verify);
        options ??= PostgresStoreOptions.Default;
        var context = await ConnectAsync(address, options, cancellationToken);
        try
        {
            await BeginEmptyStoreAsync(
                context,
                address,
                "a copy goes only to an empty database",
                "a copy goes only to an empty database",
                cancellationToken);
            foreach (var table in StoreTable.All)
            {
                await CopyTableAsync(context, table, source, cancellationToken);
                FaultPoints.Hit("store.copy");
            }

            await context.LoadContainersAsync(cancellationToken);
            await using (var info = context.Command("SELECT identity, organization, site, server, created FROM store_info WHERE id = 1"))
            await using (var reader = await info.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                context.Info = new StoreInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
            }

            await verify(new PostgresDirectoryStore(context), cancellationToken);
            FaultPoints.Hit("store.commit.before");
            await context.ExecuteAsync("COMMIT", cancellationToken);
            context.InTransaction = false;
        }
        catch (NpgsqlException e)
        {
            throw new StoreException(address.Display, $"cannot copy the store to '{address.Display}': {PostgresStoreErrors.Reason(e)}; nothing was kept", innerException: e);
        }
        finally
        {
            // Closing the connection ends an unfinished transaction: the server rolls it back.
            await context.DisposeAsync();
        }
    }

    /// <summary>Opens an existing store, bringing an older schema up to date in one transaction.</summary>
    /// <exception cref="StoreException">The database cannot be reached, holds no DirSync store, or one of a newer schema.</exception>
    public static async Task<PostgresDirectoryStore> OpenAsync(PostgresStoreAddress address, PostgresStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= PostgresStoreOptions.Default;
        var context = await ConnectAsync(address, options, cancellationToken);
        try
        {
            var (hasStore, tables) = await DescribeAsync(context, cancellationToken);
            if (!hasStore)
            {
                throw new StoreException(
                    address.Display,
                    tables == 0
                        ? $"no store in '{address.Display}'; create one with '{CommandHints.Init()}' or point --store (or DIRSYNC_STORE) at an existing store"
                        : $"'{address.Display}' is not a DirSync store (its database holds tables of another application)");
            }

            var (application, version) = await ReadVersionAsync(context, address, cancellationToken);
            if (application != PostgresSchema.Application)
            {
                throw new StoreException(address.Display, $"'{address.Display}' is not a DirSync store (its store_info belongs to '{application}')");
            }

            if (version > PostgresSchema.CurrentVersion)
            {
                throw new StoreException(
                    address.Display,
                    $"'{address.Display}' was written by a newer DirSync (schema {version}; this one knows up to {PostgresSchema.CurrentVersion}); upgrade dirsync");
            }

            if (version < PostgresSchema.CurrentVersion)
            {
                await UpgradeAsync(context, address, cancellationToken);
            }

            await using (var command = context.Command("SELECT identity, organization, site, server, created FROM store_info WHERE id = 1"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new StoreException(address.Display, $"'{address.Display}' is damaged: it has no store identity; restore it from a backup");
                }

                context.Info = new StoreInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
            }

            await context.LoadContainersAsync(cancellationToken);
            return new PostgresDirectoryStore(context);
        }
        catch (NpgsqlException e)
        {
            await context.DisposeAsync();
            throw new StoreException(address.Display, $"cannot open store '{address.Display}': {PostgresStoreErrors.Reason(e)}", innerException: e);
        }
        catch
        {
            await context.DisposeAsync();
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

        await Context.ExecuteAsync("BEGIN", cancellationToken);
        Context.InTransaction = true;
        try
        {
            await LockAsync(Context, cancellationToken);

            // Another process may have added containers since this one last looked.
            await Context.LoadContainersAsync(cancellationToken);
            return await PostgresTransaction.ContinueAsync(Context, cancellationToken);
        }
        catch
        {
            Context.InTransaction = false;
            try
            {
                await Context.ExecuteAsync("ROLLBACK", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The connection is gone; the server ended the transaction with it.
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Context.DisposeAsync();

    /// <summary>Npgsql's settings for a store's connections: no pool (a closed store closes its connections), no statement timeout.</summary>
    internal static NpgsqlConnectionStringBuilder ConnectionSettings(PostgresStoreAddress address)
    {
        var settings = new NpgsqlConnectionStringBuilder(address.Settings.ConnectionString)
        {
            Pooling = false,
            CommandTimeout = 0,
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            IncludeErrorDetail = false,
        };
        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = "dirsync";
        }

        return settings;
    }

    /// <summary>Writes one table of a copy with binary COPY.</summary>
    private static async Task CopyTableAsync(PostgresContext context, StoreTable table, IStoreTables source, CancellationToken cancellationToken)
    {
        // store_info also says whose it is and of which schema, which SQLite keeps in its file header.
        var marks = table.Name == "store_info";
        var columns = table.ColumnList + (marks ? ", application, schema_version" : "");
        await using var copy = await context.Connection.BeginBinaryImportAsync($"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        await foreach (var row in source.ReadTableAsync(table, cancellationToken))
        {
            await copy.StartRowAsync(cancellationToken);
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is null)
                {
                    await copy.WriteNullAsync(cancellationToken);
                    continue;
                }

                switch (table.Columns[i].Type)
                {
                    case StoreColumnType.Int32:
                        await copy.WriteAsync((int)row[i]!, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
                        break;
                    case StoreColumnType.Int64:
                        await copy.WriteAsync((long)row[i]!, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken);
                        break;
                    case StoreColumnType.Text:
                        await copy.WriteAsync((string)row[i]!, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                        break;
                    case StoreColumnType.Blob:
                        await copy.WriteAsync((byte[])row[i]!, NpgsqlTypes.NpgsqlDbType.Bytea, cancellationToken);
                        break;
                    case StoreColumnType.Guid:
                        await copy.WriteAsync((Guid)row[i]!, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                        break;
                    case StoreColumnType.Boolean:
                        await copy.WriteAsync((bool)row[i]!, NpgsqlTypes.NpgsqlDbType.Boolean, cancellationToken);
                        break;
                    default:
                        throw new InvalidOperationException($"Unknown column type {table.Columns[i].Type}.");
                }
            }

            if (marks)
            {
                await copy.WriteAsync(PostgresSchema.Application, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(PostgresSchema.CurrentVersion, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
            }
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>Takes the writer lock of the transaction just begun, waiting at most the lock timeout.</summary>
    private static async Task LockAsync(PostgresContext context, CancellationToken cancellationToken)
    {
        var timeout = context.Options.LockTimeout;
        bool locked;
        if (timeout <= TimeSpan.Zero)
        {
            // lock_timeout 0 means "wait for ever" to PostgreSQL; no wait at all is a try.
            locked = await context.ScalarAsync<bool>($"SELECT pg_try_advisory_xact_lock({PostgresSchema.WriterLock})", cancellationToken);
        }
        else
        {
            try
            {
                var milliseconds = Math.Max(1, (long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                await context.ExecuteAsync($"SET LOCAL lock_timeout = {milliseconds}; SELECT pg_advisory_xact_lock({PostgresSchema.WriterLock})", cancellationToken);
                await context.ExecuteAsync("SET LOCAL lock_timeout = 0", cancellationToken);
                locked = true;
            }
            catch (PostgresException e) when (e.SqlState == LockNotAvailable)
            {
                locked = false;
            }
        }

        if (!locked)
        {
            throw new StoreException(
                context.Address.Display,
                $"the store '{context.Address.Display}' is being written by another process and stayed busy for {timeout.TotalSeconds:0.#} s; try again when it has finished",
                ErrorCategory.Busy);
        }
    }

    private static async Task<PostgresContext> ConnectAsync(PostgresStoreAddress address, PostgresStoreOptions options, CancellationToken cancellationToken)
    {
        var dataSource = new NpgsqlDataSourceBuilder(ConnectionSettings(address).ConnectionString).Build();
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return new PostgresContext(dataSource, connection, address, options);
        }
        catch (PostgresException e) when (e.SqlState == InvalidCatalogName)
        {
            await dataSource.DisposeAsync();
            throw new StoreException(
                address.Display,
                $"cannot open store '{address.Display}': the database '{address.Database}' does not exist; create it with 'createdb' (see docs/operations.md), then run '{CommandHints.Init()}'",
                innerException: e);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await dataSource.DisposeAsync();
            throw new StoreException(address.Display, $"cannot open store '{address.Display}': {PostgresStoreErrors.Reason(e)}", innerException: e);
        }
    }

    /// <summary>Whether the database holds a store, and how many other tables it holds.</summary>
    private static async Task<(bool HasStore, long OtherTables)> DescribeAsync(PostgresContext context, CancellationToken cancellationToken)
    {
        await using var command = context.Command("""
            SELECT to_regclass('store_info') IS NOT NULL,
                   (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
                      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%')
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetBoolean(0), reader.GetInt64(1));
    }

    private static async Task<(string Application, int Version)> ReadVersionAsync(PostgresContext context, PostgresStoreAddress address, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = context.Command("SELECT application, schema_version FROM store_info WHERE id = 1");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? (reader.GetString(0), reader.GetInt32(1))
                : throw new StoreException(address.Display, $"'{address.Display}' is damaged: it has no store identity; restore it from a backup");
        }
        catch (PostgresException e) when (e.SqlState == "42703")
        {
            throw new StoreException(address.Display, $"'{address.Display}' is not a DirSync store (its store_info table is another application's)", innerException: e);
        }
    }

    /// <summary>Brings a store of an older schema up to date in one transaction: all of it or, on any error, none.</summary>
    private static async Task UpgradeAsync(PostgresContext context, PostgresStoreAddress address, CancellationToken cancellationToken)
    {
        await context.ExecuteAsync("BEGIN", cancellationToken);
        context.InTransaction = true;
        try
        {
            await LockAsync(context, cancellationToken);

            // Read again under the writer lock: another process may have upgraded it meanwhile.
            var (_, current) = await ReadVersionAsync(context, address, cancellationToken);
            for (var from = current; from < PostgresSchema.CurrentVersion; from++)
            {
                await context.ExecuteAsync(PostgresSchema.Upgrades[from], cancellationToken);
            }

            await context.ExecuteAsync("UPDATE store_info SET schema_version = $1", cancellationToken, PostgresSchema.CurrentVersion);
            await context.ExecuteAsync("COMMIT", cancellationToken);
        }
        catch
        {
            try
            {
                await context.ExecuteAsync("ROLLBACK", CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The connection is gone; the server rolled back.
            }

            throw;
        }
        finally
        {
            context.InTransaction = false;
        }
    }
}
