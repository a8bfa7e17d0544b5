using DirSync.Core.Storage;

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

    /// <summary>The page cache size in MiB, an upper bound filled only as pages are read.</summary>
    /// <remarks>
    /// A million-row load dirties more index pages than any cache of this size holds, and what does not fit is
    /// written out and read back during the transaction: measured at 1M mailboxes, 64 MiB took 21.9 s, 160 MiB
    /// 19.5 s and 256 MiB 19.4 s, for 155, 271 and 387 MB of peak memory. 160 MiB keeps every command of the
    /// benchmark table under its 400 MB.
    /// </remarks>
    public int CacheMiB { get; init; } = 160;

    /// <summary>After how many adds one write transaction becomes a load, answering "is this key taken?" from a key filter first (0: never).</summary>
    /// <remarks>See <see cref="LoadKeys"/>; the default is <see cref="LoadKeys.DefaultAfterAdds"/>.</remarks>
    public int KeyFilterAfterAdds { get; init; } = LoadKeys.DefaultAfterAdds;

    /// <summary>
    /// Whether a load into a store that holds no live object makes its secondary indexes at its end (a first load,
    /// <see cref="SqliteFirstLoad"/>) rather than row by row; on unless the environment says <c>DIRSYNC_FIRST_LOAD=0</c>.
    /// </summary>
    public bool FirstLoad { get; init; } = SqliteFirstLoad.Enabled;
}
