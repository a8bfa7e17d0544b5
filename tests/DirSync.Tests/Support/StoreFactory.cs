using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
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

    /// <summary>A store initialized as 'dirsync init' does, on the backend of this run (see <see cref="TestStores"/>).</summary>
    public static async Task<IDirectoryStore> CreateStoreAsync(
        string path,
        string org = "Testorg",
        string site = "Site1",
        string server = "Server1",
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var info = DirectorySetup.NewStoreInfo(org, site, server, time.GetUtcNow());
        return await TestStores.CreateAsync(path, info, DirectorySetup.InitializeAsync, time, TimeSpan.FromSeconds(10));
    }

    public static StoreInfo Info(string site = "Site1") =>
        new(Guid.NewGuid(), "Testorg", site, "Server1", DateTimeOffset.UnixEpoch);
}
