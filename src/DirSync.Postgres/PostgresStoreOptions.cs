using DirSync.Core.Storage;

namespace DirSync.Postgres;

/// <summary>How a <see cref="PostgresDirectoryStore"/> is opened.</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>The defaults: a 10-second wait for another writer, the system clock.</summary>
    public static PostgresStoreOptions Default { get; } = new();

    /// <summary>How long to wait for another process's write transaction before giving up, as SQLite's store does.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for creation, change and deletion times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How many rows a streamed read inside a write transaction fetches at a time.</summary>
    /// <remarks>Memory holds one batch; larger batches save round trips (at 5,000 rows a fetch they are under a percent of the time).</remarks>
    public int FetchSize { get; init; } = 5000;

    /// <summary>After how many adds one write transaction becomes a load, answering "is this key taken?" from a key filter first (0: never).</summary>
    /// <remarks>See <see cref="LoadKeys"/>: on PostgreSQL each question it rules out is a round trip saved.</remarks>
    public int KeyFilterAfterAdds { get; init; } = LoadKeys.DefaultAfterAdds;
}
