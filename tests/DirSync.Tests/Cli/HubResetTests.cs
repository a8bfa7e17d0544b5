using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>Resetting a requestor's sync numbers on purpose (MS Mail's LISTDS -R -Z with the server's record re-created), through the command.</summary>
public sealed class HubResetTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Reset_RequestorThenServer_FullExchangeAndNothingLostOrDoubled()
    {
        await SetUpAsync();
        await CycleAsync();
        await OkAsync("po1", "mailbox", "add", "al");
        await OkAsync("po1", "requestor", "send");
        var before = Directory.GetFiles(_folder.File("hub-in"), "*.dsm").Single();
        var oldCopy = await File.ReadAllBytesAsync(before);
        await OkAsync("hub", "server", "receive");
        await OkAsync("hub", "server", "send");
        await OkAsync("po1", "requestor", "receive");
        await OkAsync("po1", "requestor", "import");

        // Reset on the requestor alone: the server would skip its renumbered updates, so it refuses them and says how to go on.
        Assert.Equal(
            "Reset requestor NET/PO1: ReqSync 0, SrvSync 0; the next 'dirsync requestor send' sends the whole local list and asks for every address list. Reset it on the server too: 'dirsync server reset-requestor NET/PO1'\n",
            await OkAsync("po1", "requestor", "reset"));
        await OkAsync("po1", "requestor", "send");
        var refused = await RunAsync("hub", "server", "receive");
        Assert.Equal(9, refused.ExitCode);
        Assert.Contains(
            "129: NET/PO1 reset its sync numbers (generation 1), but this server still counts them from before (ReqSync 2) and would skip its updates as taken in; if it was reset on purpose, reset it here too with 'dirsync server reset-requestor NET/PO1', then let it send again",
            refused.Error,
            StringComparison.Ordinal);

        // Reset on the server too: the requestor's whole list comes in, it gets every address list back.
        await OkAsync("hub", "server", "reset-requestor", "NET/PO1");
        await CycleAsync();
        await CycleAsync();
        Assert.Equal(["al", "ann", "pat"], (await AliasesAsync("po1")).Order(StringComparer.Ordinal));
        Assert.Equal(["al", "ann", "pat"], (await AliasesAsync("po2")).Order(StringComparer.Ordinal));
        Assert.Equal(["al", "ann", "pat"], (await AliasesAsync("hub")).Order(StringComparer.Ordinal));
        var status = JsonDocument.Parse(await OkAsync("po1", "requestor", "status", "--json")).RootElement;
        Assert.Equal(2, status.GetProperty("reqSync").GetInt64());

        // A message written before the reset, replayed now, is refused.
        await File.WriteAllBytesAsync(Path.Combine(_folder.File("hub-in"), Path.GetFileName(before)), oldCopy);
        var replay = await RunAsync("hub", "server", "receive");
        Assert.Equal(9, replay.ExitCode);


        // And the numbers go on from where the reset started them.
        await OkAsync("po1", "mailbox", "add", "amy");
        await CycleAsync();
        Assert.Contains("amy", await AliasesAsync("po2"));
    }

    private async Task SetUpAsync()
    {
        foreach (var folder in new[] { "hub-in", "po1-in", "po2-in" })
        {
            Directory.CreateDirectory(_folder.File(folder));
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

    private async Task CycleAsync()
    {
        await OkAsync("po1", "requestor", "send");
        await OkAsync("po2", "requestor", "send");
        await OkAsync("hub", "server", "receive");
        await OkAsync("hub", "server", "send");
        foreach (var po in new[] { "po1", "po2" })
        {
            await OkAsync(po, "requestor", "receive");
            await OkAsync(po, "requestor", "import");
        }
    }

    private async Task<List<string>> AliasesAsync(string store)
    {
        using var document = JsonDocument.Parse(await OkAsync(store, "recipients", "list", "--json"));
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("alias").GetString()!)];
    }

    private Task<CliResult> RunAsync(string store, params string[] args) =>
        CliRunner.RunAsync(_folder.Path, null, ["--store", store + ".db", .. args]);

    private async Task<string> OkAsync(string store, params string[] args)
    {
        var result = await RunAsync(store, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync --store {store}.db {string.Join(' ', args)}: {result}");
        return result.Out;
    }
}
