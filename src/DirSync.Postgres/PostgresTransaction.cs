using System.Buffers;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using Npgsql;
using NpgsqlTypes;

namespace DirSync.Postgres;

/// <summary>The one write transaction of a <see cref="PostgresDirectoryStore"/>.</summary>
/// <remarks>
/// <para>The transaction holds the store's advisory writer lock from its first statement to its end, so nobody else
/// writes meanwhile: USNs and ids are counted here and written back at commit, as on SQLite.</para>
/// <para>A uniqueness conflict must leave the transaction usable, as a failed SQLite statement does: rows go in
/// with <c>ON CONFLICT DO NOTHING</c> and a row that did not go in is reported as the conflict, so PostgreSQL never
/// aborts the transaction over it.</para>
/// </remarks>
internal sealed class PostgresTransaction : PostgresDirectoryReader, IDirectoryTransaction
{
    private const int GalBatch = 5000;

    private readonly ArrayBufferWriter<byte> _blob = new(1024);
    private long _usn;
    private long _usnAtStart;
    private long _nextObjectId;
    private bool _done;
    private readonly LoadKeys _keys;

    // The last number appended to each queue in this transaction (a round trip saved per master-log entry).
    private readonly Dictionary<string, long> _queueLast = new(StringComparer.Ordinal);
    private readonly Func<ValueTask<long>> _countLive;
    private readonly Func<KeyFilter, ValueTask> _fillKeys;

    private PostgresTransaction(PostgresContext context)
        : base(context)
    {
        _keys = new LoadKeys(context.Options.KeyFilterAfterAdds);
        _countLive = CountLiveAsync;
        _fillKeys = FillKeysAsync;
    }

    /// <summary>Wraps the already-begun transaction of <paramref name="context"/>, whose writer lock is held.</summary>
    public static async ValueTask<PostgresTransaction> ContinueAsync(PostgresContext context, CancellationToken cancellationToken)
    {
        var transaction = new PostgresTransaction(context);
        await using (var command = context.Command("SELECT highest_usn, (SELECT coalesce(max(id), 0) FROM objects) FROM store_info"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            transaction._usn = transaction._usnAtStart = reader.GetInt64(0);
            transaction._nextObjectId = reader.GetInt64(1) + 1;
        }

        return transaction;
    }

    /// <inheritdoc/>
    public override ValueTask<long> GetHighestUsnAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_usn);

