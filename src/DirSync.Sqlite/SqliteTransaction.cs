using System.Buffers;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using Microsoft.Data.Sqlite;

namespace DirSync.Sqlite;

/// <summary>The one write transaction of a <see cref="SqliteDirectoryStore"/>.</summary>
internal sealed class SqliteTransaction : SqliteDirectoryReader, IDirectoryTransaction
{
    private const int SqliteConstraint = 19;

    private readonly ArrayBufferWriter<byte> _blob = new(1024);
    private long _usn;
    private long _usnAtStart;
    private bool _done;
    private LoadKeys _keys;

    // While the transaction is a first load (SqliteFirstLoad), which it can be only while it has done nothing but add.
    private SqliteFirstLoad? _load;
    private bool _onlyAdds = true;

    // The last number appended to each queue in this transaction: the hub appends a master-log entry per update, and
    // asking SQLite for the highest number before each was an eighth of a million-update receive.
    private readonly Dictionary<string, long> _queueLast = new(StringComparer.Ordinal);

    // The rows of the recipients FindMemberAsync found, by anchor, until the next list's membership rows are written:
    // those are then written by row, without finding each member again by its anchor (a random read of the GUID index
    // and one of the row, for every member of a thousand lists of a thousand in a bulk import). A row found live stays
    // that object's row until the object is deleted, and a delete forgets them all.
    private readonly Dictionary<Guid, long> _memberRows = [];
    private const int MemberRowsKept = 100_000;
    private readonly Func<ValueTask<long>> _countLive;
    private readonly Func<KeyFilter, ValueTask> _fillKeys;
    private readonly Func<ValueTask<bool>> _startLoad;

    private SqliteTransaction(SqliteContext context)
        : base(context)
    {
        _keys = new LoadKeys(context.Options.KeyFilterAfterAdds, carried: context.TakeKeptKeys());
        _countLive = CountLive;
        _fillKeys = FillKeys;
        _startLoad = StartLoad;
    }

    /// <summary>Wraps the already-begun SQLite transaction of <paramref name="context"/>.</summary>
    public static ValueTask<SqliteTransaction> ContinueAsync(SqliteContext context, CancellationToken cancellationToken)
    {
        var transaction = new SqliteTransaction(context);
        transaction._usn = transaction._usnAtStart = Convert.ToInt64(
            context.Command("SELECT highest_usn FROM store_info").ExecuteScalar(),
            System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.FromResult(transaction);
    }

    /// <inheritdoc/>
    public override ValueTask<long> GetHighestUsnAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_usn);

