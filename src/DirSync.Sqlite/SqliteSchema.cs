namespace DirSync.Sqlite;

/// <summary>The SQLite schema of a store and the marks that tell a DirSync store from any other file.</summary>
internal static class SqliteSchema
{
    /// <summary>PRAGMA application_id of every DirSync store: "DSyc".</summary>
    public const int ApplicationId = 0x44537963;

    /// <summary>The schema version this code writes (PRAGMA user_version).</summary>
    public const int CurrentVersion = 3;

    // Why this shape:
    // - One row per object; descriptive attributes and proxies live in a compact blob, so a
    //   million-object load costs one row write per object, not a dozen attribute rows.
    // - Uniqueness of aliases, origins and addresses holds among live objects only (partial
    //   indexes), so a tombstone frees its alias and addresses at once.
    // - Keys are upper-cased in code (culture-invariant) rather than COLLATE NOCASE, which
    //   folds ASCII only, and so that every backend compares names the same way.
    // - The USN counter lives in the single store_info row and is advanced in memory while the
    //   write lock is held, then written back in the same transaction.
    public const string Create = $$"""
        CREATE TABLE store_info (
            id                 INTEGER PRIMARY KEY CHECK (id = 1),
            identity           BLOB    NOT NULL,
            organization       TEXT    NOT NULL,
            site               TEXT    NOT NULL,
            server             TEXT    NOT NULL,
            created            INTEGER NOT NULL,
            highest_usn        INTEGER NOT NULL DEFAULT 0,
            purged_through_usn INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE containers (
            id        INTEGER PRIMARY KEY,
            path      TEXT    NOT NULL,
            path_key  TEXT    NOT NULL UNIQUE,
            parent_id INTEGER REFERENCES containers(id)
        );

        CREATE TABLE objects (
            id             INTEGER PRIMARY KEY,
            guid           BLOB    NOT NULL UNIQUE,
            class          INTEGER NOT NULL,
            alias          TEXT    NOT NULL,
            alias_key      TEXT    NOT NULL,
            display_name   TEXT    NOT NULL,
            display_key    TEXT    NOT NULL,
            container_id   INTEGER NOT NULL REFERENCES containers(id),
            target_address TEXT,
            origin_source  TEXT,
            origin_anchor  BLOB,
            imported_from  TEXT,
            usn_created    INTEGER NOT NULL,
            usn_changed    INTEGER NOT NULL,
            is_deleted     INTEGER NOT NULL DEFAULT 0,
            when_created   INTEGER NOT NULL,
            when_changed   INTEGER NOT NULL,
            attrs          BLOB
        );
        CREATE UNIQUE INDEX ix_objects_usn ON objects(usn_changed);
        {{AliasIndex}}
        {{DisplayIndex}}
        {{OriginIndex}}
        CREATE INDEX ix_objects_tombstones ON objects(when_changed) WHERE is_deleted = 1;
        {{HubOwnerIndex}}

        CREATE TABLE proxies (
            address_key TEXT    PRIMARY KEY,
            object_id   INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE members (
            dl_id     INTEGER NOT NULL,
            member_id INTEGER NOT NULL,
            PRIMARY KEY (dl_id, member_id)
        ) WITHOUT ROWID;
        CREATE INDEX ix_members_member ON members(member_id);

        CREATE TABLE instances (
            name_key TEXT PRIMARY KEY,
            name     TEXT NOT NULL,
            settings TEXT NOT NULL,
            state    TEXT NOT NULL
        );

        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE queue (
            queue   TEXT    NOT NULL,
            number  INTEGER NOT NULL,
            origin  TEXT    NOT NULL,
            time    INTEGER NOT NULL,
            payload BLOB    NOT NULL,
            PRIMARY KEY (queue, number)
        ) WITHOUT ROWID;

        CREATE TABLE events (
            id       INTEGER PRIMARY KEY,
            time     INTEGER NOT NULL,
            code     INTEGER NOT NULL,
            severity INTEGER NOT NULL,
            message  TEXT    NOT NULL
        );

        -- The GAL is a snapshot rebuilt whole, as REBUILD did; rank is display-name order.
        CREATE TABLE gal (
            rank         INTEGER PRIMARY KEY,
            display_name TEXT    NOT NULL,
            alias        TEXT    NOT NULL,
            class        INTEGER NOT NULL,
            address      TEXT    NOT NULL,
            postoffice   TEXT    NOT NULL,
            guid         BLOB    NOT NULL,
            search_key   TEXT    NOT NULL
        );
        CREATE INDEX ix_gal_search ON gal(search_key, rank);
        {{GalFirstIndexes}}

        CREATE TABLE address_templates (
            address_type TEXT PRIMARY KEY,
            template     TEXT NOT NULL
        );
        """;

    // What a Dir-Sync server counts for the delete guard before every message it takes in: the live
    // entries one requestor owns. Without this index that count walks every hub entry (a million at
    // the benchmark's size, 1.3 s a message). Partial, so only hub entries pay for it; the reader
    // writes the origin term as a literal, which a partial index needs to be chosen.
    private const string HubOwnerIndex = $"""
        CREATE INDEX IF NOT EXISTS ix_objects_hub_owner ON objects(imported_from COLLATE NOCASE)
            WHERE origin_source = '{DirSync.Core.Hub.HubPolicies.SourceKey}' AND is_deleted = 0;
        """;

    // A first load (SqliteFirstLoad) drops this index, the display-name and the origin index, and makes them again at its end.
    internal const string AliasIndex = """
        CREATE UNIQUE INDEX ix_objects_alias ON objects(alias_key) WHERE is_deleted = 0;
        """;

    internal const string OriginIndex = """
        CREATE UNIQUE INDEX ix_objects_origin ON objects(origin_source, origin_anchor)
            WHERE origin_source IS NOT NULL AND is_deleted = 0;
        """;

    // "Does another object hold this display name?" is asked for every imported record; with the guid in
    // the index it is answered from the index, without reading the row of the object that holds it.
    internal const string DisplayIndex = """
        CREATE INDEX ix_objects_display ON objects(display_key, guid) WHERE is_deleted = 0;
        """;

    // A search for one or two characters picks its first entries in GAL order from these (GalSearch.ShortKeyLength):
    // equal first characters, then rank, so it reads the entries it returns and no other. substr counts characters.
    // Kept row by row in a rebuild, they cost about 3 s at a million entries; dropped and made again at its end, about
    // the same time and 45 MB more at the peak (the sort), which would take a million-entry rebuild past 400 MB.
    private const string GalFirstIndexes = """
        CREATE INDEX IF NOT EXISTS ix_gal_first1 ON gal(substr(search_key, 1, 1), rank);
        CREATE INDEX IF NOT EXISTS ix_gal_first2 ON gal(substr(search_key, 1, 2), rank);
        """;

    /// <summary>The statements that bring a store of an older schema version up to <see cref="CurrentVersion"/>, by the version they start from.</summary>
    public static readonly IReadOnlyDictionary<int, string> Upgrades = new Dictionary<int, string>
    {
        [1] = HubOwnerIndex + "DROP INDEX ix_objects_display;" + DisplayIndex,
        [2] = GalFirstIndexes,
    };
}
