using System.Text.Json;

namespace DirSync.Tests.Support;

/// <summary>A Dir-Sync network of stores in one folder (<c>hub.db</c>, <c>po1.db</c>, ...), driven through the real command.</summary>
public sealed class HubNetwork : IDisposable
{
    /// <summary>The folder of the stores and drop folders.</summary>
    public TempFolder Folder { get; } = new();

    public void Dispose() => Folder.Dispose();

    /// <summary>A server NET/HUB with requestors NET/PO1 (user ann) and NET/PO2 (user pat), each with its drop folder; no cycle run yet.</summary>
    public async Task SetUpAsync()
    {
        foreach (var folder in new[] { "hub-in", "po1-in", "po2-in" })
        {
            Directory.CreateDirectory(Folder.File(folder));
        }

        await OkAsync("hub", "init", "--org", "Corp", "--site", "Hub", "--server", "HubServer");
        await OkAsync("hub", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await OkAsync("hub", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw1");
        await OkAsync("hub", "server", "add-requestor", "NET/PO2", "--inbox", "po2-in", "--password", "pw2");
        await OkAsync("po1", "init", "--org", "Corp", "--site", "Site1", "--server", "Server1");
        await OkAsync("po2", "init", "--org", "Corp", "--site", "Site2", "--server", "Server2");
        await OkAsync("po1", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw1");
        await OkAsync("po2", "requestor", "enable", "--name", "NET/PO2", "--inbox", "po2-in", "--server-inbox", "hub-in", "--password", "pw2");
        await OkAsync("po1", "mailbox", "add", "ann");
        await OkAsync("po2", "mailbox", "add", "pat");
    }

    /// <summary>One Dir-Sync cycle: T1 on each requestor, T2 on the server, T3 (receive and import) on each requestor.</summary>
    public async Task CycleAsync(string server, params string[] requestors)
    {
        foreach (var po in requestors)
        {
            await OkAsync(po, "requestor", "send");
        }

        await OkAsync(server, "server", "receive");
        await OkAsync(server, "server", "send");
        foreach (var po in requestors)
        {
            await OkAsync(po, "requestor", "receive");
            await OkAsync(po, "requestor", "import");
        }
    }

    /// <summary>The aliases of every recipient in a store, in ordinal order.</summary>
    public async Task<string[]> AliasesAsync(string store)
    {
        using var document = JsonDocument.Parse(await OkAsync(store, "recipients", "list", "--json"));
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("alias").GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>One recipient as <c>recipients show --json</c> prints it.</summary>
    public async Task<JsonElement> RecipientAsync(string store, string alias) =>
        JsonDocument.Parse(await OkAsync(store, "recipients", "show", alias, "--json")).RootElement;

    /// <summary>Runs dirsync on <c>store.db</c> in the folder.</summary>
    public Task<CliResult> RunAsync(string store, params string[] args) =>
        CliRunner.RunAsync(Folder.Path, null, ["--store", store + ".db", .. args]);

    /// <summary>Runs dirsync on <c>store.db</c>; fails the test unless it exits 0 with nothing on stderr.</summary>
    public async Task<string> OkAsync(string store, params string[] args)
    {
        var result = await RunAsync(store, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync --store {store}.db {string.Join(' ', args)}: {result}");
        return result.Out;
    }
}
