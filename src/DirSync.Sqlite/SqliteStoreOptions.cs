namespace DirSync.Sqlite;

/// <summary>How a <see cref="SqliteDirectoryStore"/> is opened.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The defaults: a 10-second wait for another writer, the system clock.</summary>
    public static SqliteStoreOptions Default { get; } = new();

    /// <summary>How long to wait for another process's write transaction before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for creation, change and deletion times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The page cache size in MiB; large bulk work benefits from more.</summary>
    public int CacheMiB { get; init; } = 64;
}
