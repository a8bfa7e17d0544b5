namespace DirSync.Postgres;

/// <summary>The PostgreSQL schema of a store and the marks that tell a DirSync store from any other database.</summary>
/// <remarks>
/// The tables mirror the SQLite store's one for one (see SqliteSchema), so that both backends answer every
/// query alike and a store copies between them row for row; schema versions are numbered the same on both.
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>What store_info.application holds in every DirSync store.</summary>
    public const string Application = "DirSync";

    /// <summary>The schema version this code writes (store_info.schema_version): the same number as SQLite's for the same content.</summary>
    public const int CurrentVersion = 3;

    /// <summary>The advisory lock every writer holds for its transaction: "DSyc", as SQLite's application id.</summary>
    public const long WriterLock = 0x44537963;

    // Why this shape, beyond SQLite's reasons (one row per object with a blob, partial unique indexes on live
    // objects, keys upper-cased in code):
    // - Every key column compares in the "C" collation: byte order, as SQLite's BINARY and .NET's ordinal
    //   comparisons, whatever the database's locale, so lists come out in the same order on both stores.
    // - Ids are assigned by the writer, not by sequences: one writer at a time holds the store's advisory
    //   lock, so max + 1 is safe, no id is lost to a rollback, and a copied store keeps its ids.
    // - Times are milliseconds since 1970 in bigint, as in SQLite, so they round-trip to the same value.
    public const string Create = $$"""
        CREATE TABLE store_info (
            id                 integer PRIMARY KEY CHECK (id = 1),
            application        text    NOT NULL,
            schema_version     integer NOT NULL,
            identity           uuid    NOT NULL,
            organization       text    NOT NULL,
            site               text    NOT NULL,
            server             text    NOT NULL,
            created            bigint  NOT NULL,
            highest_usn        bigint  NOT NULL DEFAULT 0,
            purged_through_usn bigint  NOT NULL DEFAULT 0
        );

        CREATE TABLE containers (
            id        bigint PRIMARY KEY,
            path      text   NOT NULL,
            path_key  text   COLLATE "C" NOT NULL UNIQUE,
            parent_id bigint REFERENCES containers(id)
        );

        CREATE TABLE objects (
            id             bigint  PRIMARY KEY,
            guid           uuid    NOT NULL UNIQUE,
            class          integer NOT NULL,
            alias          text    NOT NULL,
            alias_key      text    COLLATE "C" NOT NULL,
            display_name   text    NOT NULL,
            display_key    text    COLLATE "C" NOT NULL,
            container_id   bigint  NOT NULL REFERENCES containers(id),
            target_address text,
            origin_source  text    COLLATE "C",
            origin_anchor  uuid,
            imported_from  text    COLLATE "C",
            usn_created    bigint  NOT NULL,
            usn_changed    bigint  NOT NULL,
            is_deleted     boolean NOT NULL DEFAULT false,
            when_created   bigint  NOT NULL,
            when_changed   bigint  NOT NULL,
            attrs          bytea
        );
        CREATE UNIQUE INDEX ix_objects_usn ON objects(usn_changed);
        CREATE UNIQUE INDEX ix_objects_alias ON objects(alias_key) WHERE NOT is_deleted;
        {{DisplayIndex}}
        CREATE UNIQUE INDEX ix_objects_origin ON objects(origin_source, origin_anchor)
            WHERE origin_source IS NOT NULL AND NOT is_deleted;
        CREATE INDEX ix_objects_tombstones ON objects(when_changed) WHERE is_deleted;
        {{HubOwnerIndex}}

        CREATE TABLE proxies (
            address_key text   COLLATE "C" PRIMARY KEY,
            object_id   bigint NOT NULL
        );

        CREATE TABLE members (
            dl_id     bigint NOT NULL,
            member_id bigint NOT NULL,
            PRIMARY KEY (dl_id, member_id)
        );
        CREATE INDEX ix_members_member ON members(member_id);

        CREATE TABLE instances (
            name_key text COLLATE "C" PRIMARY KEY,
            name     text NOT NULL,
            settings text NOT NULL,
            state    text NOT NULL
        );

        CREATE TABLE settings (
            key   text COLLATE "C" PRIMARY KEY,
            value text NOT NULL
        );

        CREATE TABLE queue (
            queue   text   COLLATE "C" NOT NULL,
            number  bigint NOT NULL,
            origin  text   NOT NULL,
            time    bigint NOT NULL,
            payload bytea  NOT NULL,
            PRIMARY KEY (queue, number)
        );

        CREATE TABLE events (
            id       bigint  PRIMARY KEY,
            time     bigint  NOT NULL,
            code     integer NOT NULL,
            severity integer NOT NULL,
            message  text    NOT NULL
        );

        CREATE TABLE gal (
            rank         bigint  PRIMARY KEY,
            display_name text    NOT NULL,
            alias        text    NOT NULL,
            class        integer NOT NULL,
            address      text    NOT NULL,
            postoffice   text    NOT NULL,
            guid         uuid    NOT NULL,
            search_key   text    COLLATE "C" NOT NULL
        );
        CREATE INDEX ix_gal_search ON gal(search_key, rank);
        {{GalFirstIndexes}}

        CREATE TABLE address_templates (
            address_type text COLLATE "C" PRIMARY KEY,
            template     text NOT NULL
        );
        """;

    // The delete guard's count of one requestor's live entries, as on SQLite. lower() in the "C" collation folds
    // ASCII letters only, which is what SQLite's NOCASE does.
    private const string HubOwnerIndex = $"""
        CREATE INDEX IF NOT EXISTS ix_objects_hub_owner ON objects(lower(imported_from))
            WHERE origin_source = '{DirSync.Core.Hub.HubPolicies.SourceKey}' AND NOT is_deleted;
        """;

    private const string DisplayIndex = """
        CREATE INDEX ix_objects_display ON objects(display_key, guid) WHERE NOT is_deleted;
        """;

    // As on SQLite: a search for one or two characters reads its first entries in GAL order from these. left counts
    // characters, and keeps the column's "C" collation.
    private const string GalFirstIndexes = """
        CREATE INDEX IF NOT EXISTS ix_gal_first1 ON gal((left(search_key, 1)), rank);
        CREATE INDEX IF NOT EXISTS ix_gal_first2 ON gal((left(search_key, 2)), rank);
        """;

    /// <summary>The statements that bring a store of an older schema version up to <see cref="CurrentVersion"/>, by the version they start from.</summary>
    public static readonly IReadOnlyDictionary<int, string> Upgrades = new Dictionary<int, string>
    {
        [1] = HubOwnerIndex + "DROP INDEX IF EXISTS ix_objects_display;" + DisplayIndex,
        [2] = GalFirstIndexes,
    };
}
