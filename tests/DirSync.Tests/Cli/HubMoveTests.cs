using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>Moving the dir-sync server to another postoffice through the command: the numbers carry on, nobody is re-imported.</summary>
public sealed class HubMoveTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TakeOver_RequestorBecomesTheServer_CyclesGoOnWithTheSameNumbersAndTheOldServerRejoins()
    {
        await SetUpAsync();
        await CycleAsync(["po1", "po2"], "hub");
        await OkAsync("po1", "mailbox", "add", "al");
        await CycleAsync(["po1", "po2"], "hub");
        var po1Before = await StatusAsync("po1");
        var annAtPo2 = (await RecipientAsync("po2", "ann")).GetProperty("guid").GetString();
        var hubEvents = await OkAsync("hub", "events", "--json");

        // PO2 takes the role over; PO1 is pointed at its inbox.
        Directory.CreateDirectory(_folder.File("new-hub-in"));
        var takeOver = JsonDocument.Parse(await OkAsync("po2", "server", "take-over", "--from", "hub.db", "--inbox", "new-hub-in", "--json")).RootElement;
        Assert.Equal(
            ("NET/PO2", 2, po1Before.SrvSync),
            (takeOver.GetProperty("name").GetString(), takeOver.GetProperty("requestors").GetInt32(), takeOver.GetProperty("highestSrvSync").GetInt64()));
        await OkAsync("po1", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "new-hub-in");

        // The old server takes in and sends nothing more, and says where the role went.
        var refused = await RunAsync("hub", "server", "receive");
        Assert.Equal(3, refused.ExitCode);
        Assert.StartsWith("dirsync: this store handed the dir-sync server role over to NET/PO2 on ", refused.Error, StringComparison.Ordinal);
        Assert.NotEqual(hubEvents, await OkAsync("hub", "events", "--json"));

        // Changes on both sides go through the new server; no list is sent whole, no number starts again.
        await OkAsync("po1", "mailbox", "add", "amy");
        await OkAsync("po1", "mailbox", "set", "ann", "--display-name", "Ann Again");
        await OkAsync("po2", "mailbox", "add", "pia");
        await CycleAsync(["po1", "po2"], "po2");
        string[] everyone = ["al", "amy", "ann", "pat", "pia"];
        Assert.Equal(everyone, await AliasesAsync("po1"));
        Assert.Equal(everyone, await AliasesAsync("po2"));
        Assert.Equal("Ann Again", (await RecipientAsync("po2", "ann")).GetProperty("displayName").GetString());
        var po1After = await StatusAsync("po1");
        Assert.Equal(po1Before.ReqSync + 2, po1After.ReqSync);
        Assert.True(po1After.SrvSync > po1Before.SrvSync, $"SrvSync {po1Before.SrvSync} → {po1After.SrvSync}");
        var server = JsonDocument.Parse(await OkAsync("po2", "server", "status", "--json")).RootElement;
        Assert.Equal(po1After.SrvSync, server.GetProperty("highestSrvSync").GetInt64());

        // The old server's postoffice joins as a requestor of the new one, with a user of its own.
        Directory.CreateDirectory(_folder.File("hubpo-in"));
        await OkAsync("po2", "server", "add-requestor", "NET/HUB", "--inbox", "hubpo-in", "--password", "pw0");
        await OkAsync("hub", "requestor", "enable", "--name", "NET/HUB", "--inbox", "hubpo-in", "--server-inbox", "new-hub-in", "--password", "pw0");
        await OkAsync("hub", "mailbox", "add", "hank");
        await CycleAsync(["hub", "po1", "po2"], "po2");
        await CycleAsync(["hub", "po1", "po2"], "po2");
        string[] all = ["al", "amy", "ann", "hank", "pat", "pia"];
        Assert.Equal(all, await AliasesAsync("po1"));
        Assert.Equal(all, await AliasesAsync("po2"));
        Assert.Equal(all, await AliasesAsync("hub"));
        Assert.Equal(annAtPo2, (await RecipientAsync("po2", "ann")).GetProperty("guid").GetString());
    }

    [Fact]
    public async Task TakeOver_RequestorNotCaughtUp_IsRefusedAndNeitherStoreChanges()
    {
        await SetUpAsync();
        await CycleAsync(["po1", "po2"], "hub");
        await OkAsync("po1", "mailbox", "add", "al");
        await OkAsync("po1", "requestor", "send");
        await OkAsync("hub", "server", "receive");
        var hubBefore = await OkAsync("hub", "server", "status", "--json");
        Directory.CreateDirectory(_folder.File("new-hub-in"));

        var refused = await RunAsync("po2", "server", "take-over", "--from", "hub.db", "--inbox", "new-hub-in");

        var po2 = await StatusAsync("po2");
        var hub = JsonDocument.Parse(hubBefore).RootElement.GetProperty("highestSrvSync").GetInt64();
        Assert.Equal(
            (3, $"dirsync: NET/PO2 has received the master log up to {po2.SrvSync}, but NET/HUB's ends at {hub}: run a last cycle (T1, T2, T3) so it holds everything, then take over\n"),
            (refused.ExitCode, refused.Error));
        Assert.Equal(hubBefore, await OkAsync("hub", "server", "status", "--json"));
        Assert.Equal(3, (await RunAsync("po2", "server", "status")).ExitCode);
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

    private async Task CycleAsync(string[] requestors, string server)
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

    private async Task<(long ReqSync, long SrvSync)> StatusAsync(string store)
    {
        var status = JsonDocument.Parse(await OkAsync(store, "requestor", "status", "--json")).RootElement;
        return (status.GetProperty("reqSync").GetInt64(), status.GetProperty("srvSync").GetInt64());
    }

    private async Task<string[]> AliasesAsync(string store)
    {
        using var document = JsonDocument.Parse(await OkAsync(store, "recipients", "list", "--json"));
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("alias").GetString()!).Order(StringComparer.Ordinal)];
    }

    private async Task<JsonElement> RecipientAsync(string store, string alias) =>
        JsonDocument.Parse(await OkAsync(store, "recipients", "show", alias, "--json")).RootElement;

    private Task<CliResult> RunAsync(string store, params string[] args) =>
        CliRunner.RunAsync(_folder.Path, null, ["--store", store + ".db", .. args]);

    private async Task<string> OkAsync(string store, params string[] args)
    {
        var result = await RunAsync(store, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync --store {store}.db {string.Join(' ', args)}: {result}");
        return result.Out;
    }
}
