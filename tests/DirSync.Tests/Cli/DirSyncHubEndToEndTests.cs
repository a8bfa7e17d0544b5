using System.Globalization;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>
/// Dir-Sync through the real dirsync command: a server postoffice (its own requestor too), two MS-Mail-style
/// requestors and an Exchange-style one that applies replies as they arrive, through every phase of a life:
/// the first cycle, ordinary changes, a lost reply, a wrong password and a server restored from an old copy.
/// </summary>
public sealed class DirSyncHubEndToEndTests : IDisposable
{
    private const string Hq = "CORP/HQ";
    private const string A = "CORP/A";
    private const string B = "CORP/B";
    private const string X = "CORP/X";

    private static readonly Site[] Sites =
    [
        new("srv", Hq, "HQ", ApplyOnReceive: false),
        new("a", A, "A", ApplyOnReceive: false),
        new("b", B, "B", ApplyOnReceive: false),
        new("x", X, "X", ApplyOnReceive: true),
    ];

    private readonly TempFolder _folder = new();

    /// <summary>The users each postoffice has now: alias and display name.</summary>
    private readonly Dictionary<string, List<(string Alias, string DisplayName)>> _users = new()
    {
        [Hq] = [("Boss", "Big Boss"), ("Hal", "Hal Hope")],
        [A] = [("Ann", "Ann Archer"), ("Al", "Al Adams")],
        [B] = [("Bob", "Bob Baker"), ("Bea", "Bea Brown")],
        [X] = [("Xena", "Xena Xu"), ("Xi", "Xi Xiong")],
    };

    public void Dispose() => _folder.Dispose();

    private sealed record Site(string Dir, string Name, string SiteName, bool ApplyOnReceive)
    {
        public string Store => $"{Dir}/s.db";

        /// <summary>The requestor's inbox; the server store's requestor role has one beside the server's.</summary>
        public string Inbox => Dir == "srv" ? "srv/req-in" : $"{Dir}/in";
    }

    private static Site Of(string name) => Sites.Single(s => s.Name == name);

    private Task<CliResult> RunAsync(Site site, params string[] args) =>
        CliRunner.RunProcessAsync(_folder.Path, CliRunner.NoEnvironment, ["--store", site.Store, .. args]);

    private async Task<string> OkAsync(Site site, params string[] args)
    {
        var result = await RunAsync(site, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"{site.Name}: dirsync {string.Join(' ', args)}: {result}");
        return result.Out;
    }

    private async Task FailsAsync(Site site, int exitCode, string error, params string[] args)
    {
        var result = await RunAsync(site, args);
        Assert.True(result.ExitCode == exitCode, $"{site.Name}: dirsync {string.Join(' ', args)}: expected exit {exitCode}: {result}");
        Assert.Equal($"dirsync: {error}\n", result.Error);
    }

    private static Site Server => Sites[0];

