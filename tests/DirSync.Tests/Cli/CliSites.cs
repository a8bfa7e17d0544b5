using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The walkthrough's two servers made with the dirsync command in this process: Server1 exports SYNC1 (INSTANCE1), Server2 imports it (INSTANCE2).</summary>
internal sealed class CliSites : IDisposable
{
    private CliSites(TempFolder folder) => Folder = folder;

    public TempFolder Folder { get; }

    public string Server1 => Folder.File("server1.db");

    public string Server2 => Folder.File("server2.db");

    public string Sync1 => Folder.File("SYNC1");

    /// <summary>Both stores with Mailbox11..13 on Server1 and Mailbox21 on Server2, the two instances set, and nothing run yet.</summary>
    public static async Task<CliSites> CreateAsync()
    {
        var sites = new CliSites(new TempFolder());
        await sites.OkAsync(sites.Server1, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await sites.OkAsync(sites.Server2, "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");
        foreach (var n in new[] { 11, 12, 13 })
        {
            await sites.OkAsync(sites.Server1, "mailbox", "add", $"Mailbox{n}", "--display-name", $"Mailbox {n}");
        }

        await sites.OkAsync(sites.Server2, "mailbox", "add", "Mailbox21", "--display-name", "Mailbox 21");
        await sites.OkAsync(sites.Server1, "instance", "set", "INSTANCE1", "--export", "--file", "SYNC1", "--attributes", "Common-Name,Display-Name");
        await sites.OkAsync(sites.Server2, "instance", "set", "INSTANCE2", "--import", "--file", "SYNC1");
        return sites;
    }

    /// <summary>Also runs the first full export and its import, which binds INSTANCE2 to Server1.</summary>
    public static async Task<CliSites> CreateSyncedAsync()
    {
        var sites = await CreateAsync();
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        await sites.OkAsync(sites.Server2, "run", "INSTANCE2");
        return sites;
    }

    public Task<CliResult> RunAsync(string store, params string[] args) => CliRunner.RunAsync(store, args);

    public async Task<CliResult> OkAsync(string store, params string[] args)
    {
        var result = await RunAsync(store, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>Runs a command that must fail with one line on stderr and nothing on stdout, leaving the store as it was.</summary>
    public async Task<CliResult> FailsAsync(string store, int exitCode, string message, params string[] args)
    {
        var before = await SyncSnapshot.TakeAsync(store);

        var result = await RunAsync(store, args);

        Assert.Equal($"dirsync: {message}{Environment.NewLine}", result.Error);
        Assert.Equal("", result.Out);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(before, await SyncSnapshot.TakeAsync(store));
        return result;
    }

    public void Dispose() => Folder.Dispose();
}
