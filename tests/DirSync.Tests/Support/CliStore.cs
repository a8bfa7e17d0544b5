namespace DirSync.Tests.Support;

/// <summary>A store made by <c>dirsync init</c> in a temp folder, with the command run against it in this process.</summary>
public sealed class CliStore : IDisposable
{
    private CliStore(TempFolder folder, string path)
    {
        Folder = folder;
        Path = path;
    }

    public TempFolder Folder { get; }

    /// <summary>The store file.</summary>
    public string Path { get; }

    /// <summary>Runs <c>dirsync init</c> for Testorg/Site1/Server1 (or the names given) in a new temp folder.</summary>
    public static async Task<CliStore> InitAsync(string org = "Testorg", string site = "Site1", string server = "Server1")
    {
        var folder = new TempFolder();
        var store = new CliStore(folder, folder.File("dirsync.db"));
        await store.RunOkAsync("init", "--org", org, "--site", site, "--server", server);
        return store;
    }

    /// <summary>Runs dirsync with <c>--store</c> pointing here.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(Path, args);

    /// <summary>Runs dirsync and insists it succeeded silently on stderr.</summary>
    public async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync {string.Join(' ', args)} failed: {result}");
        return result;
    }

    public Task<string> SnapshotAsync() => StoreSnapshot.TakeAsync(Path);

    public void Dispose() => Folder.Dispose();
}