    /// <inheritdoc/>
    public ValueTask AddAsync(DirectoryObject value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        var containerId = ResolveContainer(value);
        var now = Context.Now();
        var usn = ++_usn;
        ObjectBlob.Encode(value, _blob);
        var keys = new Keys(value);
        if (_load is { } firstLoad)
        {
            // What the unique indexes the load has dropped would refuse, it refuses the same way.
            if (AliasOwner(firstLoad, keys.Alias) is not null)
            {
                throw AliasTaken(value);
            }

            if (value.Origin is { } origin && OriginHolder(firstLoad, origin.Source, origin.Anchor) is not null)
            {
                throw OriginTaken(value);
            }
        }

        var insert = Context.Statement("""
            INSERT INTO objects (guid, class, alias, alias_key, display_name, display_key, container_id, target_address,
                                 origin_source, origin_anchor, imported_from, attrs, usn_created, usn_changed, is_deleted,
                                 when_created, when_changed)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, 0, ?14, ?14)
            """);
        insert.Bind(1, value.Guid).Bind(2, (int)value.Class);
        BindContent(insert, value, containerId, keys);
        insert.Bind(13, usn).Bind(14, now.ToUnixTimeMilliseconds());
        try
        {
            insert.Execute();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw Conflict(e, value);
        }

        var id = insert.LastInsertRowId;
        FaultPoints.Hit("store.add");
        if (_load is { } load && load.Row(id) is { } row)
        {
            Remember(load, row, keys, value);
            InsertLoadProxies(load, id, value);
        }
        else
        {
            // No load, or one four billion rows past its first: that one ends here (EndLoad does nothing without one).
            EndLoad();
            InsertProxies(id, value);
        }

        InsertMembers(id, value);
        value.UsnCreated = value.UsnChanged = usn;
        value.WhenCreated = value.WhenChanged = now;
        value.IsDeleted = false;
        return _load is null ? _keys.AddedAsync(value, _countLive, _fillKeys, _startLoad) : ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask UpdateAsync(DirectoryObject value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        EndLoad(written: true);
        var (id, oldProxyKeys) = LiveRow(value.Guid);
        var containerId = ResolveContainer(value);
        var now = Context.Now();
        var usn = ++_usn;
        ObjectBlob.Encode(value, _blob);
        var update = Context.Statement("""
            UPDATE objects SET alias = ?3, alias_key = ?4, display_name = ?5, display_key = ?6, container_id = ?7, target_address = ?8,
                               origin_source = ?9, origin_anchor = ?10, imported_from = ?11, attrs = ?12, usn_changed = ?13, when_changed = ?14
            WHERE id = ?1
            """);
        FaultPoints.Hit("store.update");
        update.Bind(1, id);
        BindContent(update, value, containerId, new Keys(value));
        update.Bind(13, usn).Bind(14, now.ToUnixTimeMilliseconds());
        try
        {
            update.Execute();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw Conflict(e, value);
        }

        var newKeys = value.ProxyAddresses.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in oldProxyKeys.Where(k => !newKeys.Contains(k)))
        {
            DeleteProxy(key);
        }

        var oldKeys = oldProxyKeys.ToHashSet(StringComparer.Ordinal);
        InsertProxies(id, value, except: oldKeys);
        if (value.Class == ObjectClass.DistributionList)
        {
            Context.Statement("DELETE FROM members WHERE dl_id = ?1").Bind(1, id).Execute();
            InsertMembers(id, value);
        }

        value.UsnChanged = usn;
        value.WhenChanged = now;
        _keys.Remember(value);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask<DirectoryObject> DeleteAsync(Guid guid, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        EndLoad(written: true);
        var (id, proxyKeys) = LiveRow(guid);
        _memberRows.Clear();
        FaultPoints.Hit("store.delete");
        foreach (var key in proxyKeys)
        {
            DeleteProxy(key);
        }

        var now = Context.Now().ToUnixTimeMilliseconds();
        Context.Statement("DELETE FROM members WHERE dl_id = ?1").Bind(1, id).Execute();

        // Lists that lose the member have changed: each takes a USN of its own, so an
        // incremental export carries the new membership.
        var lists = new List<long>();
        var findLists = Context.Statement("DELETE FROM members WHERE member_id = ?1 RETURNING dl_id").Bind(1, id);
        try
        {
            while (findLists.Step())
            {
                lists.Add(findLists.Int64(0));
            }
        }
        finally
        {
            findLists.Reset();
        }

        foreach (var list in lists.Order())
        {
            Context.Statement("UPDATE objects SET usn_changed = ?1, when_changed = ?2 WHERE id = ?3").Bind(1, ++_usn).Bind(2, now).Bind(3, list).Execute();
        }

        Context.Statement("UPDATE objects SET is_deleted = 1, usn_changed = ?1, when_changed = ?2, attrs = NULL, target_address = NULL WHERE id = ?3")
            .Bind(1, ++_usn).Bind(2, now).Bind(3, id).Execute();
        return (await FindByGuidAsync(guid, includeDeleted: true, cancellationToken))!;
    }

    /// <inheritdoc/>
    public override ValueTask<DirectoryObject?> FindByAliasAsync(string alias, CancellationToken cancellationToken = default)
    {
        if (_load is not { } load)
        {
            return base.FindByAliasAsync(alias, cancellationToken);
        }

        var key = alias.ToUpperInvariant();
        return ValueTask.FromResult(AliasOwner(load, key) is { } owner
            ? ReadSingle(Context.Statement($"SELECT {ObjectColumns} FROM objects o WHERE o.id = ?1").Bind(1, owner.Id))
            : null);
    }

    /// <inheritdoc/>
    public override ValueTask<MemberRef?> FindMemberAsync(string alias, CancellationToken cancellationToken = default)
    {
        var found = _load is { } load
            ? AliasOwner(load, alias.ToUpperInvariant())
            : _keys.RulesOutAlias(alias) ? null : MemberRow(Context.Statement(MemberByAliasSql).Bind(1, alias.ToUpperInvariant()));

        if (found is { } member && _memberRows.Count < MemberRowsKept)
        {
            _memberRows[member.Member.Guid] = member.Id;
        }

        return ValueTask.FromResult(found?.Member);
    }

    /// <inheritdoc/>
    public override ValueTask<Guid?> FindAliasOwnerAsync(string alias, CancellationToken cancellationToken = default)
    {
        if (_load is { } load)
        {
            return ValueTask.FromResult(AliasOwner(load, alias.ToUpperInvariant())?.Member.Guid);
        }

        return _keys.RulesOutAlias(alias) ? ValueTask.FromResult<Guid?>(null) : base.FindAliasOwnerAsync(alias, cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask<bool> DisplayNameExistsAsync(string displayName, Guid? except = null, CancellationToken cancellationToken = default)
    {
        if (_load is { } load)
        {
            var key = displayName.ToUpperInvariant();
            var holds = Context.Statement("SELECT 1 FROM objects WHERE id = ?1 AND display_key = ?2 AND is_deleted = 0 AND guid <> ?3");
            foreach (var row in load.Index.Find(KeyFilter.Kind.DisplayName, key))
            {
                if (holds.Bind(1, load.Id(row)).Bind(2, key).Bind(3, except ?? Guid.Empty).Exists())
                {
                    return ValueTask.FromResult(true);
                }
            }

            return ValueTask.FromResult(false);
        }

        return _keys.RulesOutDisplayName(displayName) ? ValueTask.FromResult(false) : base.DisplayNameExistsAsync(displayName, except, cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask<Guid?> FindAddressOwnerAsync(ProxyAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_load is { } load)
        {
            return ValueTask.FromResult(AddressOwner(load, address.Key));
        }

        return _keys.RulesOutAddress(address) ? ValueTask.FromResult<Guid?>(null) : base.FindAddressOwnerAsync(address, cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask<DirectoryObject?> FindByOriginAsync(string source, Guid anchor, CancellationToken cancellationToken = default)
    {
        if (_load is { } load)
        {
            // Read by row number and compared here: binding the origin in SQL would let the partial hub-owner index
            // make SQLite prepare the statement again for each question (see ByOrigin).
            return ValueTask.FromResult(OriginHolder(load, source, anchor));
        }

        return _keys.RulesOutOrigin(source, anchor) ? ValueTask.FromResult<DirectoryObject?>(null) : base.FindByOriginAsync(source, anchor, cancellationToken);
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<DirectoryObject> ListAsync(RecipientFilter filter, CancellationToken cancellationToken = default)
    {
        // In alias order, which the alias index gives without sorting every row (a GAL rebuild in the same transaction).
        EndLoad();
        return base.ListAsync(filter, cancellationToken);
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ObjectOrigin> ListOriginsAsync(string source, CancellationToken cancellationToken = default)
    {
        // Read through the origin index, which a first load makes at its end.
        EndLoad();
        return base.ListOriginsAsync(source, cancellationToken);
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<object?[]> ReadTableAsync(StoreTable table, CancellationToken cancellationToken = default)
    {
        // The tables as they are stored: addresses in proxies, the indexes made.
        EndLoad();
        return base.ReadTableAsync(table, cancellationToken);
    }

    /// <summary>Whether this transaction answers "is it taken?" from a key filter (a load), for tests and diagnostics.</summary>
    internal bool UsesKeyFilter => _keys.Filter is not null;

    /// <summary>Whether this transaction is a first load (<see cref="SqliteFirstLoad"/>), for tests and diagnostics.</summary>
    internal bool IsFirstLoad => _load is not null;

    /// <summary>SQLite's page cache size as the connection has it (PRAGMA cache_size), for tests.</summary>
    internal long CacheSize => Context.Statement("PRAGMA cache_size").ScalarInt64() ?? 0;

    /// <inheritdoc/>
    public ValueTask AddContainerAsync(DirectoryPath path, CancellationToken cancellationToken = default)
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

        var command = Context.Command("INSERT INTO containers (path, path_key, parent_id) VALUES ($path, $key, $parent) RETURNING id");
        command.Parameters.AddWithValue("$path", path.Value);
        command.Parameters.AddWithValue("$key", path.Key);
        command.Parameters.AddWithValue("$parent", (object?)parentId ?? DBNull.Value);
        var id = (long)command.ExecuteScalar()!;
        Context.ContainersById[id] = path;
        Context.ContainerIdsByKey[path.Key] = id;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask SetAddressTemplateAsync(string addressType, string? template, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var type = addressType.ToUpperInvariant();
        if (template is null)
        {
            var delete = Context.Command("DELETE FROM address_templates WHERE address_type = $type");
            delete.Parameters.AddWithValue("$type", type);
            delete.ExecuteNonQuery();
        }
        else
        {
            var upsert = Context.Command("""
                INSERT INTO address_templates (address_type, template) VALUES ($type, $template)
                ON CONFLICT (address_type) DO UPDATE SET template = excluded.template
                """);
            upsert.Parameters.AddWithValue("$type", type);
            upsert.Parameters.AddWithValue("$template", template);
            upsert.ExecuteNonQuery();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<int> PurgeTombstonesAsync(DateTimeOffset deletedBefore, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var purge = Context.Command(
            "DELETE FROM objects WHERE is_deleted = 1 AND when_changed < $before RETURNING usn_changed");
        purge.Parameters.AddWithValue("$before", deletedBefore.ToUnixTimeMilliseconds());
        var count = 0;
        long highest = 0;
        using (var reader = purge.ExecuteReader())
        {
            while (reader.Read())
            {
                count++;
                highest = Math.Max(highest, reader.GetInt64(0));
            }
        }

        if (count > 0)
        {
            var mark = Context.Command("UPDATE store_info SET purged_through_usn = max(purged_through_usn, $usn)");
            mark.Parameters.AddWithValue("$usn", highest);
            mark.ExecuteNonQuery();
        }

        return ValueTask.FromResult(count);
    }

    /// <inheritdoc/>
    public ValueTask SaveStoredInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        EnsureOpen();
        var command = Context.Command("""
            INSERT INTO instances (name_key, name, settings, state) VALUES ($key, $name, $settings, $state)
            ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, settings = excluded.settings, state = excluded.state
            """);
        command.Parameters.AddWithValue("$key", instance.Name.ToUpperInvariant());
        command.Parameters.AddWithValue("$name", instance.Name);
        command.Parameters.AddWithValue("$settings", instance.Settings);
        command.Parameters.AddWithValue("$state", instance.State);
        command.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> RemoveInstanceAsync(string name, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var command = Context.Command("DELETE FROM instances WHERE name_key = $key");
        command.Parameters.AddWithValue("$key", name.ToUpperInvariant());
        return ValueTask.FromResult(command.ExecuteNonQuery() > 0);
    }

    /// <inheritdoc/>
    public ValueTask SetSettingAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        if (value is null)
        {
            var delete = Context.Command("DELETE FROM settings WHERE key = $key");
            delete.Parameters.AddWithValue("$key", key);
            delete.ExecuteNonQuery();
        }
        else
        {
            var upsert = Context.Command("INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            upsert.Parameters.AddWithValue("$key", key);
            upsert.Parameters.AddWithValue("$value", value);
            upsert.ExecuteNonQuery();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask AppendToQueueAsync(string queue, QueueEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EnsureOpen();
        if (!_queueLast.TryGetValue(queue, out var last))
        {
            last = Context.Statement("SELECT coalesce(max(number), 0) FROM queue WHERE queue = ?1").Bind(1, queue).ScalarInt64() ?? 0;
        }

        if (entry.Number <= last)
        {
            throw new InvalidOperationException($"Queue '{queue}' already holds an entry numbered {entry.Number} or higher.");
        }

        // A statement bound by position: the hub appends one entry per update taken in, and an ADO.NET command makes
        // parameter objects and binds them by name on every run.
        Context.Statement("INSERT INTO queue (queue, number, origin, time, payload) VALUES (?1, ?2, ?3, ?4, ?5)")
            .Bind(1, queue).Bind(2, entry.Number).Bind(3, entry.Origin).Bind(4, entry.Time.ToUnixTimeMilliseconds()).Bind(5, entry.Payload)
            .Execute();
        _queueLast[queue] = entry.Number;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<long> TrimQueueAsync(string queue, long through, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        _queueLast.Remove(queue);
        var command = Context.Command("DELETE FROM queue WHERE queue = $queue AND number <= $through");
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$through", through);
        return ValueTask.FromResult((long)command.ExecuteNonQuery());
    }

    /// <inheritdoc/>
    public ValueTask<long> PurgeQueueAsync(string queue, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        _queueLast.Remove(queue);
        var command = Context.Command("DELETE FROM queue WHERE queue = $queue AND time < $before");
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        return ValueTask.FromResult((long)command.ExecuteNonQuery());
    }

    /// <inheritdoc/>
    public ValueTask<EventRecord> AppendEventAsync(EventRecord value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        var command = Context.Command("INSERT INTO events (time, code, severity, message) VALUES ($time, $code, $severity, $message) RETURNING id");
        command.Parameters.AddWithValue("$time", value.Time.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$code", value.Code);
        command.Parameters.AddWithValue("$severity", (int)value.Severity);
        command.Parameters.AddWithValue("$message", value.Message);
        return ValueTask.FromResult(value with { Id = (long)command.ExecuteScalar()! });
    }

    /// <inheritdoc/>
    public async ValueTask ReplaceGalAsync(IAsyncEnumerable<GalEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        EnsureOpen();
        Context.Execute("DELETE FROM gal");
        var insert = Context.Command("""
            INSERT INTO gal (rank, display_name, alias, class, address, postoffice, guid, search_key)
            VALUES ($rank, $display, $alias, $class, $address, $postoffice, $guid, $search)
            """);
        var p = insert.Parameters;
        var rank = p.Add("$rank", SqliteType.Integer);
        var display = p.Add("$display", SqliteType.Text);
        var alias = p.Add("$alias", SqliteType.Text);
        var objectClass = p.Add("$class", SqliteType.Integer);
        var address = p.Add("$address", SqliteType.Text);
        var postoffice = p.Add("$postoffice", SqliteType.Text);
        var guid = p.Add("$guid", SqliteType.Blob);
        var search = p.Add("$search", SqliteType.Text);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            rank.Value = entry.Rank;
            display.Value = entry.DisplayName;
            alias.Value = entry.Alias;
            objectClass.Value = (int)entry.Class;
            address.Value = entry.Address;
            postoffice.Value = entry.Postoffice;
            guid.Value = GuidBytes(entry.Guid);
            search.Value = entry.SearchKey;
            insert.ExecuteNonQuery();
            FaultPoints.Hit("store.gal");
        }
    }

    /// <inheritdoc/>
    public ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        EndLoad();
        if (_usn != _usnAtStart)
        {
            var save = Context.Command("UPDATE store_info SET highest_usn = $usn");
            save.Parameters.AddWithValue("$usn", _usn);
            save.ExecuteNonQuery();
        }

        FaultPoints.Hit("store.commit.before");
        Context.Execute("COMMIT");
        FaultPoints.Hit("store.commit.after");
        _done = true;
        Context.TransactionEnded();
        Context.KeepKeys(_keys.Filter);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_done)
        {
            _done = true;
            try
            {
                Context.Execute("ROLLBACK");
            }
            catch (SqliteException)
            {
                // SQLite already rolled back (for example after a disk-full error); nothing is left to undo.
            }

            Context.TransactionEnded();

            // Containers added in the abandoned transaction must vanish from the cache too.
            Context.LoadContainers();

            // The filter may hold keys of the undone writes; it says "maybe" of them, which the store then answers.
            Context.KeepKeys(_keys.Filter);
            if (_load is { } load)
            {
                // The rollback made the indexes again; the cache size is the connection's, not the transaction's.
                _load = null;
                load.Dispose();
                Context.Execute($"PRAGMA cache_size = {-1024L * Context.Options.CacheMiB}");
            }
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask<long> CountLive() =>
        ValueTask.FromResult(Context.Statement("SELECT count(*) FROM objects WHERE is_deleted = 0").ScalarInt64() ?? 0);

    /// <summary>Every key the store holds, this transaction's writes included, read as stored (UTF-8) into <paramref name="filter"/>.</summary>
    private ValueTask FillKeys(KeyFilter filter)
    {
        using (var objects = Context.NewStatement("SELECT alias_key, display_key, origin_source, origin_anchor FROM objects WHERE is_deleted = 0"))
        {
            while (objects.Step())
            {
                filter.AddUtf8(KeyFilter.Kind.Alias, objects.Blob(0));
                filter.AddUtf8(KeyFilter.Kind.DisplayName, objects.Blob(1));
                if (!objects.IsNull(2))
                {
                    filter.AddOriginUtf8(objects.Blob(2), objects.Blob(3));
                }
            }
        }

        using var proxies = Context.NewStatement("SELECT address_key FROM proxies");
        while (proxies.Step())
        {
            filter.AddUtf8(KeyFilter.Kind.Address, proxies.Blob(0));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Becomes a first load, when nothing but adds has happened and the options allow it.</summary>
    private ValueTask<bool> StartLoad()
    {
        if (!_onlyAdds || !Context.Options.FirstLoad)
        {
            return ValueTask.FromResult(false);
        }

        _load = SqliteFirstLoad.Start(Context);
        return ValueTask.FromResult(true);
    }

    /// <summary>
    /// Ends a first load, if this is one: the indexes are made, and the transaction goes on row by row. A write that is not
    /// an add (<paramref name="written"/>) also keeps the transaction from becoming one later; a read only ends one.
    /// </summary>
    private void EndLoad(bool written = false)
    {
        if (written)
        {
            _onlyAdds = false;
        }

        if (_load is { } load)
        {
            _onlyAdds = false;
            _load = null;
            load.Finish();
            _keys = new LoadKeys(Context.Options.KeyFilterAfterAdds);
        }
    }

    /// <summary>The live object whose alias key is <paramref name="key"/>, in a first load: its row, and the object as a list names it.</summary>
    private (long Id, MemberRef Member)? AliasOwner(SqliteFirstLoad load, string key)
    {
        var holds = Context.Statement("SELECT id, guid, alias FROM objects WHERE id = ?1 AND alias_key = ?2 AND is_deleted = 0");
        foreach (var row in load.Index.Find(KeyFilter.Kind.Alias, key))
        {
            if (MemberRow(holds.Bind(1, load.Id(row)).Bind(2, key)) is { } owner)
            {
                return owner;
            }
        }

        return null;
    }

    /// <summary>The live object that came from <paramref name="source"/> with <paramref name="anchor"/>, in a first load.</summary>
    private DirectoryObject? OriginHolder(SqliteFirstLoad load, string source, Guid anchor)
    {
        foreach (var row in load.Index.FindOrigin(source, anchor))
        {
            var found = ReadSingle(Context.Statement($"SELECT {ObjectColumns} FROM objects o WHERE o.id = ?1").Bind(1, load.Id(row)));
            if (found is { IsDeleted: false, Origin: { } origin } && string.Equals(origin.Source, source, StringComparison.Ordinal) && origin.Anchor == anchor)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The anchor of the object that holds the address key <paramref name="key"/>, in a first load.</summary>
    private Guid? AddressOwner(SqliteFirstLoad load, string key)
    {
        var owner = Context.Statement("SELECT o.guid FROM load_proxies p JOIN objects o ON o.id = p.object_id WHERE p.rowid = ?1 AND p.address_key = ?2");
        foreach (var row in load.Index.Find(KeyFilter.Kind.Address, key))
        {
            if (owner.Bind(1, row).Bind(2, key).ScalarGuid() is { } guid)
            {
                return guid;
            }
        }

        return null;
    }

    /// <summary>Notes in a first load's index what the object just written at index number <paramref name="row"/> holds.</summary>
    private static void Remember(SqliteFirstLoad load, uint row, Keys keys, DirectoryObject value)
    {
        load.Index.Add(KeyFilter.Kind.Alias, keys.Alias, row);
        load.Index.Add(KeyFilter.Kind.DisplayName, keys.DisplayName, row);
        if (value.Origin is { } origin)
        {
            load.Index.AddOrigin(origin.Source, origin.Anchor, row);
        }
    }

    /// <summary>A first load's InsertProxies: into load_proxies, in the order they come, each checked against the index.</summary>
    private void InsertLoadProxies(SqliteFirstLoad load, long id, DirectoryObject value)
    {
        foreach (var proxy in value.ProxyAddresses)
        {
            var key = proxy.Key;
            if (AddressOwner(load, key) is not null)
            {
                throw AddressTaken(proxy);
            }

            var insert = Context.Statement("INSERT INTO load_proxies (address_key, object_id) VALUES (?1, ?2)").Bind(1, key).Bind(2, id);
            insert.Execute();
            load.Index.Add(KeyFilter.Kind.Address, key, checked((uint)insert.LastInsertRowId));
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

    private (long Id, List<string> ProxyKeys) LiveRow(Guid guid)
    {
        var row = Context.Statement("SELECT id, attrs FROM objects WHERE guid = ?1 AND is_deleted = 0").Bind(1, guid);
        try
        {
            if (!row.Step())
            {
                throw new NotFoundException("recipient", guid.ToString());
            }

            var keys = row.IsNull(1) ? [] : ObjectBlob.DecodeProxyKeys(row.Blob(1));
            return (row.Int64(0), keys);
        }
        finally
        {
            row.Reset();
        }
    }

    /// <summary>Binds parameters 3 to 12 of an insert or update: what the object holds.</summary>
    private void BindContent(SqliteStatement statement, DirectoryObject value, long containerId, Keys keys)
    {
        statement
            .Bind(3, value.Alias)
            .Bind(4, keys.Alias)
            .Bind(5, value.DisplayName)
            .Bind(6, keys.DisplayName)
            .Bind(7, containerId)
            .Bind(8, value.TargetAddress?.ToString())
            .Bind(9, value.Origin?.Source)
            .Bind(11, value.Origin?.ImportedFrom)
            .Bind(12, _blob.WrittenSpan);
        if (value.Origin is { } origin)
        {
            statement.Bind(10, origin.Anchor);
        }
        else
        {
            statement.BindNull(10);
        }
    }

    private void InsertProxies(long id, DirectoryObject value, HashSet<string>? except = null)
    {
        foreach (var proxy in value.ProxyAddresses)
        {
            var key = proxy.Key;
            if (except?.Contains(key) == true)
            {
                continue;
            }

            try
            {
                Context.Statement("INSERT INTO proxies (address_key, object_id) VALUES (?1, ?2)").Bind(1, key).Bind(2, id).Execute();
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
            {
                throw AddressTaken(proxy, e);
            }
        }
    }

    private void DeleteProxy(string key)
    {
        Context.Statement("DELETE FROM proxies WHERE address_key = ?1").Bind(1, key).Execute();
    }

    private void InsertMembers(long id, DirectoryObject value)
    {
        // One statement a member: the member's row, found by FindMemberAsync or else by its GUID, and the membership written.
        // Nothing written by GUID means a member that is not there (or one named twice, which is no error); only then is
        // it asked which.
        foreach (var member in value.Members)
        {
            if (_memberRows.TryGetValue(member.Guid, out var memberId))
            {
                Context.Statement("INSERT OR IGNORE INTO members (dl_id, member_id) VALUES (?1, ?2)").Bind(1, id).Bind(2, memberId).Execute();
                continue;
            }

            var insert = Context.Statement("INSERT OR IGNORE INTO members (dl_id, member_id) SELECT ?1, id FROM objects WHERE guid = ?2 AND is_deleted = 0")
                .Bind(1, id)
                .Bind(2, member.Guid);
            insert.Execute();
            if (insert.Changes == 0
                && Context.Statement("SELECT id FROM objects WHERE guid = ?1 AND is_deleted = 0").Bind(1, member.Guid).ScalarInt64() is null)
            {
                throw new NotFoundException("member", member.Alias);
            }
        }

        _memberRows.Clear();
    }

    private static ConflictException AddressTaken(ProxyAddress proxy, Exception? inner = null) =>
        new($"the address {proxy} is already used by another recipient", inner);

    private static ConflictException AliasTaken(DirectoryObject value, Exception? inner = null) =>
        new($"the alias '{value.Alias}' is already used by another recipient", inner);

    private static ConflictException OriginTaken(DirectoryObject value, Exception? inner = null) =>
        new($"an object imported from {value.Origin?.ImportedFrom} with the anchor {value.Origin?.Anchor} already exists", inner);

    private static ConflictException Conflict(SqliteException e, DirectoryObject value) =>
        e.Message.Contains("alias_key", StringComparison.Ordinal)
            ? AliasTaken(value, e)
            : e.Message.Contains("objects.guid", StringComparison.Ordinal)
                ? new ConflictException($"an object with the anchor {value.Guid} already exists", e)
                : e.Message.Contains("origin", StringComparison.Ordinal)
                    ? OriginTaken(value, e)
                    : new ConflictException($"the change to '{value.Alias}' breaks a uniqueness rule: {e.Message}", e);

    /// <summary>The keys an object's row is found by, made once for the row and the first load's index.</summary>
    private readonly struct Keys(DirectoryObject value)
    {
        public string Alias { get; } = value.Alias.ToUpperInvariant();

        public string DisplayName { get; } = value.DisplayName.ToUpperInvariant();
    }
}
