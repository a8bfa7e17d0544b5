using DirSync.Core;
using DirSync.Core.Storage;

namespace DirSync.Sqlite;

/// <summary>
/// A first load: a write transaction that has only added, into a store that held no live object before it, after
/// enough adds to be a load (<see cref="LoadKeys"/>). It makes the indexes that random keys would scatter writes over
/// once, at its end, instead of row by row: aliases, display names, origins and addresses.
/// </summary>
/// <remarks>
/// <para>What it changes, all inside the one transaction, so a crash or a rollback at any point leaves the store as it
/// was before the transaction began: it drops <c>ix_objects_alias</c>, <c>ix_objects_display</c> and
/// <c>ix_objects_origin</c>, and writes addresses
/// to a plain table (<c>load_proxies</c>) in the order they come. At its end (<see cref="Finish"/>: before the commit, or
/// before an update, a delete, or a read that wants those indexes or the addresses as stored: a listing of recipients
/// or origins, a table read) it moves the addresses into <c>proxies</c> in key order and makes the three
/// indexes again; SQLite sorts their keys once, which at four million recipients is a third of the time of keeping
/// them row by row (docs/benchmarks.md).</para>
/// <para>Without those indexes the store answers "is this alias, display name, address or origin taken?" from a
/// <see cref="LoadIndex"/> of what the load has written: its candidates are read by row number and their keys
/// compared, so every answer is the one the indexes would give (a test loads one file both ways and compares).</para>
/// <para>SQLite's page cache is cut to <see cref="LoadCacheMiB"/> while the load lasts: it appends rows, so a large
/// cache only holds pages already written, and the index takes the memory instead.</para>
/// </remarks>
internal sealed class SqliteFirstLoad
{
    /// <summary>The page cache while a first load lasts, in MiB.</summary>
    public const int LoadCacheMiB = 24;

    /// <summary>The helper thread SQLite may sort with at the end of a load: none on one core.</summary>
    /// <remarks>One: with the loading thread that is two cores busy; each helper sorts in a cache's worth of memory of its own.</remarks>
    private static readonly int SortThreads = Environment.ProcessorCount > 1 ? 1 : 0;

    private readonly SqliteContext _context;
    private readonly long _firstRow;

    private SqliteFirstLoad(SqliteContext context, long firstRow)
    {
        _context = context;
        _firstRow = firstRow;
    }

    /// <summary>Where the load's keys are; its rows are numbered from the load's first object (<see cref="Row"/>).</summary>
    public LoadIndex Index { get; } = new();

    /// <summary>
    /// Whether first loads are on by default (<see cref="SqliteStoreOptions.FirstLoad"/>): the environment variable
    /// <c>DIRSYNC_FIRST_LOAD=0</c> turns them off, for the tests that compare both paths and for benchmarks of the other.
    /// </summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("DIRSYNC_FIRST_LOAD") != "0";

    /// <summary>
    /// Starts a first load in the open transaction of <paramref name="context"/>, whose every live object it has added
    /// itself: drops the indexes, moves the addresses written so far to <c>load_proxies</c> and indexes what is there.
    /// </summary>
    public static SqliteFirstLoad Start(SqliteContext context)
    {
        FaultPoints.Hit("store.load.start");
        context.Execute("""
            DROP INDEX ix_objects_alias;
            DROP INDEX ix_objects_display;
            DROP INDEX ix_objects_origin;
            CREATE TABLE load_proxies (address_key TEXT NOT NULL, object_id INTEGER NOT NULL);
            INSERT INTO load_proxies (address_key, object_id) SELECT address_key, object_id FROM proxies;
            DELETE FROM proxies;
            """);
        context.Execute($"PRAGMA cache_size = {-1024L * Math.Min(LoadCacheMiB, context.Options.CacheMiB)}");

        var firstRow = context.Statement("SELECT coalesce(min(id), 0) FROM objects WHERE is_deleted = 0").ScalarInt64() ?? 0;
        var load = new SqliteFirstLoad(context, firstRow);
        using (var objects = context.NewStatement("SELECT id, alias_key, display_key, origin_source, origin_anchor FROM objects WHERE is_deleted = 0"))
        {
            while (objects.Step())
            {
                var row = load.Row(objects.Int64(0)) ?? throw new InvalidOperationException("A first load's rows are numbered from its first object.");
                load.Index.Add(KeyFilter.Kind.Alias, objects.Text(1), row);
                load.Index.Add(KeyFilter.Kind.DisplayName, objects.Text(2), row);
                if (!objects.IsNull(3))
                {
                    load.Index.AddOrigin(objects.Text(3), objects.Guid(4), row);
                }
            }
        }

        using (var proxies = context.NewStatement("SELECT rowid, address_key FROM load_proxies"))
        {
            while (proxies.Step())
            {
                load.Index.Add(KeyFilter.Kind.Address, proxies.Text(1), checked((uint)proxies.Int64(0)));
            }
        }

        return load;
    }

    /// <summary>Frees the index (its memory is native); for a load that ends by a rollback.</summary>
    public void Dispose() => Index.Dispose();

    /// <summary>The index's number for object row <paramref name="id"/>; null when it does not fit (the load must end first).</summary>
    public uint? Row(long id) => id >= _firstRow && id - _firstRow < uint.MaxValue ? (uint)(id - _firstRow) : null;

    /// <summary>The object row an index number stands for.</summary>
    public long Id(uint row) => _firstRow + row;

    /// <summary>
    /// Ends the load: moves the addresses into <c>proxies</c> in key order, makes the three indexes again and gives SQLite
    /// its cache back. The transaction stays open; a conflict here (which the exact answers rule out) fails the transaction.
    /// </summary>
    public void Finish()
    {
        FaultPoints.Hit("store.load.finish");

        // The index's memory is freed before SQLite sorts, and what SQLite sorts goes to temporary files, not memory: at
        // four million recipients the address keys alone are 300 MB.
        Dispose();
        SetTempStore("FILE");

        // SQLite's sorter hands runs to a helper thread: the end of a 1M load 0.5-1 s sooner on two cores, 20-30 MB more.
        _context.Execute($"PRAGMA threads = {SortThreads}");
        try
        {
            _context.Execute("""
                INSERT INTO proxies (address_key, object_id) SELECT address_key, object_id FROM load_proxies ORDER BY address_key;
                DROP TABLE load_proxies;
                """);
            FaultPoints.Hit("store.load.indexes");
            _context.Execute(SqliteSchema.AliasIndex + SqliteSchema.DisplayIndex + SqliteSchema.OriginIndex);
        }
        finally
        {
            _context.Execute("PRAGMA threads = 0");
            SetTempStore("MEMORY");
            _context.Execute($"PRAGMA cache_size = {-1024L * _context.Options.CacheMiB}");
        }
    }

    // SQLite refuses the change inside a transaction once the connection has a temporary database open (no DirSync
    // statement makes one); the sort then stays in memory, which costs memory, not a result.
    private void SetTempStore(string where)
    {
        try
        {
            _context.Execute($"PRAGMA temp_store = {where}");
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
        }
    }
}
