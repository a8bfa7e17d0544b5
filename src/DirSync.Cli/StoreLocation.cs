using System.Data.Common;
using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Postgres;
using DirSync.Sqlite;

namespace DirSync.Cli;

/// <summary>Where a store lives, as <c>--store</c> names it: a <c>postgresql://</c> URI, or else a SQLite file.</summary>
internal sealed class StoreLocation
{
    private StoreLocation(string display, string? file, PostgresStoreAddress? postgres)
    {
        Display = display;
        File = file;
        Postgres = postgres;
    }

    /// <summary>How messages and reports name the store: the file's path, or the URI without its password.</summary>
    public string Display { get; }

    /// <summary>The SQLite file, or null for a PostgreSQL store.</summary>
    public string? File { get; }

    /// <summary>The PostgreSQL database, or null for a SQLite file.</summary>
    public PostgresStoreAddress? Postgres { get; }

    /// <summary>Reads what <c>--store</c> (or DIRSYNC_STORE) holds.</summary>
    /// <param name="text">The store as given.</param>
    /// <param name="currentDirectory">What a relative file path is relative to.</param>
    /// <param name="passwordFile">A file whose first line is the PostgreSQL password, or null.</param>
    /// <exception cref="InvalidValueException">The URI is malformed.</exception>
    /// <exception cref="DirSyncException">The password file cannot be read.</exception>
    public static StoreLocation Parse(string text, string currentDirectory, string? passwordFile)
    {
        if (!PostgresStoreAddress.IsUri(text))
        {
            var path = Path.IsPathRooted(text) ? text : Path.Combine(currentDirectory, text);
            return new StoreLocation(path, path, null);
        }

        var address = PostgresStoreAddress.Parse(text);
        if (passwordFile is not null)
        {
            address = address.WithPassword(ReadPassword(Path.GetFullPath(passwordFile, currentDirectory), passwordFile));
        }

        return new StoreLocation(address.Display, null, address);
    }

    /// <summary>Opens the store there.</summary>
    public async Task<IDirectoryStore> OpenAsync(TimeSpan lockTimeout, CancellationToken cancellationToken) =>
        Postgres is { } address
            ? await PostgresDirectoryStore.OpenAsync(address, PostgresStoreOptions.Default with { LockTimeout = lockTimeout }, cancellationToken)
            : await SqliteDirectoryStore.OpenAsync(File!, SqliteStoreOptions.Default with { LockTimeout = lockTimeout }, cancellationToken);

    /// <summary>Creates a store there: a new file, or the schema in an empty database.</summary>
    public async Task<IDirectoryStore> CreateAsync(
        StoreInfo info, Func<IDirectoryTransaction, CancellationToken, ValueTask> initialize, TimeSpan lockTimeout, CancellationToken cancellationToken) =>
        Postgres is { } address
            ? await PostgresDirectoryStore.CreateAsync(address, info, initialize, PostgresStoreOptions.Default with { LockTimeout = lockTimeout }, cancellationToken)
            : await SqliteDirectoryStore.CreateAsync(File!, info, initialize, SqliteStoreOptions.Default with { LockTimeout = lockTimeout }, cancellationToken);

    /// <summary>Makes a new store there that is a copy of <paramref name="source"/>, checked by <paramref name="verify"/> before it is kept.</summary>
    public Task CopyIntoAsync(IStoreTables source, Func<IStoreTables, CancellationToken, Task> verify, TimeSpan lockTimeout, CancellationToken cancellationToken) =>
        Postgres is { } address
            ? PostgresDirectoryStore.CreateCopyAsync(address, source, verify, PostgresStoreOptions.Default with { LockTimeout = lockTimeout }, cancellationToken)
            : SqliteDirectoryStore.CreateCopyAsync(File!, source, verify, SqliteStoreOptions.Default with { LockTimeout = lockTimeout }, cancellationToken);

    /// <summary>The one line a database error that reached the command prints: which store, and the server's or the driver's reason.</summary>
    /// <remarks>
    /// A dropped connection or a failing disk ends the command's transaction without committing it, so a rerun
    /// starts from what was committed. Neither the reason nor the store's name holds the password.
    /// </remarks>
    public string Describe(DbException error)
    {
        var reason = PostgresStoreErrors.Reason(error);
        return $"the store '{Display}' failed: {reason}; what the command had not committed was rolled back — run it again";
    }

    private static string ReadPassword(string path, string shown)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : e.Message;
            throw new DirSyncException(
                $"cannot read the store password file '{shown}': {reason}; write the password on its first line (readable by this user only)", ErrorCategory.FileSystem, e);
        }

        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
