using DirSync.Core.Model;
using DirSync.Core.Storage;
using Microsoft.Data.Sqlite;

namespace DirSync.Sqlite;

/// <summary>What a store and its transactions share: the connection, prepared commands and the container cache.</summary>
internal sealed class SqliteContext : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteStatement> _statements = new(StringComparer.Ordinal);

    public SqliteContext(SqliteConnection connection, string path, SqliteStoreOptions options)
    {
        Connection = connection;
        Path = path;
        Options = options;
    }

    public SqliteConnection Connection { get; }

    public string Path { get; }

    public SqliteStoreOptions Options { get; }

    public StoreInfo Info { get; set; } = null!;

    public Dictionary<long, DirectoryPath> ContainersById { get; } = [];

    public Dictionary<string, long> ContainerIdsByKey { get; } = new(StringComparer.Ordinal);

    /// <summary>True while a write transaction is open on the connection.</summary>
    public bool InTransaction { get; set; }

    /// <summary>True while a load runs with the rollback journal (<see cref="SqliteDirectoryStore.BeginLoadAsync"/>): the write-ahead log comes back when it ends.</summary>
    public bool WalAfterTransaction { get; set; }

    /// <summary>Sets SQLite's journal mode; false when SQLite kept another (another connection has the store open) or refused.</summary>
    /// <remarks>
    /// Never inside a transaction. Leaving the write-ahead log needs this to be the store's only connection; asked
    /// without waiting (SQLite's own step, no busy wait), so that a store open elsewhere answers no at once instead of
    /// after the lock timeout.
    /// </remarks>
    public bool TrySetJournalMode(string mode)
    {
        // Every open asks for the log; nearly always the store is in it already, and one read says so.
        using (var current = NewStatement("PRAGMA journal_mode"))
        {
            if (current.Step() && string.Equals(current.Text(0), mode, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        Execute("PRAGMA busy_timeout = 0");
        try
        {
            using var statement = NewStatement($"PRAGMA journal_mode = {mode}");
            return statement.Step() && string.Equals(statement.Text(0), mode, StringComparison.OrdinalIgnoreCase);
        }
        catch (SqliteException)
        {
            return false;
        }
        finally
        {
            Execute($"PRAGMA busy_timeout = {(long)Options.LockTimeout.TotalMilliseconds}");
        }
    }

    /// <summary>Called when a write transaction has ended: a load's store goes back to the write-ahead log.</summary>
    /// <remarks>If another connection opened the store meanwhile the switch waits for a later open (<c>Connect</c>).</remarks>
    public void TransactionEnded()
    {
        InTransaction = false;
        if (WalAfterTransaction)
        {
            WalAfterTransaction = false;
            TrySetJournalMode("wal");
        }
    }

    // The key filter the last transaction ended with, and SQLite's count of other connections' commits when it ended.
    private KeyFilter? _keptKeys;
    private long _keptAtVersion;

    /// <summary>Keeps the key filter of a transaction that has just ended (committed or rolled back) for the next one.</summary>
    /// <remarks>A connection that cannot say what its data version is (it failed) keeps nothing.</remarks>
    public void KeepKeys(KeyFilter? filter)
    {
        _keptKeys = null;
        if (filter is not null)
        {
            try
            {
                _keptAtVersion = DataVersion();
                _keptKeys = filter;
            }
            catch (SqliteException)
            {
                // The next transaction builds a filter of its own if it needs one.
            }
        }
    }

    /// <summary>
    /// The kept key filter, if no other connection has committed since it was kept; it is handed out once. Called by a
    /// transaction that has just begun, which holds the write lock, so no one else can write while it uses the filter.
    /// </summary>
    public KeyFilter? TakeKeptKeys()
    {
        var filter = _keptKeys;
        _keptKeys = null;
        return filter is not null && DataVersion() == _keptAtVersion ? filter : null;
    }

    // Changes when another connection (this process's or any other) commits; this connection's own commits leave it.
    private long DataVersion() => Statement("PRAGMA data_version").ScalarInt64() ?? 0;

    /// <summary>The clock's time at the precision the store keeps (milliseconds).</summary>
    /// <remarks>Writes report the time they stored, so what a write returns equals what a later read returns.</remarks>
    public DateTimeOffset Now() => ToStoredPrecision(Options.TimeProvider.GetUtcNow());

    /// <summary>A time cut to the milliseconds the store keeps.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>A prepared command for <paramref name="sql"/>, reused across calls, with its parameters cleared.</summary>
    /// <remarks>Reuse keeps the statement compiled: at a million rows, re-preparing would cost more than the write.</remarks>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(Options.LockTimeout.TotalSeconds));
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>A statement prepared once for <paramref name="sql"/> and reused; reset it after each run.</summary>
    /// <remarks>A statement is one cursor: a caller that keeps it stepping while calling others needs <see cref="NewStatement"/>.</remarks>
    public SqliteStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new SqliteStatement(Connection.Handle!, sql);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>A statement of its own, for a streamed query that stays open while other statements run; dispose it.</summary>
    public SqliteStatement NewStatement(string sql) => new(Connection.Handle!, sql);

    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(Options.LockTimeout.TotalSeconds));
        command.ExecuteNonQuery();
    }

    public void LoadContainers()
    {
        ContainersById.Clear();
        ContainerIdsByKey.Clear();
        var command = Command("SELECT id, path FROM containers");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var path = DirectoryPath.Parse(reader.GetString(1));
            ContainersById[reader.GetInt64(0)] = path;
            ContainerIdsByKey[path.Key] = reader.GetInt64(0);
        }
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
        Connection.Dispose();
    }
}
