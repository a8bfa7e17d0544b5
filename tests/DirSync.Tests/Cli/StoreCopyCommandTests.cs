using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync store copy --to</c>: a whole store, to a new SQLite file or an empty PostgreSQL database, verified; never half a copy.</summary>
public sealed class StoreCopyCommandTests : IAsyncLifetime
{
    private const int Killed = 137;

    private readonly TempFolder _folder = new();
    private PostgresServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        var site = new Crash.CrashSite(_folder.Path);
        site.CreateFolders("hub-in", "po1-in", "own-in", "out");
        await site.InitAsync("hub.db", "Hub", "HubServer");
        await site.AddMailboxesAsync("hub.db", "user", 1, 4);
        await site.RunAsync("hub.db", "dl", "add", "Team", "--member", "user001", "--member", "user002");
        await site.RunAsync("hub.db", "mailbox", "remove", "user004");
        await site.RunAsync("hub.db", "container", "add", "Recipients/Sales");
        await site.RunAsync("hub.db", "address-template", "set", "X400", "c=US;a= ;p=Org;s=%s;");
        await site.RunAsync("hub.db", "instance", "set", "OUT", "--export", "--file", "out/SYNC1");
        await site.RunAsync("hub.db", "run", "OUT");
        await site.RunAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await site.RunAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await site.RunAsync("hub.db", "server", "add-requestor", "NET/HUB", "--inbox", "own-in", "--password", "pw");
        await site.RunAsync("hub.db", "requestor", "enable", "--name", "NET/HUB", "--inbox", "own-in", "--server-inbox", "hub-in", "--password", "pw");
        await site.RunAsync("hub.db", "requestor", "send");
        await site.RunAsync("hub.db", "server", "receive");
        await site.RunAsync("hub.db", "gal", "rebuild");
    }

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(_folder.Path, null, args);

    [Fact]
    public async Task Copy_ToPostgresAndBackToAFile_CarriesEveryTableAndTheSameChecksum()
    {
        var database = _server.Uri(await _server.CreateDatabaseAsync());

        var there = await RunAsync("--store", "hub.db", "store", "copy", "--to", database, "--json");
        var back = await RunAsync("--store", database, "store", "copy", "--to", "back.sqlite", "--json");
        var original = await RunAsync("--store", "hub.db", "recipients", "list", "--json");
        var copied = await RunAsync("--store", database, "recipients", "list", "--json");
        var returned = await RunAsync("--store", "back.sqlite", "recipients", "list", "--json");
        var originalInfo = await RunAsync("--store", "hub.db", "info", "--json");
        var returnedInfo = await RunAsync("--store", "back.sqlite", "info", "--json");
        var next = await RunAsync("--store", database, "mailbox", "add", "late");

        Assert.True(there.ExitCode == 0 && there.Error.Length == 0, there.ToString());
        Assert.True(back.ExitCode == 0 && back.Error.Length == 0, back.ToString());
        var first = CliJson.Parse(there.Out);
        var second = CliJson.Parse(back.Out);
        Assert.Equal(first.GetProperty("checksum").GetString(), second.GetProperty("checksum").GetString());
        Assert.Equal(first.GetProperty("tables").ToString(), second.GetProperty("tables").ToString());
        Assert.True(first.GetProperty("verified").GetBoolean());
        var tables = first.GetProperty("tables");
        foreach (var table in new[] { "store_info", "containers", "objects", "proxies", "members", "instances", "settings", "queue", "events", "gal", "address_templates" })
        {
            Assert.True(tables.GetProperty(table).GetInt64() > 0, $"the test store has no rows in {table}: {there.Out}");
        }

        Assert.Equal(2, tables.GetProperty("containers").GetInt64());
        Assert.Equal(5, tables.GetProperty("objects").GetInt64());
        Assert.Equal(1, tables.GetProperty("store_info").GetInt64());
        Assert.Equal(original.Out, returned.Out);
        Assert.Equal(original.Out, copied.Out);
        var highest = CliJson.Parse(originalInfo.Out).GetProperty("highestUsn").GetInt64();
        Assert.Equal($"Created mailbox late (late) USN {highest + 1}: EDK:late@Hub.Testorg.com, SMTP:late@Hub.Testorg.com, X400:c=US;a= ;p=Org;s=late;\n", next.Out);
        Assert.Equal(CliJson.Parse(originalInfo.Out).GetProperty("identity").GetString(), CliJson.Parse(returnedInfo.Out).GetProperty("identity").GetString());
    }

    [Fact]
    public async Task Copy_PrintsTheTablesAndTheChecksum()
    {
        var result = await RunAsync("--store", "hub.db", "store", "copy", "--to", "copy.db");

        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, result.ToString());
        var lines = result.Out.Split('\n');
        Assert.Matches($"^Copied {System.Text.RegularExpressions.Regex.Escape(TestStores.Shown(_folder.File("hub.db")))} to {System.Text.RegularExpressions.Regex.Escape(_folder.File("copy.db"))}: \\d+ rows, verified$", lines[0]);
        Assert.Equal(
            ["store_info", "containers", "objects", "proxies", "members", "instances", "settings", "queue", "events", "gal", "address_templates"],
            lines[1..12].Select(l => l.Trim().Split(' ')[0]));
        Assert.Matches("^  checksum sha256:[0-9a-f]{64} \\(the store and the copy alike\\)$", lines[12]);
    }

    [Fact]
    public async Task Copy_ToATargetThatIsNotEmpty_ExitsFiveAndLeavesItAlone()
    {
        var full = await _server.CreateDatabaseAsync();
        await RunAsync("--store", _server.Uri(full), "init", "--org", "Testorg", "--site", "Other", "--server", "Other");
        await File.WriteAllTextAsync(_folder.File("taken.db"), "mine");

        var toDatabase = await RunAsync("--store", "hub.db", "store", "copy", "--to", _server.Uri(full));
        var toFile = await RunAsync("--store", "hub.db", "store", "copy", "--to", "taken.db");

        Assert.Equal(
            (5, "", $"dirsync: '{_server.Uri(full)}' already holds a DirSync store; a copy goes only to an empty database\n"),
            (toDatabase.ExitCode, toDatabase.Out, toDatabase.Error));
        Assert.Equal(
            (5, "", $"dirsync: '{_folder.File("taken.db")}' already exists; a copy goes only to a new file — choose another path or remove it yourself\n"),
            (toFile.ExitCode, toFile.Out, toFile.Error));
        Assert.Equal(["Other"], await _server.QueryAsync(full, "SELECT site FROM store_info"));
        Assert.Equal("mine", await File.ReadAllTextAsync(_folder.File("taken.db")));
    }

    [Theory]
    [InlineData("postgresql")]
    [InlineData("sqlite")]
    public async Task Copy_KilledHalfway_LeavesTheTargetEmptyAndTheRerunCompletesIt(string target)
    {
        var database = await _server.CreateDatabaseAsync();
        var to = target == "postgresql" ? _server.Uri(database) : "copy.db";

        // The fifth table of eleven: store_info, containers, objects and proxies are written, members is next.
        var killed = await CliRunner.RunProcessAsync(_folder.Path, new Dictionary<string, string> { ["DIRSYNC_FAULT_AT"] = "4" }, "--store", "hub.db", "store", "copy", "--to", to);
        var tablesAfterKill = await _server.QueryAsync(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        var filesAfterKill = Directory.EnumerateFiles(_folder.Path, "copy.db*").ToList();
        var rerun = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "hub.db", "store", "copy", "--to", to, "--json");

        Assert.Equal(Killed, killed.ExitCode);
        Assert.Equal(["0"], tablesAfterKill);
        Assert.Empty(filesAfterKill);
        Assert.True(rerun.ExitCode == 0 && rerun.Error.Length == 0, rerun.ToString());
        Assert.True(CliJson.Parse(rerun.Out).GetProperty("verified").GetBoolean());
    }
}
