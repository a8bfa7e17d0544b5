using DirSync.Core;
using Microsoft.Data.Sqlite;

namespace DirSync.Sqlite;

/// <summary>Turns what SQLite reports about the store file into the one clear error of its kind.</summary>
/// <remarks>
/// <para>SQLite answers a damaged page with SQLITE_CORRUPT when it reads it, a full disk with SQLITE_FULL
/// when it writes, a read-only file or folder with SQLITE_READONLY, and other failures of the disk with
/// SQLITE_IOERR. Those surface from any statement of any command, so they are recognised once, where a
/// command's error is reported, rather than at each statement.</para>
/// <para>A store found damaged is marked (<see cref="StoreDamage"/>), so that no later command writes to it
/// until <c>dirsync store check</c> finds it whole.</para>
/// </remarks>
public static class StoreErrors
{
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CannotOpen = 14;
    private const int NotADatabase = 26;
    private const int Busy = 5;
    private const int Locked = 6;

    /// <summary>The error <paramref name="error"/> (or an error inside it) stands for, or null when it is none of SQLite's.</summary>
    /// <param name="error">What a command threw.</param>
    /// <param name="storePath">The store the command worked on, asked for only when needed.</param>
    public static DirSyncException? Translate(Exception error, Func<string> storePath)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(storePath);
        if (Find(error) is not { } sqlite)
        {
            return null;
        }

        var path = storePath();
        var what = sqlite.Message.Replace("SQLite Error ", "", StringComparison.Ordinal);
        switch (sqlite.SqliteErrorCode)
        {
            case Corrupt or NotADatabase:
                StoreDamage.Mark(path, what);
                return new StoreException(
                    path,
                    $"the store '{path}' is damaged ({what}); it takes no more writes: check it with 'dirsync store check' and restore it from a backup (see 'A damaged store' in docs/operations.md)",
                    innerException: sqlite);
            case Full:
                return new StoreException(path, $"cannot write the store '{path}': No space left on device; free space (the disk or the quota is full) and run the command again", ErrorCategory.FileSystem, sqlite);
            case ReadOnly:
                return new StoreException(path, $"cannot write the store '{path}': {what}; make the store file and its folder writable for the user dirsync runs as", ErrorCategory.FileSystem, sqlite);
            case IoError or CannotOpen:
                return new StoreException(path, $"cannot read or write the store '{path}': {what}; check the disk it is on and run the command again", ErrorCategory.FileSystem, sqlite);
            case Busy or Locked:
                return new StoreException(path, $"the store '{path}' is being written by another process; try again when it has finished", ErrorCategory.Busy, sqlite);
            default:
                return null;
        }
    }

    private static SqliteException? Find(Exception error)
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (current is SqliteException sqlite)
            {
                return sqlite;
            }

            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                return aggregate.InnerExceptions.Select(Find).FirstOrDefault(e => e is not null);
            }
        }

        return null;
    }
}
