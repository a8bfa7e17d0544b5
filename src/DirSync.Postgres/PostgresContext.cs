using DirSync.Core.Model;
using Npgsql;

namespace DirSync.Postgres;

/// <summary>What a store and its transactions share: the connection, the container cache and the writer's state.</summary>
internal sealed class PostgresContext : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly Stack<NpgsqlConnection> _spare = new();
    private int _cursors;

    public PostgresContext(NpgsqlDataSource dataSource, NpgsqlConnection connection, PostgresStoreAddress address, PostgresStoreOptions options)
    {
        _dataSource = dataSource;
        Connection = connection;
        Address = address;
        Options = options;
    }

    /// <summary>The connection every write and every short read goes through.</summary>
    public NpgsqlConnection Connection { get; }

    public PostgresStoreAddress Address { get; }

    public PostgresStoreOptions Options { get; }

    public StoreInfo Info { get; set; } = null!;

    public Dictionary<long, DirectoryPath> ContainersById { get; } = [];

    public Dictionary<string, long> ContainerIdsByKey { get; } = new(StringComparer.Ordinal);

    /// <summary>True while a write transaction is open on <see cref="Connection"/>.</summary>
    public bool InTransaction { get; set; }

    /// <summary>The clock's time at the precision the store keeps (milliseconds), as SQLite's store.</summary>
    public DateTimeOffset Now() => ToStoredPrecision(Options.TimeProvider.GetUtcNow());

    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>A command on the store's connection with positional parameters ($1, $2 ...) in the order given.</summary>
    public NpgsqlCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, Connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>A name for a cursor not in use on the connection.</summary>
    public string NextCursorName() => "dirsync_cursor_" + ++_cursors;

    /// <summary>A connection of its own for a streamed read outside a write transaction; give it back with <see cref="ReturnSpare"/>.</summary>
    /// <remarks>A reader holds its connection until it ends, and callers run other reads and writes while they iterate.</remarks>
    public async ValueTask<NpgsqlConnection> RentSpareAsync(CancellationToken cancellationToken)
    {
        if (_spare.TryPop(out var connection) && connection.State == System.Data.ConnectionState.Open)
        {
            return connection;
        }

        connection?.Dispose();
        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }

    public void ReturnSpare(NpgsqlConnection connection)
    {
        if (connection.State == System.Data.ConnectionState.Open && _spare.Count < 2)
        {
            _spare.Push(connection);
        }
        else
        {
            connection.Dispose();
        }
    }

    public async Task LoadContainersAsync(CancellationToken cancellationToken)
    {
        ContainersById.Clear();
        ContainerIdsByKey.Clear();
        await using var command = Command("SELECT id, path FROM containers");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var path = DirectoryPath.Parse(reader.GetString(1));
            ContainersById[reader.GetInt64(0)] = path;
            ContainerIdsByKey[path.Key] = reader.GetInt64(0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_spare.TryPop(out var connection))
        {
            await connection.DisposeAsync();
        }

        await Connection.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
