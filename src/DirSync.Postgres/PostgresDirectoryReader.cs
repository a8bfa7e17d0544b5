using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using DirSync.Core.Gal;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using Npgsql;

namespace DirSync.Postgres;

/// <summary>The reads a PostgreSQL store and its transactions share.</summary>
/// <remarks>
/// Short reads run on the store's connection (inside the write transaction when one is open, so they see its own
/// writes). A streamed read runs on a connection of its own in one read-only snapshot outside a transaction, and
/// through a cursor fetched in batches inside one: either way the caller may use the store while it iterates.
/// </remarks>
public abstract class PostgresDirectoryReader : IDirectoryReader, IStoreTables
{
    // A list's members come in the row itself (only for lists: CASE evaluates the subqueries for those alone),
    // so a streamed read needs no second query per row.
    internal const string ObjectColumns =
        "o.id, o.guid, o.class, o.alias, o.display_name, o.container_id, o.target_address, o.origin_source, " +
        "o.origin_anchor, o.imported_from, o.usn_created, o.usn_changed, o.is_deleted, o.when_created, o.when_changed, o.attrs, " +
        "CASE WHEN o.class = 3 AND NOT o.is_deleted THEN ARRAY(SELECT x.guid FROM members m JOIN objects x ON x.id = m.member_id WHERE m.dl_id = o.id ORDER BY x.alias_key) END, " +
        "CASE WHEN o.class = 3 AND NOT o.is_deleted THEN ARRAY(SELECT x.alias FROM members m JOIN objects x ON x.id = m.member_id WHERE m.dl_id = o.id ORDER BY x.alias_key) END";

    private const string GalColumns = "rank, display_name, alias, class, address, postoffice, guid, search_key";

    private protected PostgresDirectoryReader(PostgresContext context)
    {
        Context = context;
    }

    internal PostgresContext Context { get; }

    /// <inheritdoc/>
    public StoreInfo Info => Context.Info;

    /// <summary>The store's URI, without its password.</summary>
    public string Path => Context.Address.Display;