    /// <inheritdoc/>
    public async ValueTask AddAsync(DirectoryObject value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        var containerId = ResolveContainer(value);
        var now = Context.Now();
        var usn = ++_usn;
        var id = _nextObjectId;
        ObjectBlob.Encode(value, _blob);
        var keys = value.ProxyAddresses.Select(p => p.Key).ToArray();

        await using var batch = new NpgsqlBatch(Context.Connection);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO objects (id, guid, class, alias, alias_key, display_name, display_key, container_id, target_address,
                                 origin_source, origin_anchor, imported_from, attrs, usn_created, usn_changed, is_deleted,
                                 when_created, when_changed)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, false, $15, $15)
            ON CONFLICT DO NOTHING
            """);
        AddParameters(insert, id, value.Guid, (int)value.Class);
        AddContent(insert, value, containerId);
        AddParameters(insert, usn, now.ToUnixTimeMilliseconds());
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(InsertProxies(id, keys));
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await ReadAllAsync(batch, r => inserted.Add(r.GetString(0)), cancellationToken);

        if (insert.RecordsAffected == 0)
        {
            throw await ConflictAsync(value, cancellationToken);
        }

        _nextObjectId++;
        FaultPoints.Hit("store.add");
        ThrowIfAddressTaken(value, inserted);
        await InsertMembersAsync(id, value, cancellationToken);
        value.UsnCreated = value.UsnChanged = usn;
        value.WhenCreated = value.WhenChanged = now;
        value.IsDeleted = false;
        await _keys.AddedAsync(value, _countLive, _fillKeys);
    }

    /// <inheritdoc/>
    public async ValueTask UpdateAsync(DirectoryObject value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        var row = await LiveRowAsync(value.Guid, cancellationToken);
        var containerId = ResolveContainer(value);
        var now = Context.Now();
        var usn = ++_usn;
        ObjectBlob.Encode(value, _blob);

        // Only the alias and the origin are unique among live objects, and only a change to them can conflict:
        // asked first, so that the update itself cannot fail and abort the transaction.
        if (value.Alias.ToUpperInvariant() != row.AliasKey
            && await Context.ScalarAsync<int>("SELECT 1 FROM objects WHERE alias_key = $1 AND NOT is_deleted AND id <> $2", cancellationToken, value.Alias.ToUpperInvariant(), row.Id) == 1)
        {
            throw new ConflictException($"the alias '{value.Alias}' is already used by another recipient");
        }

        if (value.Origin is { } origin && (origin.Source != row.OriginSource || origin.Anchor != row.OriginAnchor)
            && await Context.ScalarAsync<int>(
                "SELECT 1 FROM objects WHERE origin_source = $1 AND origin_anchor = $2 AND NOT is_deleted AND id <> $3", cancellationToken, origin.Source, origin.Anchor, row.Id) == 1)
        {
            throw new ConflictException($"an object imported from {origin.ImportedFrom} with the anchor {origin.Anchor} already exists");
        }

        FaultPoints.Hit("store.update");
        var newKeys = value.ProxyAddresses.Select(p => p.Key).ToList();
        var newSet = newKeys.ToHashSet(StringComparer.Ordinal);
        var oldSet = row.ProxyKeys.ToHashSet(StringComparer.Ordinal);
        await using var batch = new NpgsqlBatch(Context.Connection);
        var update = new NpgsqlBatchCommand("""
            UPDATE objects SET alias = $2, alias_key = $3, display_name = $4, display_key = $5, container_id = $6, target_address = $7,
                               origin_source = $8, origin_anchor = $9, imported_from = $10, attrs = $11, usn_changed = $12, when_changed = $13
            WHERE id = $1
            """);
        AddParameters(update, row.Id);
        AddContent(update, value, containerId);
        AddParameters(update, usn, now.ToUnixTimeMilliseconds());
        batch.BatchCommands.Add(update);
        var removed = row.ProxyKeys.Where(k => !newSet.Contains(k)).ToArray();
        if (removed.Length > 0)
        {
            var delete = new NpgsqlBatchCommand("DELETE FROM proxies WHERE address_key = ANY($1)");
            AddParameters(delete, (object)removed);
            batch.BatchCommands.Add(delete);
        }

        var added = newKeys.Where(k => !oldSet.Contains(k)).ToArray();
        batch.BatchCommands.Add(InsertProxies(row.Id, added));
        if (value.Class == ObjectClass.DistributionList)
        {
            var members = new NpgsqlBatchCommand("DELETE FROM members WHERE dl_id = $1");
            AddParameters(members, row.Id);
            batch.BatchCommands.Add(members);
        }

        var inserted = new HashSet<string>(oldSet, StringComparer.Ordinal);
        await ReadAllAsync(batch, r => inserted.Add(r.GetString(0)), cancellationToken);

        ThrowIfAddressTaken(value, inserted);
        if (value.Class == ObjectClass.DistributionList)
        {
            await InsertMembersAsync(row.Id, value, cancellationToken);
        }

        value.UsnChanged = usn;
        value.WhenChanged = now;
        _keys.Remember(value);
    }

    /// <inheritdoc/>
    public override ValueTask<Guid?> FindAliasOwnerAsync(string alias, CancellationToken cancellationToken = default) =>
        _keys.RulesOutAlias(alias) ? ValueTask.FromResult<Guid?>(null) : base.FindAliasOwnerAsync(alias, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask<bool> DisplayNameExistsAsync(string displayName, Guid? except = null, CancellationToken cancellationToken = default) =>
        _keys.RulesOutDisplayName(displayName) ? ValueTask.FromResult(false) : base.DisplayNameExistsAsync(displayName, except, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask<Guid?> FindAddressOwnerAsync(ProxyAddress address, CancellationToken cancellationToken = default) =>
        _keys.RulesOutAddress(address) ? ValueTask.FromResult<Guid?>(null) : base.FindAddressOwnerAsync(address, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask<DirectoryObject?> FindByOriginAsync(string source, Guid anchor, CancellationToken cancellationToken = default) =>
        _keys.RulesOutOrigin(source, anchor) ? ValueTask.FromResult<DirectoryObject?>(null) : base.FindByOriginAsync(source, anchor, cancellationToken);

    /// <summary>Whether this transaction answers "is it taken?" from a key filter (a load), for tests.</summary>
    internal bool UsesKeyFilter => _keys.Filter is not null;

    /// <inheritdoc/>
    public async ValueTask<DirectoryObject> DeleteAsync(Guid guid, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var row = await LiveRowAsync(guid, cancellationToken);
        FaultPoints.Hit("store.delete");
        var now = Context.Now().ToUnixTimeMilliseconds();
        var lists = new List<long>();
        await using (var batch = new NpgsqlBatch(Context.Connection))
        {
            var proxies = new NpgsqlBatchCommand("DELETE FROM proxies WHERE address_key = ANY($1)");
            AddParameters(proxies, (object)row.ProxyKeys.ToArray());
            var own = new NpgsqlBatchCommand("DELETE FROM members WHERE dl_id = $1");
            AddParameters(own, row.Id);
            var memberships = new NpgsqlBatchCommand("DELETE FROM members WHERE member_id = $1 RETURNING dl_id");
            AddParameters(memberships, row.Id);
            batch.BatchCommands.Add(proxies);
            batch.BatchCommands.Add(own);
            batch.BatchCommands.Add(memberships);
            await ReadAllAsync(batch, r => lists.Add(r.GetInt64(0)), cancellationToken);
        }

        // Lists that lose the member have changed: each takes a USN of its own, in the order SQLite's store gives them.
        lists.Sort();
        var usns = lists.Select(_ => ++_usn).ToArray();
        if (lists.Count > 0)
        {
            await Context.ExecuteAsync(
                "UPDATE objects o SET usn_changed = c.usn, when_changed = $3 FROM unnest($1::bigint[], $2::bigint[]) AS c(id, usn) WHERE o.id = c.id",
                cancellationToken,
                lists.ToArray(),
                usns,
                now);
        }

        await Context.ExecuteAsync(
            "UPDATE objects SET is_deleted = true, usn_changed = $1, when_changed = $2, attrs = NULL, target_address = NULL WHERE id = $3",
            cancellationToken,
            ++_usn,
            now,
            row.Id);
        return (await FindByGuidAsync(guid, includeDeleted: true, cancellationToken))!;
    }

    /// <inheritdoc/>
    public async ValueTask AddContainerAsync(DirectoryPath path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        EnsureOpen();
        if (Context.ContainerIdsByKey.ContainsKey(path.Key))
        {
            throw new ConflictException($"container '{path}' already exists");
        }

        long? parentId = null;
        if (path.Parent is { } parent)
        {
            parentId = Context.ContainerIdsByKey.TryGetValue(parent.Key, out var found)
                ? found
                : throw new NotFoundException("container", parent.Value, $"add it first ('{CommandHints.ContainerAdd(parent)}')");
        }

        var id = await Context.ScalarAsync<long>(
            "INSERT INTO containers (id, path, path_key, parent_id) SELECT coalesce(max(id), 0) + 1, $1, $2, $3::bigint FROM containers RETURNING id",
            cancellationToken,
            path.Value,
            path.Key,
            parentId);
        Context.ContainersById[id] = path;
        Context.ContainerIdsByKey[path.Key] = id;
    }

    /// <inheritdoc/>
    public async ValueTask SetAddressTemplateAsync(string addressType, string? template, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var type = addressType.ToUpperInvariant();
        if (template is null)
        {
            await Context.ExecuteAsync("DELETE FROM address_templates WHERE address_type = $1", cancellationToken, type);
        }
        else
        {
            await Context.ExecuteAsync(
                "INSERT INTO address_templates (address_type, template) VALUES ($1, $2) ON CONFLICT (address_type) DO UPDATE SET template = excluded.template",
                cancellationToken,
                type,
                template);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<int> PurgeTombstonesAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var purged = await ListAsync(
            "DELETE FROM objects WHERE is_deleted AND when_changed < $1 RETURNING usn_changed",
            r => r.GetInt64(0),
            cancellationToken,
            deletedBefore.ToUnixTimeMilliseconds());
        if (purged.Count > 0)
        {
            await Context.ExecuteAsync("UPDATE store_info SET purged_through_usn = greatest(purged_through_usn, $1)", cancellationToken, purged.Max());
        }

        return purged.Count;
    }

    /// <inheritdoc/>
    public async ValueTask SaveStoredInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        EnsureOpen();
        await Context.ExecuteAsync(
            """
            INSERT INTO instances (name_key, name, settings, state) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, settings = excluded.settings, state = excluded.state
            """,
            cancellationToken,
            instance.Name.ToUpperInvariant(),
            instance.Name,
            instance.Settings,
            instance.State);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> RemoveInstanceAsync(string name, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        return await Context.ExecuteAsync("DELETE FROM instances WHERE name_key = $1", cancellationToken, name.ToUpperInvariant()) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        if (value is null)
        {
            await Context.ExecuteAsync("DELETE FROM settings WHERE key = $1", cancellationToken, key);
        }
        else
        {
            await Context.ExecuteAsync(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", cancellationToken, key, value);
        }
    }

    /// <inheritdoc/>
    public async ValueTask AppendToQueueAsync(string queue, QueueEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EnsureOpen();
        if (!_queueLast.TryGetValue(queue, out var last))
        {
            last = await Context.ScalarAsync<long>("SELECT coalesce(max(number), 0) FROM queue WHERE queue = $1", cancellationToken, queue);
        }

        if (entry.Number <= last)
        {
            throw new InvalidOperationException($"Queue '{queue}' already holds an entry numbered {entry.Number} or higher.");
        }

        await Context.ExecuteAsync(
            "INSERT INTO queue (queue, number, origin, time, payload) VALUES ($1, $2, $3, $4, $5)",
            cancellationToken,
            queue,
            entry.Number,
            entry.Origin,
            entry.Time.ToUnixTimeMilliseconds(),
            entry.Payload);
        _queueLast[queue] = entry.Number;
    }

    /// <inheritdoc/>
    public async ValueTask<long> TrimQueueAsync(string queue, long through, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        _queueLast.Remove(queue);
        return await Context.ExecuteAsync("DELETE FROM queue WHERE queue = $1 AND number <= $2", cancellationToken, queue, through);
    }

    /// <inheritdoc/>
    public async ValueTask<long> PurgeQueueAsync(string queue, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        _queueLast.Remove(queue);
        return await Context.ExecuteAsync("DELETE FROM queue WHERE queue = $1 AND time < $2", cancellationToken, queue, before.ToUnixTimeMilliseconds());
    }

    /// <inheritdoc/>
    public async ValueTask<EventRecord> AppendEventAsync(EventRecord value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        var id = await Context.ScalarAsync<long>(
            "INSERT INTO events (id, time, code, severity, message) SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4 FROM events RETURNING id",
            cancellationToken,
            value.Time.ToUnixTimeMilliseconds(),
            value.Code,
            (int)value.Severity,
            value.Message);
        return value with { Id = id };
    }

    /// <inheritdoc/>
    public async ValueTask ReplaceGalAsync(IAsyncEnumerable<GalEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        EnsureOpen();
        await Context.ExecuteAsync("DELETE FROM gal", cancellationToken);

        // Copied in batches: the entries may be read from this store while they come, and a COPY in progress
        // holds the connection.
        var batch = new List<GalEntry>(GalBatch);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            batch.Add(entry);
            if (batch.Count == GalBatch)
            {
                await CopyGalAsync(batch, cancellationToken);
            }
        }

        await CopyGalAsync(batch, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        if (_usn != _usnAtStart)
        {
            await Context.ExecuteAsync("UPDATE store_info SET highest_usn = $1", cancellationToken, _usn);
        }

        FaultPoints.Hit("store.commit.before");
        await Context.ExecuteAsync("COMMIT", cancellationToken);
        FaultPoints.Hit("store.commit.after");
        _done = true;
        Context.InTransaction = false;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        Context.InTransaction = false;
        if (Context.Connection.State != System.Data.ConnectionState.Open)
        {
            // The connection is gone, and the server rolled the transaction back with it.
            return;
        }

        try
        {
            await Context.ExecuteAsync("ROLLBACK", CancellationToken.None);

            // Containers added in the abandoned transaction must vanish from the cache too.
            await Context.LoadContainersAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke on the way, taking the transaction with it; or the rollback took the
            // whole schema of a store being created, and with it every container.
            Context.ContainersById.Clear();
            Context.ContainerIdsByKey.Clear();
        }
    }

    private async ValueTask<long> CountLiveAsync() =>
        await Context.ScalarAsync<long>("SELECT count(*) FROM objects WHERE NOT is_deleted", CancellationToken.None);

    /// <summary>Every key the store holds, this transaction's writes included, into <paramref name="filter"/>.</summary>
    private async ValueTask FillKeysAsync(KeyFilter filter)
    {
        await using (var objects = Context.Command("SELECT alias_key, display_key, origin_source, origin_anchor FROM objects WHERE NOT is_deleted"))
        await using (var reader = await objects.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                filter.Add(KeyFilter.Kind.Alias, reader.GetString(0));
                filter.Add(KeyFilter.Kind.DisplayName, reader.GetString(1));
                if (!reader.IsDBNull(2))
                {
                    filter.AddOrigin(reader.GetString(2), reader.GetGuid(3));
                }
            }
        }

        await using var proxies = Context.Command("SELECT address_key FROM proxies");
        await using var keys = await proxies.ExecuteReaderAsync();
        while (await keys.ReadAsync())
        {
            filter.Add(KeyFilter.Kind.Address, keys.GetString(0));
        }
    }

    private void EnsureOpen()
    {
        if (_done)
        {
            throw new InvalidOperationException("The transaction has already been committed or rolled back.");
        }
    }

    // Paths match in any case; the object takes the container's own spelling, as a read would give it.
    private long ResolveContainer(DirectoryObject value)
    {
        var id = Context.ContainerIdsByKey.TryGetValue(value.Container.Key, out var found)
            ? found
            : throw new NotFoundException("container", value.Container.Value, $"create it with '{CommandHints.ContainerAdd(value.Container)}'");
        value.Container = Context.ContainersById[id];
        return id;
    }

    private async Task<LiveRow> LiveRowAsync(Guid guid, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(
            "SELECT id, attrs, alias_key, origin_source, origin_anchor FROM objects WHERE guid = $1 AND NOT is_deleted",
            r => new LiveRow(
                r.GetInt64(0),
                r.IsDBNull(1) ? [] : ObjectBlob.DecodeProxyKeys(r.GetFieldValue<byte[]>(1)),
                r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetGuid(4)),
            cancellationToken,
            guid);
        return rows.Count == 1 ? rows[0] : throw new NotFoundException("recipient", guid.ToString());
    }

    /// <summary>Adds the ten parameters of an insert or update that hold what the object holds, from alias to blob.</summary>
    private void AddContent(NpgsqlBatchCommand command, DirectoryObject value, long containerId)
    {
        AddParameters(
            command,
            value.Alias,
            value.Alias.ToUpperInvariant(),
            value.DisplayName,
            value.DisplayName.ToUpperInvariant(),
            containerId,
            value.TargetAddress?.ToString());
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value.Origin?.Source ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)value.Origin?.Anchor ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value.Origin?.ImportedFrom ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = _blob.WrittenSpan.ToArray() });
    }

    private static void AddParameters(NpgsqlBatchCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value } : new NpgsqlParameter { Value = value });
        }
    }

    /// <summary>Runs a batch and hands every row of every statement that returns rows to <paramref name="row"/>.</summary>
    /// <remarks>Npgsql's reader moves only through the statements that return rows, in batch order.</remarks>
    private static async Task ReadAllAsync(NpgsqlBatch batch, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));
    }

    private static NpgsqlBatchCommand InsertProxies(long id, string[] keys)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO proxies (address_key, object_id) SELECT k, $2 FROM unnest($1::text[]) AS k WHERE EXISTS (SELECT 1 FROM objects WHERE id = $2) ON CONFLICT DO NOTHING RETURNING address_key");
        AddParameters(command, keys, id);
        return command;
    }

    /// <summary>Fails on the first of the object's addresses that did not go into the address index: another object holds it.</summary>
    private static void ThrowIfAddressTaken(DirectoryObject value, HashSet<string> inserted)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var proxy in value.ProxyAddresses)
        {
            // A second copy of one address in the same object conflicts with the first, as in SQLite's store.
            if (!inserted.Contains(proxy.Key) || !seen.Add(proxy.Key))
            {
                throw new ConflictException($"the address {proxy} is already used by another recipient");
            }
        }
    }

    private async Task InsertMembersAsync(long id, DirectoryObject value, CancellationToken cancellationToken)
    {
        if (value.Members.Count == 0)
        {
            return;
        }

        var live = (await ListAsync(
                "SELECT guid, id FROM objects WHERE guid = ANY($1) AND NOT is_deleted",
                r => (r.GetGuid(0), r.GetInt64(1)),
                cancellationToken,
                value.Members.Select(m => m.Guid).Distinct().ToArray()))
            .ToDictionary(x => x.Item1, x => x.Item2);
        var ids = new List<long>();
        foreach (var member in value.Members)
        {
            ids.Add(live.TryGetValue(member.Guid, out var memberId) ? memberId : throw new NotFoundException("member", member.Alias));
        }

        await Context.ExecuteAsync(
            "INSERT INTO members (dl_id, member_id) SELECT $1, m FROM unnest($2::bigint[]) AS m ON CONFLICT DO NOTHING", cancellationToken, id, ids.ToArray());
    }

    private async Task<ConflictException> ConflictAsync(DirectoryObject value, CancellationToken cancellationToken)
    {
        var taken = (await ListAsync(
            """
            SELECT EXISTS (SELECT 1 FROM objects WHERE alias_key = $1 AND NOT is_deleted),
                   EXISTS (SELECT 1 FROM objects WHERE guid = $2),
                   EXISTS (SELECT 1 FROM objects WHERE origin_source = $3 AND origin_anchor = $4 AND NOT is_deleted)
            """,
            r => (Alias: r.GetBoolean(0), Guid: r.GetBoolean(1), Origin: r.GetBoolean(2)),
            cancellationToken,
            value.Alias.ToUpperInvariant(),
            value.Guid,
            value.Origin?.Source ?? "",
            value.Origin?.Anchor ?? Guid.Empty))[0];
        return taken.Alias
            ? new ConflictException($"the alias '{value.Alias}' is already used by another recipient")
            : taken.Guid
                ? new ConflictException($"an object with the anchor {value.Guid} already exists")
                : taken.Origin
                    ? new ConflictException($"an object imported from {value.Origin?.ImportedFrom} with the anchor {value.Origin?.Anchor} already exists")
                    : new ConflictException($"the change to '{value.Alias}' breaks a uniqueness rule");
    }

    private async Task CopyGalAsync(List<GalEntry> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using (var copy = await Context.Connection.BeginBinaryImportAsync(
            "COPY gal (rank, display_name, alias, class, address, postoffice, guid, search_key) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var entry in batch)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(entry.Rank, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(entry.DisplayName, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(entry.Alias, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync((int)entry.Class, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(entry.Address, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(entry.Postoffice, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(entry.Guid, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(entry.SearchKey, NpgsqlDbType.Text, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        foreach (var _ in batch)
        {
            FaultPoints.Hit("store.gal");
        }

        batch.Clear();
    }

    private sealed record LiveRow(long Id, List<string> ProxyKeys, string AliasKey, string? OriginSource, Guid? OriginAnchor);
}
