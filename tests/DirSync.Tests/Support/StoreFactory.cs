using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Sqlite;

namespace DirSync.Tests.Support;

/// <summary>Makes real SQLite stores in temp folders, initialized as 'dirsync init' does.</summary>
public static class StoreFactory
{
    public static async Task<SqliteDirectoryStore> CreateAsync(
        string path,
        string org = "Testorg",
        string site = "Site1",
        string server = "Server1",
        TimeProvider? time = null,
        TimeSpan? lockTimeout = null)
    {
        var options = SqliteStoreOptions.Default with
        {
            TimeProvider = time ?? TimeProvider.System,
            LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(10),
        };
        var info = DirectorySetup.NewStoreInfo(org, site, server, options.TimeProvider.GetUtcNow());
        return await SqliteDirectoryStore.CreateAsync(path, info, DirectorySetup.InitializeAsync, options);
    }

    public static StoreInfo Info(string site = "Site1") =>
        new(Guid.NewGuid(), "Testorg", site, "Server1", DateTimeOffset.UnixEpoch);
}
