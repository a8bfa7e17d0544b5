using System.Collections.Concurrent;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Postgres;
using DirSync.Sqlite;

namespace DirSync.Tests.Support;

/// <summary>Which backend the end-to-end suites run on, and how a test's store file stands for a PostgreSQL database.</summary>
/// <remarks>
/// <para>The command-line, hub and crash suites name their stores as files (<c>--store site1.db</c>). With
/// <see cref="Variable"/> set to <c>postgresql</c> (scripts/test.sh runs those suites a second time so), every such
/// file stands for a database of its own on the run's private server: <see cref="CliRunner"/> and
/// <see cref="CliProcess"/> hand dirsync that database's URI instead of the path, the helpers that open stores in
/// the test process open the database, and copying or removing a test's folder copies or drops its databases. The
/// tests themselves stay as they are, so both backends pass the very same suites.</para>
/// <para>A test about SQLite files as such (file modes, WAL files, a foreign SQLite database) says so with
/// <see cref="SkipOnPostgres"/>; PostgreSQL has its own tests of the same promises.</para>
/// </remarks>
public static class TestStores
{
    /// <summary>The variable that picks the backend: <c>sqlite</c> (the default) or <c>postgresql</c>.</summary>
    public const string Variable = "DIRSYNC_TEST_STORE";

    /// <summary>The ending of a store file a test means as a SQLite file on either run (a copy's target, say): it is never mapped.</summary>
    public const string SqliteOnly = ".sqlite";

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Databases = new(StringComparer.Ordinal);

    /// <summary>True when the stores of this run are PostgreSQL databases.</summary>
    public static bool OnPostgres { get; } = Environment.GetEnvironmentVariable(Variable) is "postgresql" or "postgres";

    /// <summary>Skips a test that is about SQLite files themselves when the run is on PostgreSQL.</summary>
    public static void SkipOnPostgres(string why) => Assert.SkipWhen(OnPostgres, $"a SQLite-file test on the PostgreSQL run: {why}");

    /// <summary>What dirsync is given for <paramref name="store"/>: the same text on SQLite, the URI of its database on PostgreSQL.</summary>
    public static async Task<string> LocateAsync(string workingDirectory, string store)
    {
        if (!OnPostgres || PostgresStoreAddress.IsUri(store) || store.EndsWith(SqliteOnly, StringComparison.Ordinal))
        {
            return store;
        }

        // A minute to connect, not Npgsql's 15 seconds: with a thousand tests' processes on two cores, a hub end-to-end
        // test's requestor once waited longer than that for the private server to accept it (CI, 2026-12-04).
        var server = await PostgresServer.GetAsync();
        return server.Uri(await DatabaseAsync(Path.GetFullPath(store, workingDirectory))) + "&connect_timeout=60";
    }

    /// <summary>How dirsync names the store <paramref name="path"/> in its messages: the path on SQLite, the URI on PostgreSQL.</summary>
    public static string Shown(string path) =>
        OnPostgres ? PostgresStoreAddress.Parse(LocateAsync(Path.GetDirectoryName(path)!, path).GetAwaiter().GetResult()).Display : path;

    /// <summary>The arguments and environment of one dirsync run with every store file mapped (see the remarks).</summary>
    public static async Task<(string[] Args, IReadOnlyDictionary<string, string>? Environment)> MapAsync(
        string workingDirectory, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        if (!OnPostgres)
        {
            return (args, environment);
        }

        var mapped = args.ToArray();
        var named = false;
        for (var i = 0; i < mapped.Length; i++)
        {
            if (mapped[i] == "--from" && i + 1 < mapped.Length)
            {
                // server take-over's old server store.
                mapped[i + 1] = await LocateAsync(workingDirectory, mapped[i + 1]);
            }
            else if (mapped[i] == "--store" && i + 1 < mapped.Length)
            {
                mapped[i + 1] = await LocateAsync(workingDirectory, mapped[i + 1]);
                named = true;
            }
            else if (mapped[i].StartsWith("--store=", StringComparison.Ordinal))
            {
                mapped[i] = "--store=" + await LocateAsync(workingDirectory, mapped[i]["--store=".Length..]);
                named = true;
            }
        }

        var variables = new Dictionary<string, string>(environment ?? CliRunner.NoEnvironment);
        if (variables.TryGetValue("DIRSYNC_STORE", out var fromEnvironment) && fromEnvironment.Length > 0)
        {
            variables["DIRSYNC_STORE"] = await LocateAsync(workingDirectory, fromEnvironment);
        }
        else if (!named)
        {
            // dirsync's default, dirsync.db in the current folder, stands for a database too.
            variables["DIRSYNC_STORE"] = await LocateAsync(workingDirectory, "dirsync.db");
        }

        return (mapped, variables);
    }

