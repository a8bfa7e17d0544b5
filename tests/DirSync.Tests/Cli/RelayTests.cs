using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>Relaying through the command: what a store imported is passed on, with its origin kept, around a chain, a ring and the hub.</summary>
public sealed class RelayTests : IDisposable
{
    private const string Classes = "mailbox,custom-recipient";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Relay_ChainAToBToC_CReachesAsMailboxesThroughBWithTheirOriginAndRoute()
    {
        await SiteAsync("a", "SiteA", "alice", "al");
        await SiteAsync("b", "SiteB", "bob");
        await SiteAsync("c", "SiteC", "carol");
        await OkAsync("a", "instance", "set", "AB", "--export", "--file", "ab.ldif");
        await OkAsync("b", "instance", "set", "FROMA", "--import", "--file", "ab.ldif");
        await OkAsync("b", "instance", "set", "BC", "--export", "--file", "bc.ldif", "--classes", Classes, "--relay");
        await OkAsync("c", "instance", "set", "FROMB", "--import", "--file", "bc.ldif");

        await ChainAsync();
        var c = await RecipientsAsync("c");

        Assert.Equal(["al", "alice", "bob", "carol"], c.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("custom-recipient", "EDK:alice@SiteA.Testorg.com", "Testorg/SiteA/ServerA (AB)"), c["alice"]);
        Assert.Equal(("custom-recipient", "EDK:bob@SiteB.Testorg.com", "Testorg/SiteB/ServerB (BC)"), c["bob"]);

        // A change at A follows the chain; a delete too. Nothing else moves.
        await OkAsync("a", "mailbox", "set", "alice", "--display-name", "Alice Adams");
        await OkAsync("a", "mailbox", "remove", "al");
        await ChainAsync();
        c = await RecipientsAsync("c");
        Assert.Equal(["alice", "bob", "carol"], c.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Alice Adams", await DisplayNameAsync("c", "alice"));

        // A second pass with nothing changed writes nothing anywhere.
        var runs = await ChainJsonAsync();
        Assert.All(runs, run => Assert.Equal((0L, 0L, 0L), (run.GetProperty("added").GetInt64(), run.GetProperty("modified").GetInt64(), run.GetProperty("deleted").GetInt64())));
    }

    [Fact]
    public async Task Relay_RingAToBToCToA_EveryStoreHoldsEveryMailboxOnceAndNoneOfItsOwnComesBack()
    {
        await SiteAsync("a", "SiteA", "alice");
        await SiteAsync("b", "SiteB", "bob");
        await SiteAsync("c", "SiteC", "carol");
        foreach (var (from, to) in new[] { ("a", "b"), ("b", "c"), ("c", "a") })
        {
            await OkAsync(from, "instance", "set", "TO" + to.ToUpperInvariant(), "--export", "--file", $"{from}{to}.ldif", "--classes", Classes, "--relay");
            await OkAsync(to, "instance", "set", "FROM" + from.ToUpperInvariant(), "--import", "--file", $"{from}{to}.ldif");
        }

        // Two turns of the ring carry every mailbox all the way round; a third changes nothing.
        var runs = new List<JsonElement>();
        for (var turn = 0; turn < 3; turn++)
        {
            foreach (var (from, to) in new[] { ("a", "b"), ("b", "c"), ("c", "a") })
            {
                await OkAsync(from, "run", "TO" + to.ToUpperInvariant());
                runs.Add(JsonDocument.Parse(await OkAsync(to, "run", "FROM" + from.ToUpperInvariant(), "--json")).RootElement);
            }
        }

        Assert.All(runs[6..], run => Assert.Equal((0L, 0L, 0L), (run.GetProperty("added").GetInt64(), run.GetProperty("modified").GetInt64(), run.GetProperty("deleted").GetInt64())));

        // The first time round, A met Alice again as a relayed record from C, and knew her as its own.
        var back = runs[2];
        Assert.Equal((2L, 1L), (back.GetProperty("added").GetInt64(), back.GetProperty("unchanged").GetInt64()));
        Assert.Equal(["'alice' was not created: it is this store's own 'alice', come back around a loop"], back.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));

        foreach (var (store, own) in new[] { ("a", "alice"), ("b", "bob"), ("c", "carol") })
        {
            var all = await RecipientsAsync(store);
            Assert.Equal(["alice", "bob", "carol"], all.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("mailbox", all[own].Class);
        }

        // Alice reached C through B, her origin kept.
        Assert.Equal(("custom-recipient", "EDK:alice@SiteA.Testorg.com", "Testorg/SiteA/ServerA (TOB)"), (await RecipientsAsync("c"))["alice"]);
    }

    [Fact]
    public async Task Relay_RequestorRelaysAGatewaysUsers_TheOtherPostofficesGetThemFromTheHub()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("po1-in"));
        Directory.CreateDirectory(_folder.File("po2-in"));
        await OkAsync("hub", "init", "--org", "Corp", "--site", "Hub", "--server", "HubServer");
        await OkAsync("hub", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await OkAsync("hub", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw1");
        await OkAsync("hub", "server", "add-requestor", "NET/PO2", "--inbox", "po2-in", "--password", "pw2");
        await SiteAsync("po1", "Site1", "ann");
        await SiteAsync("po2", "Site2", "pat");
        await OkAsync("po1", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw1");
        await OkAsync("po2", "requestor", "enable", "--name", "NET/PO2", "--inbox", "po2-in", "--server-inbox", "hub-in", "--password", "pw2");

        // PO1 is the gateway's postoffice: an instance imports the gateway's users.
        await SiteAsync("gw", "Gateway", "gary");
        await OkAsync("gw", "instance", "set", "OUT", "--export", "--file", "gw.ldif");
        await OkAsync("po1", "instance", "set", "GW", "--import", "--file", "gw.ldif", "--address-type", "SMTP");
        await OkAsync("gw", "run", "OUT");
        await OkAsync("po1", "run", "GW");

        await CycleAsync();
        Assert.Equal(["ann", "pat"], (await RecipientsAsync("po2")).Keys.Order(StringComparer.Ordinal));

        // With relaying on, the next T1 sends PO1's whole list, the gateway's users in it.
        Assert.Equal(
            $"Requestor NET/PO1: inbox {_folder.File("po1-in")}, server inbox {_folder.File("hub-in")}, address type SMTP, relays what its instances imported\n",
            await OkAsync("po1", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--relay"));
        await CycleAsync();
        var po2 = await RecipientsAsync("po2");
        Assert.Equal(["ann", "gary", "pat"], po2.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("custom-recipient", "SMTP:gary@Gateway.Corp.com", "NET/PO1"), po2["gary"]);

        // The gateway's changes follow incrementally; turned off, relaying takes them back.
        await OkAsync("gw", "mailbox", "set", "gary", "--display-name", "Gary Gate");
        await OkAsync("gw", "run", "OUT");
        await OkAsync("po1", "run", "GW");
        await CycleAsync();
        Assert.Equal("Gary Gate", await DisplayNameAsync("po2", "gary"));
        await OkAsync("po1", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--relay", "false");
        await CycleAsync();
        Assert.Equal(["ann", "pat"], (await RecipientsAsync("po2")).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InstanceSet_ScopeWidenedThenNarrowed_NextRunIsFullAndTheImporterFollows()
    {
        await SiteAsync("a", "SiteA", "alice");
        await SiteAsync("b", "SiteB");
        await OkAsync("a", "custom-recipient", "add", "joe", "--target-address", "SMTP:joe@example.com");
        await OkAsync("a", "instance", "set", "AB", "--export", "--file", "ab.ldif");
        await OkAsync("b", "instance", "set", "FROMA", "--import", "--file", "ab.ldif");
        await OkAsync("a", "run", "AB");
        await OkAsync("b", "run", "FROMA");
        Assert.Equal(["alice"], (await RecipientsAsync("b")).Keys);

        // Joe did not change, so an incremental export would never send him.
        Assert.Equal(
            $"Changed instance AB: exports Recipients to {_folder.File("ab.ldif")} (ldif)\n"
            + "The next run of AB exports in full, as its export scope changed (classes): what entered the scope arrives, and what left it is deleted at the importer.\n",
            await OkAsync("a", "instance", "set", "AB", "--classes", Classes));
        var widened = JsonDocument.Parse(await OkAsync("a", "run", "AB", "--json")).RootElement;
        await OkAsync("b", "run", "FROMA");
        Assert.Equal(("full", 2L), (widened.GetProperty("mode").GetString(), widened.GetProperty("added").GetInt64()));
        Assert.Equal(["alice", "joe"], (await RecipientsAsync("b")).Keys.Order(StringComparer.Ordinal));
        var next = JsonDocument.Parse(await OkAsync("a", "run", "AB", "--json")).RootElement;
        Assert.Equal("incremental", next.GetProperty("mode").GetString());
        await OkAsync("b", "run", "FROMA");

        await OkAsync("a", "instance", "set", "AB", "--classes", "mailbox");
        await OkAsync("a", "run", "AB");
        var narrowed = JsonDocument.Parse(await OkAsync("b", "run", "FROMA", "--json")).RootElement;
        Assert.Equal(1L, narrowed.GetProperty("deleted").GetInt64());
        Assert.Equal(["alice"], (await RecipientsAsync("b")).Keys);
    }

    private async Task ChainAsync() => await ChainJsonAsync();

    private async Task<List<JsonElement>> ChainJsonAsync()
    {
        var runs = new List<JsonElement>();
        await OkAsync("a", "run", "AB");
        runs.Add(JsonDocument.Parse(await OkAsync("b", "run", "FROMA", "--json")).RootElement);
        await OkAsync("b", "run", "BC");
        runs.Add(JsonDocument.Parse(await OkAsync("c", "run", "FROMB", "--json")).RootElement);
        return runs;
    }

    private async Task CycleAsync()
    {
        foreach (var po in new[] { "po1", "po2" })
        {
            await OkAsync(po, "requestor", "send");
        }

        await OkAsync("hub", "server", "receive");
        await OkAsync("hub", "server", "send");
        foreach (var po in new[] { "po1", "po2" })
        {
            await OkAsync(po, "requestor", "receive");
            await OkAsync(po, "requestor", "import");
        }
    }

    private async Task SiteAsync(string store, string site, params string[] mailboxes)
    {
        await OkAsync(store, "init", "--org", store is "hub" or "po1" or "po2" or "gw" ? "Corp" : "Testorg", "--site", site, "--server", site.Replace("Site", "Server", StringComparison.Ordinal));
        foreach (var alias in mailboxes)
        {
            await OkAsync(store, "mailbox", "add", alias);
        }
    }

    private async Task<Dictionary<string, (string Class, string? Target, string? ImportedFrom)>> RecipientsAsync(string store)
    {
        using var document = JsonDocument.Parse(await OkAsync(store, "recipients", "list", "--json"));
        return document.RootElement.EnumerateArray().ToDictionary(
            e => e.GetProperty("alias").GetString()!,
            e => (e.GetProperty("class").GetString()!, e.GetProperty("targetAddress").GetString(), e.GetProperty("importedFrom").GetString()));
    }

    private async Task<string> DisplayNameAsync(string store, string alias)
    {
        using var document = JsonDocument.Parse(await OkAsync(store, "recipients", "show", alias, "--json"));
        return document.RootElement.GetProperty("displayName").GetString()!;
    }

    private async Task<string> OkAsync(string store, params string[] args)
    {
        var result = await CliRunner.RunAsync(_folder.Path, null, ["--store", store + ".db", .. args]);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync --store {store}.db {string.Join(' ', args)}: {result}");
        return result.Out;
    }
}