    /// <inheritdoc/>
    public virtual async ValueTask<long> GetHighestUsnAsync(CancellationToken cancellationToken = default) =>
        await Context.ScalarAsync<long>("SELECT highest_usn FROM store_info", cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<long> GetPurgedThroughUsnAsync(CancellationToken cancellationToken = default) =>
        await Context.ScalarAsync<long>("SELECT purged_through_usn FROM store_info", cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<DirectoryObject?> FindByAliasAsync(string alias, CancellationToken cancellationToken = default) =>
        await SingleAsync($"SELECT {ObjectColumns} FROM objects o WHERE o.alias_key = $1 AND NOT o.is_deleted", cancellationToken, alias.ToUpperInvariant());

    /// <inheritdoc/>
    public virtual async ValueTask<Guid?> FindAliasOwnerAsync(string alias, CancellationToken cancellationToken = default) =>
        await GuidOrNullAsync("SELECT guid FROM objects WHERE alias_key = $1 AND NOT is_deleted", cancellationToken, alias.ToUpperInvariant());

    /// <inheritdoc/>
    public async ValueTask<MemberRef?> FindMemberAsync(string alias, CancellationToken cancellationToken = default) =>
        (await ListAsync("SELECT guid, alias FROM objects WHERE alias_key = $1 AND NOT is_deleted", r => new MemberRef(r.GetGuid(0), r.GetString(1)), cancellationToken, alias.ToUpperInvariant()))
            .FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<DirectoryObject?> FindByGuidAsync(Guid guid, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        var found = await SingleAsync($"SELECT {ObjectColumns} FROM objects o WHERE o.guid = $1", cancellationToken, guid);
        return found is not null && (includeDeleted || !found.IsDeleted) ? found : null;
    }

    /// <inheritdoc/>
    public virtual async ValueTask<DirectoryObject?> FindByOriginAsync(string source, Guid anchor, CancellationToken cancellationToken = default) =>
        await SingleAsync(
            $"SELECT {ObjectColumns} FROM objects o WHERE o.origin_source = $1 AND o.origin_anchor = $2 AND NOT o.is_deleted",
            cancellationToken,
            source,
            anchor);

    /// <inheritdoc/>
    public virtual async ValueTask<Guid?> FindAddressOwnerAsync(ProxyAddress address, CancellationToken cancellationToken = default) =>
        await GuidOrNullAsync("SELECT o.guid FROM proxies p JOIN objects o ON o.id = p.object_id WHERE p.address_key = $1", cancellationToken, address.Key);

    /// <inheritdoc/>
    public virtual async ValueTask<bool> DisplayNameExistsAsync(string displayName, Guid? except = null, CancellationToken cancellationToken = default) =>
        await Context.ScalarAsync<int>(
            "SELECT 1 FROM objects WHERE display_key = $1 AND NOT is_deleted AND guid <> $2 LIMIT 1",
            cancellationToken,
            displayName.ToUpperInvariant(),
            except ?? Guid.Empty) == 1;

    /// <inheritdoc/>
    public IAsyncEnumerable<DirectoryObject> ListAsync(RecipientFilter filter, CancellationToken cancellationToken = default)
    {
        var parameters = new List<string>();
        return Where(filter, parameters, out var where)
            ? StreamAsync($"SELECT {ObjectColumns} FROM objects o WHERE {where} ORDER BY o.alias_key", [.. parameters], ReadObject, cancellationToken)
            : AsyncEnumerable.Empty<DirectoryObject>();
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountAsync(RecipientFilter filter, CancellationToken cancellationToken = default)
    {
        var parameters = new List<string>();
        return Where(filter, parameters, out var where)
            ? await Context.ScalarAsync<long>($"SELECT count(*) FROM objects o WHERE {where}", cancellationToken, [.. parameters])
            : 0;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ObjectOrigin> ListOriginsAsync(string source, CancellationToken cancellationToken = default) =>
        StreamAsync(
            "SELECT origin_anchor, imported_from FROM objects WHERE origin_source = $1 AND NOT is_deleted",
            [source],
            r => new ObjectOrigin(source, r.GetGuid(0), r.IsDBNull(1) ? "" : r.GetString(1)),
            cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<DirectoryObject> GetChangesSinceAsync(long usn, CancellationToken cancellationToken = default) =>
        StreamAsync($"SELECT {ObjectColumns} FROM objects o WHERE o.usn_changed > $1 ORDER BY o.usn_changed", [usn], ReadObject, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ContainerInfo>> ListContainersAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<long, long>();
        await using (var command = Context.Command("SELECT container_id, count(*) FROM objects WHERE NOT is_deleted GROUP BY container_id"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        return Context.ContainersById
            .Select(c => new ContainerInfo(c.Value, counts.GetValueOrDefault(c.Key)))
            .OrderBy(c => c.Path.Key, StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc/>
    public ValueTask<bool> ContainerExistsAsync(DirectoryPath path, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Context.ContainerIdsByKey.ContainsKey(path.Key));

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<AddressTemplateSetting>> GetAddressTemplatesAsync(CancellationToken cancellationToken = default) =>
        await ListAsync("SELECT address_type, template FROM address_templates ORDER BY address_type", r => new AddressTemplateSetting(r.GetString(0), r.GetString(1)), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<StoredInstance?> FindStoredInstanceAsync(string name, CancellationToken cancellationToken = default) =>
        (await ListAsync("SELECT name, settings, state FROM instances WHERE name_key = $1", ReadInstance, cancellationToken, name.ToUpperInvariant())).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StoredInstance>> ListStoredInstancesAsync(CancellationToken cancellationToken = default) =>
        await ListAsync("SELECT name, settings, state FROM instances ORDER BY name_key", ReadInstance, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default) =>
        await Context.ScalarAsync<string>("SELECT value FROM settings WHERE key = $1", cancellationToken, key);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListSettingsAsync(string prefix, CancellationToken cancellationToken = default) =>
        await ListAsync(
            "SELECT key, value FROM settings WHERE left(key, length($1)) = $1 ORDER BY key",
            r => KeyValuePair.Create(r.GetString(0), r.GetString(1)),
            cancellationToken,
            prefix);

    /// <inheritdoc/>
    public IAsyncEnumerable<QueueEntry> ReadQueueAsync(string queue, long after, CancellationToken cancellationToken = default) =>
        StreamAsync(
            "SELECT number, origin, time, payload FROM queue WHERE queue = $1 AND number > $2 ORDER BY number",
            [queue, after],
            r => new QueueEntry(r.GetInt64(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.GetFieldValue<byte[]>(3)),
            cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<(long First, long Last, long Count)> GetQueueBoundsAsync(string queue, CancellationToken cancellationToken = default) =>
        (await ListAsync(
            "SELECT coalesce(min(number), 0), coalesce(max(number), 0), count(*) FROM queue WHERE queue = $1",
            r => (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)),
            cancellationToken,
            queue))[0];

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<EventRecord>> ListEventsAsync(int limit, CancellationToken cancellationToken = default)
    {
        var result = await ListAsync(
            "SELECT id, time, code, severity, message FROM events ORDER BY id DESC LIMIT $1",
            r => new EventRecord(r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.GetInt32(2), (EventSeverity)r.GetInt32(3), r.GetString(4)),
            cancellationToken,
            (long)limit);
        result.Reverse();
        return result;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<GalEntry> ListGalAsync(CancellationToken cancellationToken = default) =>
        StreamAsync($"SELECT {GalColumns} FROM gal ORDER BY rank", [], ReadGalEntry, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<GalEntry>> SearchGalAsync(string prefixKey, int limit, CancellationToken cancellationToken = default) =>
        GalSearch.ShortKeyLength(prefixKey) is var first and > 0

            // One or two characters: the first ranks in order from ix_gal_first1 or 2, as on SQLite.
            ? await ListAsync(
                $"SELECT {GalColumns} FROM gal WHERE left(search_key, {first}) = $1 ORDER BY rank LIMIT $2",
                ReadGalEntry,
                cancellationToken,
                prefixKey,
                (long)limit)

            // Keys compare as UTF-8 bytes in the "C" collation, where U+10FFFF is the highest character, as on SQLite.
            : await ListAsync(
                $"SELECT {GalColumns} FROM gal WHERE search_key >= $1 AND search_key < $2 ORDER BY rank LIMIT $3",
                ReadGalEntry,
                cancellationToken,
                prefixKey,
                prefixKey + "\U0010FFFF",
                (long)limit);

    /// <inheritdoc/>
    public IAsyncEnumerable<object?[]> ReadTableAsync(StoreTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        return StreamAsync(
            $"SELECT {table.ColumnList} FROM {table.Name} ORDER BY {table.OrderBy}",
            [],
            r =>
            {
                var row = new object?[table.Columns.Count];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = r.IsDBNull(i) ? null : table.Columns[i].Type switch
                    {
                        StoreColumnType.Int32 => r.GetInt32(i),
                        StoreColumnType.Int64 => r.GetInt64(i),
                        StoreColumnType.Text => r.GetString(i),
                        StoreColumnType.Blob => r.GetFieldValue<byte[]>(i),
                        StoreColumnType.Guid => r.GetGuid(i),
                        StoreColumnType.Boolean => r.GetBoolean(i),
                        _ => throw new InvalidOperationException($"Unknown column type {table.Columns[i].Type}."),
                    };
                }

                return row;
            },
            cancellationToken);
    }

    /// <summary>Runs a query and reads all its rows (for results the contract keeps small).</summary>
    private protected async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params object?[] parameters)
    {
        var result = new List<T>();
        await using var command = Context.Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(map(reader));
        }

        return result;
    }

    private protected async Task<DirectoryObject?> SingleAsync(string sql, CancellationToken cancellationToken, params object?[] parameters) =>
        (await ListAsync(sql, ReadObject, cancellationToken, parameters)).FirstOrDefault();

    private async Task<Guid?> GuidOrNullAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Context.Command(sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken) is Guid guid ? guid : null;
    }

    /// <summary>Streams a query's rows: through a cursor inside the write transaction, else on a connection of its own.</summary>
    private protected async IAsyncEnumerable<T> StreamAsync<T>(
        string sql,
        object?[] parameters,
        Func<NpgsqlDataReader, T> map,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Context.InTransaction)
        {
            var cursor = Context.NextCursorName();
            await Context.ExecuteAsync($"DECLARE {cursor} NO SCROLL CURSOR FOR {sql}", cancellationToken, parameters);
            var fetch = $"FETCH FORWARD {Context.Options.FetchSize} FROM {cursor}";
            var open = true;
            try
            {
                while (open)
                {
                    var batch = await ListAsync(fetch, map, cancellationToken);
                    open = batch.Count == Context.Options.FetchSize;
                    foreach (var item in batch)
                    {
                        yield return item;
                    }
                }
            }
            finally
            {
                if (Context.InTransaction)
                {
                    try
                    {
                        await Context.ExecuteAsync($"CLOSE {cursor}", CancellationToken.None);
                    }
                    catch (PostgresException)
                    {
                        // The transaction failed meanwhile; its rollback closes the cursor.
                    }
                }
            }

            yield break;
        }

        var connection = await Context.RentSpareAsync(cancellationToken);
        var finished = false;
        try
        {
            // One snapshot for the whole read, as SQLite's reader keeps while it steps.
            await using (var begin = new NpgsqlCommand("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", connection))
            {
                await begin.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = new NpgsqlCommand(sql, connection))
            {
                foreach (var value in parameters)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
                }

                var reader = await command.ExecuteReaderAsync(cancellationToken);
                try
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        yield return map(reader);
                    }

                    finished = true;
                }
                finally
                {
                    if (!finished)
                    {
                        // Left early: stop the server sending the rest rather than reading it to the end.
                        command.Cancel();
                    }

                    try
                    {
                        await reader.DisposeAsync();
                    }
                    catch (PostgresException) when (!finished)
                    {
                        // The cancellation it asked for.
                    }
                }
            }

            await using (var commit = new NpgsqlCommand("COMMIT", connection))
            {
                await commit.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            if (finished)
            {
                Context.ReturnSpare(connection);
            }
            else
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>How this store writes a recipient filter's conditions: a boolean tombstone flag, $n parameters.</summary>
    private static readonly RecipientFilterDialect FilterDialect =
        new("NOT o.is_deleted", n => $"lower(o.imported_from) = lower(${n}::text COLLATE \"C\")");

    /// <summary>The WHERE clause of a filter with its text parameters in order ($1, $2 ...); false when nothing can match.</summary>
    private bool Where(RecipientFilter filter, List<string> parameters, [NotNullWhen(true)] out string? where) =>
        RecipientFilterSql.TryBuild(filter, Context.ContainersById, FilterDialect, parameters, out where);

    private static GalEntry ReadGalEntry(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (ObjectClass)reader.GetInt32(3), reader.GetString(4), reader.GetString(5),
            reader.GetGuid(6), reader.GetString(7));

    private static StoredInstance ReadInstance(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetString(2));

    private protected DirectoryObject ReadObject(NpgsqlDataReader row)
    {
        var value = new DirectoryObject(row.GetGuid(1), (ObjectClass)row.GetInt32(2), row.GetString(3), Context.ContainersById[row.GetInt64(5)])
        {
            DisplayName = row.GetString(4),
            TargetAddress = row.IsDBNull(6) ? null : ProxyAddress.Parse(row.GetString(6)),
            Origin = row.IsDBNull(7) ? null : new ObjectOrigin(row.GetString(7), row.GetGuid(8), row.IsDBNull(9) ? "" : row.GetString(9)),
            UsnCreated = row.GetInt64(10),
            UsnChanged = row.GetInt64(11),
            IsDeleted = row.GetBoolean(12),
            WhenCreated = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(13)),
            WhenChanged = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(14)),
        };
        if (!row.IsDBNull(15))
        {
            ObjectBlob.Decode(row.GetFieldValue<byte[]>(15), value);
        }

        if (!row.IsDBNull(16))
        {
            var guids = row.GetFieldValue<Guid[]>(16);
            var aliases = row.GetFieldValue<string[]>(17);
            for (var i = 0; i < guids.Length; i++)
            {
                value.Members.Add(new MemberRef(guids[i], aliases[i]));
            }
        }

        return value;
    }
}
