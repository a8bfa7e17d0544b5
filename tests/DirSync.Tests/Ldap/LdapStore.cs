using System.Text.Json;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Ldap;

/// <summary>A DirSync store in a folder of its own, driven by the dirsync command, for the live-directory tests.</summary>
internal sealed class LdapStore : IDisposable
{
    private LdapStore(TempFolder folder, string site)
    {
        Folder = folder;
        Site = site;
    }

    public TempFolder Folder { get; }

    public string Site { get; }

    public string Path => Folder.File("dirsync.db");

    public static async Task<LdapStore> CreateAsync(string site = "Site1")
    {
        var store = new LdapStore(new TempFolder(), site);
        await store.OkAsync("init", "--org", "Testorg", "--site", site, "--server", "Server1");
        return store;
    }

    /// <summary>Runs dirsync in this process against the store.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(Path, args);

    /// <summary>Runs the real built dirsync as a child process against the store.</summary>
    public Task<CliResult> RunProcessAsync(params string[] args) => CliRunner.RunProcessAsync(Folder.Path, null, ["--store", Path, .. args]);

    public async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>Runs an instance with --json and returns the counters: added, modified, deleted, unchanged.</summary>
    public async Task<(long Added, long Modified, long Deleted, long Unchanged, string Mode)> RunInstanceAsync(string instance, params string[] options)
    {
        var result = await OkAsync(["run", instance, "--json", .. options]);
        var json = CliJson.Parse(result.Out);
        return (json.GetProperty("added").GetInt64(), json.GetProperty("modified").GetInt64(), json.GetProperty("deleted").GetInt64(),
            json.GetProperty("unchanged").GetInt64(), json.GetProperty("mode").GetString()!);
    }

    /// <summary>Runs a command that must fail: one line on stderr, nothing on stdout, the exit code, and the store as it was (ownership records included).</summary>
    public async Task<CliResult> FailsAsync(int exitCode, string message, params string[] args)
    {
        var before = await SnapshotAsync();
        var result = await RunAsync(args);
        Assert.True(result.Error == $"dirsync: {message}{Environment.NewLine}", $"expected 'dirsync: {message}'\n{result}");
        Assert.Equal("", result.Out);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(before, await SnapshotAsync());
        return result;
    }

    /// <summary>Everything a run could change: objects, instances and their state, ownership records.</summary>
    public async Task<string> SnapshotAsync()
    {
        await using var store = await SqliteDirectoryStore.OpenAsync(Path);
        var settings = await store.ListSettingsAsync("ldap-");
        return await SyncSnapshot.TakeAsync(store) + string.Join('\n', settings.Select(s => $"{s.Key}={s.Value}"));
    }

    /// <summary>The live recipients as "alias | display name | class | target | attributes", sorted by alias.</summary>
    public async Task<IReadOnlyList<string>> RecipientsAsync(ObjectClass? only = null)
    {
        await using var store = await SqliteDirectoryStore.OpenAsync(Path);
        var lines = new List<string>();
        await foreach (var value in store.ListAsync(new RecipientFilter(Class: only)))
        {
            var attributes = string.Join(", ", value.Attributes.Select(a => $"{a.Key.LdapName}={string.Join("+", a.Value)}"));
            lines.Add($"{value.Alias} | {value.DisplayName} | {value.Class.ToToken()} | {value.TargetAddress?.ToString() ?? "-"} | {attributes}");
        }

        return lines;
    }

    public void Dispose() => Folder.Dispose();
}
