using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>Every command of the tree, run with <c>--json</c> in one working scenario, prints one JSON document and nothing else.</summary>
public sealed class JsonEveryCommandTests : IDisposable
{
    /// <summary>Commands run elsewhere with --json, because they run until stopped.</summary>
    private static readonly Dictionary<string, string> RunElsewhere = new(StringComparer.Ordinal)
    {
        ["daemon"] = "runs until SIGTERM; DaemonProcessTests reads its JSON lines",
        ["server take-over"] = "needs a second server's store; HubMoveTests reads its JSON",
        ["serve"] = "runs until SIGTERM; its JSON is /api/status, read by ServeHubEndToEndTests and StatusPageBrowserTests",
    };

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EveryCommand_WithJson_PrintsOneJsonDocument()
    {
        var site = _folder.File("site.db");
        var hub = _folder.File("hub.db");
        foreach (var dir in new[] { "hub-in", "po1-in" })
        {
            Directory.CreateDirectory(_folder.File(dir));
        }

        (string Store, string[] Args)[] steps =
        [
            (site, ["init", "--org", "Testorg", "--site", "Site1", "--server", "Server1"]),
            (site, ["info"]),
            (site, ["container", "add", "Recipients/Sales"]),
            (site, ["container", "list"]),
            (site, ["mailbox", "add", "M1", "--container", "Recipients/Sales"]),
            (site, ["mailbox", "set", "M1", "--display-name", "Mailbox One"]),
            (site, ["custom-recipient", "add", "C1", "--target-address", "SMTP:c1@example.com"]),
            (site, ["custom-recipient", "set", "C1", "--display-name", "Contact One"]),
            (site, ["dl", "add", "L1", "--member", "M1"]),
            (site, ["dl", "set", "L1", "--add-member", "C1"]),
            (site, ["recipients", "list"]),
            (site, ["recipients", "show", "M1"]),
            (site, ["address-template", "list"]),
            (site, ["address-template", "set", "SMTP", "%m@example.com"]),
            (site, ["attributes"]),
            (site, ["bulk", "export", "out.csv"]),
            (site, ["bulk", "import", "out.csv"]),
            (site, ["instance", "set", "EXP", "--export", "--file", "exp.ldif"]),
            (site, ["instance", "list"]),
            (site, ["instance", "show", "EXP"]),
            (site, ["run", "EXP"]),
            (site, ["instance", "remove", "EXP"]),
            (site, ["gal", "rebuild"]),
            (site, ["gal", "list"]),
            (site, ["gal", "search", "Mai"]),
            (site, ["dl", "remove", "L1"]),
            (site, ["custom-recipient", "remove", "C1"]),
            (site, ["tombstones", "purge", "--older-than", "0"]),
            (site, ["events", "level", "maximum"]),
            (site, ["events", "level"]),
            (hub, ["init", "--org", "Testorg", "--site", "Hub", "--server", "Hub1"]),
            (hub, ["server", "enable", "--inbox", "hub-in"]),
            (hub, ["server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw"]),
            (site, ["requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw"]),
            (site, ["requestor", "status"]),
            (site, ["requestor", "send"]),
            (hub, ["server", "receive"]),
            (hub, ["server", "send"]),
            (hub, ["server", "status"]),
            (hub, ["status"]),
            (site, ["requestor", "receive"]),
            (site, ["requestor", "import"]),
            (site, ["requestor", "request-import"]),
            (site, ["schedule", "set", "T1", "daily", "18:00"]),
            (site, ["schedule", "list"]),
            (site, ["kick", "T1"]),
            (hub, ["server", "resync", "--out", "resync.dat"]),
            (site, ["requestor", "apply-resync", "resync.dat"]),
            (site, ["requestor", "reset"]),
            (hub, ["server", "reset-requestor", "NET/PO1"]),
            (hub, ["server", "remove-requestor", "NET/PO1"]),
            (site, ["mailbox", "remove", "M1"]),
            (site, ["events"]),
            (site, ["store", "check"]),
            (site, ["store", "copy", "--to", "copy.db"]),
        ];

        var covered = new HashSet<string>(RunElsewhere.Keys, StringComparer.Ordinal);
        foreach (var (store, args) in steps)
        {
            var result = await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, ["--store", store, "--json", .. args]);

            var shown = $"dirsync {string.Join(' ', args)} --json: {result}";
            covered.Add(CommandPath(args));
            if (TestStores.OnPostgres && CommandPath(args) == "store check")
            {
                // SQLite's integrity check: on a PostgreSQL store the command refuses, as one JSON error.
                Assert.Equal(3, result.ExitCode);
                Assert.Equal(3, JsonDocument.Parse(result.Error).RootElement.GetProperty("code").GetInt32());
                continue;
            }

            Assert.True(result.ExitCode == 0, shown);
            Assert.True(result.Error.Length == 0, shown);
            using (var document = JsonDocument.Parse(result.Out))
            {
                Assert.True(document.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array, shown);
            }

            Assert.EndsWith("\n", result.Out, StringComparison.Ordinal);
        }

        var root = CommandTree.Build();
        var missing = CommandTree.Runnable(root).Select(c => c.Path).Where(p => !covered.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "not run with --json here: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Times_InJson_AreIso8601Utc()
    {
        var site = _folder.File("site.db");
        await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", site, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", site, "mailbox", "add", "M1");

        var info = CliJson.Parse((await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", site, "--json", "info")).Out);
        var recipient = CliJson.Parse((await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", site, "--json", "recipients", "show", "M1")).Out);

        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$", info.GetProperty("created").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$", recipient.GetProperty("whenCreated").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$", recipient.GetProperty("whenChanged").GetString());
    }

    private static string CommandPath(string[] args)
    {
        var (command, used) = CommandTree.Resolve(CommandTree.Build(), args);
        return string.Join(' ', args.Take(used));
    }
}