    [Fact]
    public async Task Hub_FourPostofficesThroughChangesALostReplyAWrongPasswordAndARestoredServer_EveryGalAgreesWithNothingLostOrDoubled()
    {
        await SetUpAsync();

        // One cycle: every GAL holds all eight mailboxes, each postoffice's own as mailboxes and the rest as custom recipients.
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal(
            "highestSrvSync=8 cycle=1 purgedThrough=0 masterLogEntries=8 | CORP/A 2/8 reported 0 cycle 1 | CORP/B 2/8 reported 0 cycle 1 | CORP/HQ 2/8 reported 0 cycle 1 | CORP/X 2/8 reported 0 cycle 1",
            await StatusAsync());

        // Adds, renames and deletes on two requestors; one more cycle makes every GAL agree.
        await OkAsync(Of(A), "mailbox", "set", "Ann", "--display-name", "Ann Anders");
        await OkAsync(Of(A), "mailbox", "remove", "Al");
        await OkAsync(Of(A), "mailbox", "add", "Amy", "--display-name", "Amy Ames");
        await OkAsync(Of(B), "mailbox", "set", "Bob", "--alias", "Robert");
        await OkAsync(Of(B), "mailbox", "add", "Bert", "--display-name", "Bert Brook");
        await OkAsync(Of(B), "mailbox", "remove", "Bea");
        Rename(A, "Ann", "Ann", "Ann Anders");
        Remove(A, "Al");
        Add(A, "Amy", "Amy Ames");
        Rename(B, "Bob", "Robert", "Bob Baker");
        Add(B, "Bert", "Bert Brook");
        Remove(B, "Bea");
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal(
            "highestSrvSync=14 cycle=2 purgedThrough=0 masterLogEntries=14 | CORP/A 5/14 reported 8 cycle 2 | CORP/B 5/14 reported 8 cycle 2 | CORP/HQ 2/14 reported 8 cycle 2 | CORP/X 2/14 reported 8 cycle 2",
            await StatusAsync());

        // A reply lost in transit: CORP/A misses Bud until the next cycle, which sends it without doubling Abe.
        await OkAsync(Of(A), "mailbox", "add", "Abe", "--display-name", "Abe Ash");
        await OkAsync(Of(B), "mailbox", "add", "Bud", "--display-name", "Bud Best");
        Add(A, "Abe", "Abe Ash");
        Add(B, "Bud", "Bud Best");
        await SendAllAsync();
        await ServerAsync();
        var lost = Assert.Single(Directory.GetFiles(_folder.File("a/in"), "*.dsm"));
        File.Delete(lost);
        await ReceiveAllAsync();
        Assert.DoesNotContain(await GalAsync(Of(A)), e => e.StartsWith("Bud Best", StringComparison.Ordinal));
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal(
            "highestSrvSync=16 cycle=4 purgedThrough=0 masterLogEntries=16 | CORP/A 6/16 reported 14 cycle 4 | CORP/B 6/16 reported 16 cycle 4 | CORP/HQ 2/16 reported 16 cycle 4 | CORP/X 2/16 reported 16 cycle 4",
            await StatusAsync());

        // A requestor with the wrong password: refused (156) and set aside until the passwords agree again.
        await OkAsync(Of(B), "requestor", "enable", "--name", B, "--inbox", Of(B).Inbox, "--server-inbox", "srv/in", "--password", "WRONG");
        await OkAsync(Of(B), "mailbox", "add", "Bad", "--display-name", "Bad Pass");
        Add(B, "Bad", "Bad Pass");
        await SendAllAsync();
        var refused = Path.GetFileName(Assert.Single(Directory.GetFiles(_folder.File("srv/in"), "*.dsm"), f => File.ReadAllText(f).Contains("from: CORP/B", StringComparison.Ordinal)));
        await FailsAsync(
            Server,
            9,
            $"server receive: {refused} refused — 156: invalid Dir-Sync password from CORP/B: the message's proof does not match the password registered here; the administrators must agree on it ('dirsync server add-requestor' / 'dirsync requestor enable --password') (see 'dirsync events')",
            "server", "receive");
        await OkAsync(Server, "server", "send");
        await ReceiveAllAsync();
        Assert.Equal([refused, refused + ".reason.txt"], Directory.GetFiles(_folder.File("srv/in/rejected")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([156], await ErrorCodesAsync(Server));
        Assert.DoesNotContain(await GalAsync(Of(A)), e => e.StartsWith("Bad Pass", StringComparison.Ordinal));
        await OkAsync(Of(B), "requestor", "enable", "--name", B, "--inbox", Of(B).Inbox, "--server-inbox", "srv/in", "--password", "pw-B");
        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal(
            "highestSrvSync=17 cycle=6 purgedThrough=0 masterLogEntries=17 | CORP/A 6/17 reported 16 cycle 6 | CORP/B 7/17 reported 16 cycle 6 | CORP/HQ 2/17 reported 16 cycle 6 | CORP/X 2/17 reported 16 cycle 6",
            await StatusAsync());

        // The server is backed up; a cycle of changes later it is restored from that copy.
        var backup = BackUpServer();
        await OkAsync(Of(A), "mailbox", "add", "Ace", "--display-name", "Ace Avery");
        await OkAsync(Of(B), "mailbox", "remove", "Bud");
        await OkAsync(Of(X), "mailbox", "add", "Xu", "--display-name", "Xu Xin");
        Add(A, "Ace", "Ace Avery");
        Remove(B, "Bud");
        Add(X, "Xu", "Xu Xin");
        await CycleAsync();
        await AssertGalsAsync();
        RestoreServer(backup);

        // The next cycle: the requestors report SrvSync 20, the restored log ends at 18: 139 to each of them.
        await OkAsync(Of(A), "mailbox", "add", "Ada", "--display-name", "Ada Ames");
        Add(A, "Ada", "Ada Ames");
        await SendAllAsync();
        await ServerAsync();
        foreach (var site in new[] { Of(A), Of(B), Of(X) })
        {
            await FailsAsync(
                site,
                9,
                $"requestor receive: the server reports: 139: {site.Name} reports SrvSync 20 but the master log ends at 18: the server was restored from an older copy. Recover: on every requestor 'dirsync requestor send --full', let one T2 run, then 'dirsync server resync --out <file>' here and 'dirsync requestor apply-resync <file>' on each requestor (see 'dirsync events')",
                "requestor", "receive");
            Assert.Equal([139], await ErrorCodesAsync(site));
        }

        await OkAsync(Server, "requestor", "receive");
        await ImportAndRebuildAsync(Server);
        Assert.Equal([156, 139, 139, 139], await ErrorCodesAsync(Server));

        // The telltale in the status: SrvSync numbers beyond the highest the server has.
        Assert.Equal(
            "highestSrvSync=18 cycle=7 purgedThrough=0 masterLogEntries=18 | CORP/A 8/20 reported 20 cycle 7 | CORP/B 8/20 reported 20 cycle 7 | CORP/HQ 2/18 reported 17 cycle 7 | CORP/X 3/20 reported 20 cycle 7",
            await StatusAsync());

        // The recovery: an export from every postoffice, one T2, then the resync snapshot applied everywhere.
        await Task.WhenAll(Sites.Select(site => OkAsync(site, "requestor", "send", "--full")));

        await ServerAsync();
        await ReceiveAllAsync();
        await OkAsync(Server, "server", "resync", "--out", "resync.dsm");
        await Task.WhenAll(Sites.Select(async site =>
        {
            await OkAsync(site, "requestor", "apply-resync", "resync.dsm");
            await OkAsync(site, "gal", "rebuild");
        }));

        await CycleAsync();
        await AssertGalsAsync();
        Assert.Equal(
            "highestSrvSync=32 cycle=9 purgedThrough=0 masterLogEntries=32 | CORP/A 13/32 reported 32 cycle 9 | CORP/B 13/32 reported 32 cycle 9 | CORP/HQ 13/32 reported 32 cycle 9 | CORP/X 13/32 reported 32 cycle 9",
            await StatusAsync());

        // And the cycle after that is an ordinary one: new changes flow, nothing else moves.
        await OkAsync(Of(B), "mailbox", "add", "Bix", "--display-name", "Bix Bell");
        Add(B, "Bix", "Bix Bell");
        await CycleAsync();
        await AssertGalsAsync();
    }

    private async Task SetUpAsync()
    {
        Directory.CreateDirectory(_folder.File("srv/in"));
        foreach (var site in Sites)
        {
            Directory.CreateDirectory(_folder.File(site.Inbox));
        }

        await OkAsync(Server, "init", "--org", "Corp", "--site", "HQ", "--server", "ServerHQ");
        await OkAsync(Server, "server", "enable", "--inbox", "srv/in", "--name", Hq);
        foreach (var site in Sites)
        {
            await OkAsync(Server, "server", "add-requestor", site.Name, "--inbox", site.Inbox, "--password", "pw-" + site.SiteName);
        }

        await Task.WhenAll(Sites.Select(async site =>
        {
            if (site != Server)
            {
                await OkAsync(site, "init", "--org", "Corp", "--site", site.SiteName, "--server", "Server" + site.SiteName);
            }

            string[] enable = ["requestor", "enable", "--name", site.Name, "--inbox", site.Inbox, "--server-inbox", "srv/in", "--password", "pw-" + site.SiteName];
            await OkAsync(site, site.ApplyOnReceive ? [.. enable, "--apply-on-receive"] : enable);
            foreach (var (alias, displayName) in _users[site.Name])
            {
                await OkAsync(site, "mailbox", "add", alias, "--display-name", displayName);
            }
        }));
    }

    /// <summary>T1 everywhere, T2, T3 everywhere.</summary>
    private async Task CycleAsync()
    {
        await SendAllAsync();
        await ServerAsync();
        await ReceiveAllAsync();
    }

    /// <summary>T1 everywhere. Each postoffice is a store of its own, so they run side by side; the server takes their messages in whatever order they arrive.</summary>
    private Task SendAllAsync() => Task.WhenAll(Sites.Select(site => OkAsync(site, "requestor", "send")));

    private async Task ServerAsync()
    {
        await OkAsync(Server, "server", "receive");
        await OkAsync(Server, "server", "send");
    }

    /// <summary>T3: receive everywhere; the MS-Mail-style postoffices then import and rebuild their GAL, the Exchange-style one has applied on receive.</summary>
    private Task ReceiveAllAsync() => Task.WhenAll(Sites.Select(async site =>
    {
        await OkAsync(site, "requestor", "receive");
        if (!site.ApplyOnReceive)
        {
            await ImportAndRebuildAsync(site);
        }
    }));

    private async Task ImportAndRebuildAsync(Site site)
    {
        await OkAsync(site, "requestor", "import");
        await OkAsync(site, "gal", "rebuild");
    }

    private void Add(string postoffice, string alias, string displayName) => _users[postoffice].Add((alias, displayName));

    private void Remove(string postoffice, string alias) => _users[postoffice].RemoveAll(u => u.Alias == alias);

    private void Rename(string postoffice, string alias, string newAlias, string displayName)
    {
        Remove(postoffice, alias);
        Add(postoffice, newAlias, displayName);
    }

    /// <summary>What <paramref name="site"/>'s GAL must list: every postoffice's users, its own as mailboxes, the others' as custom recipients addressed to their owner.</summary>
    private List<string> ExpectedGal(Site site)
    {
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        return
        [
            .. _users
                .SelectMany(po => po.Value.Select(u => (Owner: Of(po.Key), u.Alias, u.DisplayName)))
                .OrderBy(e => e.DisplayName, Comparer<string>.Create((x, y) => compare.Compare(x, y, CompareOptions.IgnoreCase)))
                .Select(e => string.Join(
                    " | ",
                    e.DisplayName,
                    e.Alias,
                    e.Owner == site ? "mailbox" : "custom-recipient",
                    $"SMTP:{e.Alias}@{e.Owner.SiteName}.Corp.com",
                    e.Owner.Name)),
        ];
    }

    private async Task<List<string>> GalAsync(Site site)
    {
        var gal = CliJson.Parse(await OkAsync(site, "gal", "list", "--json"));
        return
        [
            .. gal.EnumerateArray().Select(e =>
            {
                Assert.Equal(["displayName", "alias", "class", "address", "postoffice"], e.EnumerateObject().Select(p => p.Name));
                return string.Join(" | ", e.EnumerateObject().Select(p => p.Value.GetString()));
            }),
        ];
    }

    private async Task AssertGalsAsync()
    {
        var gals = await Task.WhenAll(Sites.Select(GalAsync));
        foreach (var (site, gal) in Sites.Zip(gals))
        {
            Assert.True(ExpectedGal(site).SequenceEqual(gal), $"{site.Name}'s GAL:\n{string.Join('\n', gal)}\nexpected:\n{string.Join('\n', ExpectedGal(site))}");
        }
    }

    /// <summary>The server's status as one line: its numbers, then each requestor's ReqSync/SrvSync, reported SrvSync and last cycle.</summary>
    private async Task<string> StatusAsync()
    {
        var s = CliJson.Parse(await OkAsync(Server, "server", "status", "--json"));
        var requestors = s.GetProperty("requestors").EnumerateArray().Select(r =>
        {
            Assert.False(r.GetProperty("replyPending").GetBoolean());
            Assert.False(r.GetProperty("importRequested").GetBoolean());
            return $"{r.GetProperty("name").GetString()} {r.GetProperty("reqSync").GetInt64()}/{r.GetProperty("srvSync").GetInt64()} reported {r.GetProperty("reportedSrvSync").GetInt64()} cycle {r.GetProperty("lastCycle").GetInt64()}";
        });
        return string.Join(
            " | ",
            [
                $"highestSrvSync={s.GetProperty("highestSrvSync").GetInt64()} cycle={s.GetProperty("cycle").GetInt64()} purgedThrough={s.GetProperty("purgedThrough").GetInt64()} masterLogEntries={s.GetProperty("masterLogEntries").GetInt64()}",
                .. requestors,
            ]);
    }

    /// <summary>The codes of the error events a store logged, oldest first.</summary>
    private async Task<List<int>> ErrorCodesAsync(Site site)
    {
        var events = CliJson.Parse(await OkAsync(site, "events", "--json", "--limit", "1000"));
        return
        [
            .. events.EnumerateArray()
                .Where(e => e.GetProperty("severity").GetString() == "error")
                .OrderBy(e => e.GetProperty("id").GetInt64())
                .Select(e => e.GetProperty("code").GetInt32()),
        ];
    }

    private string BackUpServer()
    {
        var backup = _folder.File("backup");
        Directory.CreateDirectory(backup);
        foreach (var file in Directory.GetFiles(_folder.File("srv"), "s.db*"))
        {
            File.Copy(file, Path.Combine(backup, Path.GetFileName(file)));
        }

        if (TestStores.OnPostgres)
        {
            TestStores.CopyStoreAsync(_folder.File("srv/s.db"), Path.Combine(backup, "s.db")).GetAwaiter().GetResult();
        }

        return backup;
    }

    private void RestoreServer(string backup)
    {
        foreach (var file in Directory.GetFiles(_folder.File("srv"), "s.db*"))
        {
            File.Delete(file);
        }

        foreach (var file in Directory.GetFiles(backup))
        {
            File.Copy(file, _folder.File("srv/" + Path.GetFileName(file)));
        }

        if (TestStores.OnPostgres)
        {
            TestStores.CopyStoreAsync(Path.Combine(backup, "s.db"), _folder.File("srv/s.db")).GetAwaiter().GetResult();
        }
    }
}