    /// <summary>Opens the store <paramref name="path"/> in the test process.</summary>
    public static async Task<IDirectoryStore> OpenAsync(string path, TimeProvider? time = null)
    {
        if (!OnPostgres)
        {
            return await SqliteDirectoryStore.OpenAsync(path, SqliteStoreOptions.Default with { TimeProvider = time ?? TimeProvider.System });
        }

        var server = await PostgresServer.GetAsync();
        return await PostgresDirectoryStore.OpenAsync(
            server.Address(await DatabaseAsync(Path.GetFullPath(path))), PostgresStoreOptions.Default with { TimeProvider = time ?? TimeProvider.System });
    }

    /// <summary>Creates the store <paramref name="path"/> in the test process.</summary>
    public static async Task<IDirectoryStore> CreateAsync(
        string path, StoreInfo info, Func<IDirectoryTransaction, CancellationToken, ValueTask> initialize, TimeProvider time, TimeSpan lockTimeout)
    {
        if (!OnPostgres)
        {
            return await SqliteDirectoryStore.CreateAsync(
                path, info, initialize, SqliteStoreOptions.Default with { TimeProvider = time, LockTimeout = lockTimeout });
        }

        var server = await PostgresServer.GetAsync();
        return await PostgresDirectoryStore.CreateAsync(
            server.Address(await DatabaseAsync(Path.GetFullPath(path))), info, initialize, PostgresStoreOptions.Default with { TimeProvider = time, LockTimeout = lockTimeout });
    }

    /// <summary>The stores in <paramref name="folder"/> and below, by path, in path order.</summary>
    public static async Task<IReadOnlyList<string>> InAsync(string folder)
    {
        if (!OnPostgres)
        {
            return [.. Directory.EnumerateFiles(folder, "*.db", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        }

        var server = await PostgresServer.GetAsync();
        var stores = new List<string>();
        foreach (var path in Under(folder))
        {
            if ((await server.QueryAsync(await DatabaseAsync(path), "SELECT to_regclass('store_info') IS NOT NULL"))[0] == "True")
            {
                stores.Add(path);
            }
        }

        return stores;
    }

    /// <summary>Copies the stores under <paramref name="from"/> to the same places under <paramref name="to"/> (files are the caller's).</summary>
    public static async Task CopyAsync(string from, string to)
    {
        if (!OnPostgres)
        {
            return;
        }

        from = Path.GetFullPath(from);
        to = Path.GetFullPath(to);
        foreach (var path in Under(from))
        {
            await CopyStoreAsync(path, Path.Combine(to, Path.GetRelativePath(from, path)));
        }
    }

    /// <summary>Makes <paramref name="to"/> a copy of the store <paramref name="from"/>, replacing what was there; nobody may have either open.</summary>
    public static async Task CopyStoreAsync(string from, string to)
    {
        var server = await PostgresServer.GetAsync();
        var source = await DatabaseAsync(Path.GetFullPath(from));
        var clone = await server.CloneDatabaseAsync(source);
        if (Databases.TryRemove(Path.GetFullPath(to), out var old))
        {
            await server.DropDatabaseAsync(await old.Value);
        }

        Databases[Path.GetFullPath(to)] = new Lazy<Task<string>>(Task.FromResult(clone));
    }

    /// <summary>Drops the databases of the stores under <paramref name="folder"/>, as removing the folder removes store files.</summary>
    public static void Forget(string folder)
    {
        if (!OnPostgres)
        {
            return;
        }

        foreach (var path in Under(Path.GetFullPath(folder)))
        {
            if (Databases.TryRemove(path, out var database))
            {
                PostgresServer.GetAsync().GetAwaiter().GetResult().DropDatabaseAsync(database.Value.GetAwaiter().GetResult()).GetAwaiter().GetResult();
            }
        }
    }

    private static IEnumerable<string> Under(string folder)
    {
        var prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return Databases.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    private static Task<string> DatabaseAsync(string fullPath) =>
        Databases.GetOrAdd(fullPath, _ => new Lazy<Task<string>>(async () => await (await PostgresServer.GetAsync()).CreateDatabaseAsync())).Value;
}
