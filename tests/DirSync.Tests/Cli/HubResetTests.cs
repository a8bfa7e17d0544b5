using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>Resetting a requestor's sync numbers on purpose (MS Mail's LISTDS -R -Z with the server's record re-created), through the command.</summary>
public sealed class HubResetTests : IDisposable
{
    private readonly HubNetwork _network = new();

    public void Dispose() => _network.Dispose();

    [Fact]
    public async Task Reset_RequestorThenServer_FullExchangeAndNothingLostOrDoubled()
    {
        await SetUpAsync();
        await CycleAsync();
        await OkAsync("po1", "mailbox", "add", "al");
        await OkAsync("po1", "requestor", "send");
        var before = Directory.GetFiles(_network.Folder.File("hub-in"), "*.dsm").Single();
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
        await File.WriteAllBytesAsync(Path.Combine(_network.Folder.File("hub-in"), Path.GetFileName(before)), oldCopy);
        var replay = await RunAsync("hub", "server", "receive");
        Assert.Equal(9, replay.ExitCode);


        // And the numbers go on from where the reset started them.
        await OkAsync("po1", "mailbox", "add", "amy");
        await CycleAsync();
        Assert.Contains("amy", await AliasesAsync("po2"));
    }

    private Task CycleAsync() => _network.CycleAsync("hub", "po1", "po2");

    private Task SetUpAsync() => _network.SetUpAsync();

    private Task<string[]> AliasesAsync(string store) => _network.AliasesAsync(store);

    private Task<CliResult> RunAsync(string store, params string[] args) => _network.RunAsync(store, args);

    private Task<string> OkAsync(string store, params string[] args) => _network.OkAsync(store, args);
}
