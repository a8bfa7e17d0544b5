using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>Moving the dir-sync server to another postoffice through the command: the numbers carry on, nobody is re-imported.</summary>
public sealed class HubMoveTests : IDisposable
{
    private readonly HubNetwork _network = new();

    public void Dispose() => _network.Dispose();

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
        Directory.CreateDirectory(_network.Folder.File("new-hub-in"));
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
        Directory.CreateDirectory(_network.Folder.File("hubpo-in"));
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
        Directory.CreateDirectory(_network.Folder.File("new-hub-in"));

        var refused = await RunAsync("po2", "server", "take-over", "--from", "hub.db", "--inbox", "new-hub-in");

        var po2 = await StatusAsync("po2");
        var hub = JsonDocument.Parse(hubBefore).RootElement.GetProperty("highestSrvSync").GetInt64();
        Assert.Equal(
            (3, $"dirsync: NET/PO2 has received the master log up to {po2.SrvSync}, but NET/HUB's ends at {hub}: run a last cycle (T1, T2, T3) so it holds everything, then take over\n"),
            (refused.ExitCode, refused.Error));
        Assert.Equal(hubBefore, await OkAsync("hub", "server", "status", "--json"));
        Assert.Equal(3, (await RunAsync("po2", "server", "status")).ExitCode);
    }

    private Task CycleAsync(string[] requestors, string server) => _network.CycleAsync(server, requestors);

    private Task<JsonElement> RecipientAsync(string store, string alias) => _network.RecipientAsync(store, alias);

    private async Task<(long ReqSync, long SrvSync)> StatusAsync(string store)
    {
        var status = JsonDocument.Parse(await OkAsync(store, "requestor", "status", "--json")).RootElement;
        return (status.GetProperty("reqSync").GetInt64(), status.GetProperty("srvSync").GetInt64());
    }

    private Task SetUpAsync() => _network.SetUpAsync();

    private Task<string[]> AliasesAsync(string store) => _network.AliasesAsync(store);

    private Task<CliResult> RunAsync(string store, params string[] args) => _network.RunAsync(store, args);

    private Task<string> OkAsync(string store, params string[] args) => _network.OkAsync(store, args);
}
