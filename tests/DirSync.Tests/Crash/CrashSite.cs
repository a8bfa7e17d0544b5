using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>A scenario's work folder while its starting state is built: dirsync commands run there, in this process.</summary>
internal sealed class CrashSite(string folder)
{
    /// <summary>The work folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>The path of <paramref name="name"/> in the work folder.</summary>
    public string File(string name) => Path.Combine(Folder, name);

    /// <summary>Creates folders (drop folders) in the work folder.</summary>
    public void CreateFolders(params string[] names)
    {
        foreach (var name in names)
        {
            Directory.CreateDirectory(File(name));
        }
    }

    /// <summary>Runs dirsync on <paramref name="store"/> and insists it succeeded.</summary>
    public async Task<string> RunAsync(string store, params string[] args)
    {
        var result = await CliRunner.RunAsync(Folder, null, ["--store", store, .. args]);
        Assert.True(result.ExitCode == 0, $"preparing: dirsync --store {store} {string.Join(' ', args)}: {result}");
        return result.Out;
    }

    /// <summary>Runs <c>dirsync init</c> for Testorg/<paramref name="site"/>/<paramref name="server"/>.</summary>
    public Task<string> InitAsync(string store, string site, string server) =>
        RunAsync(store, "init", "--org", "Testorg", "--site", site, "--server", server);

    /// <summary>Adds mailboxes <c>{prefix}{first}</c> to <c>{prefix}{last}</c> with a display name, title and department.</summary>
    public async Task AddMailboxesAsync(string store, string prefix, int first, int last)
    {
        for (var n = first; n <= last; n++)
        {
            await RunAsync(store, "mailbox", "add", $"{prefix}{n:000}", "--display-name", $"{prefix} {n:000}", "--attr", $"title=Title {n % 7}", "--attr", $"department=Dept {n % 3}");
        }
    }
}
