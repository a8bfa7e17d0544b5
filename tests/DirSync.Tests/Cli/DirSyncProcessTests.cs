using System.Text.Json;
using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Cli;

/// <summary>The real built dirsync, run as a child process: exit codes, environment, working folder and output streams.</summary>
public sealed class DirSyncProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunProcessAsync(_folder.Path, CliRunner.NoEnvironment, args);

    private Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        CliRunner.RunProcessAsync(_folder.Path, environment, args);

    private static void AssertSuccess(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Process_DefaultStore_IsDirsyncDbInTheWorkingFolder()
    {
        TestStores.SkipOnPostgres("which file a path names, or a SQLite connection holding the lock");
        var init = await RunAsync("init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        var add = await RunAsync("mailbox", "add", "Mailbox11");

        AssertSuccess(init);
        Assert.StartsWith($"Created store {_folder.File("dirsync.db")}\n", init.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(_folder.File("dirsync.db")));
        AssertSuccess(add);
        Assert.Equal("Created mailbox Mailbox11 (Mailbox11) USN 1: EDK:Mailbox11@Site1.Testorg.com, SMTP:Mailbox11@Site1.Testorg.com\n", add.Out);
    }

    [Fact]
    public async Task Process_StoreVariable_ChoosesTheStoreAndTheOptionOverridesIt()
    {
        TestStores.SkipOnPostgres("which file a path names, or a SQLite connection holding the lock");
        Directory.CreateDirectory(_folder.File("a"));
        Directory.CreateDirectory(_folder.File("b"));
        var a = _folder.File("a/site1.db");
        var b = _folder.File("b/site2.db");
        var environment = new Dictionary<string, string> { ["DIRSYNC_STORE"] = a };

        AssertSuccess(await RunAsync(environment, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1"));
        AssertSuccess(await RunAsync(environment, "--store", b, "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2"));
        var fromVariable = await RunAsync(environment, "info", "--json");
        var fromOption = await RunAsync(environment, "--store", b, "info", "--json");

        Assert.False(File.Exists(_folder.File("dirsync.db")));
        AssertSuccess(fromVariable);
        Assert.Equal((a, "Site1"), (CliJson.Parse(fromVariable.Out).GetProperty("store").GetString(), CliJson.Parse(fromVariable.Out).GetProperty("site").GetString()));
        AssertSuccess(fromOption);
        Assert.Equal((b, "Site2"), (CliJson.Parse(fromOption.Out).GetProperty("store").GetString(), CliJson.Parse(fromOption.Out).GetProperty("site").GetString()));
    }

    [Fact]
    public async Task Process_RelativeStoreVariable_StartsFromTheWorkingFolder()
    {
        TestStores.SkipOnPostgres("which file a path names, or a SQLite connection holding the lock");
        Directory.CreateDirectory(_folder.File("stores"));
        var environment = new Dictionary<string, string> { ["DIRSYNC_STORE"] = "stores/dir.db" };

        AssertSuccess(await RunAsync(environment, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1"));

        Assert.True(File.Exists(_folder.File("stores/dir.db")));
    }

    [Fact]
    public async Task Process_ExitCodes_FollowTheKindOfFailureWithOneLineOnStderrOnly()
    {
        TestStores.SkipOnPostgres("the messages about store files; PostgresStoreCommandTests have the database ones");
        AssertSuccess(await RunAsync("init", "--org", "Testorg", "--site", "Site1", "--server", "Server1"));
        AssertSuccess(await RunAsync("mailbox", "add", "Mailbox11"));
        var store = _folder.File("dirsync.db");
        var snapshot = await StoreSnapshot.TakeAsync(store);

        (string[] Args, int Exit, string Message)[] failures =
        [
            (["mailbox", "ad", "x"], 2, "unknown command 'ad' for 'dirsync mailbox'; did you mean 'add'? (see 'dirsync mailbox --help')"),
            (["address-template", "set", "SMTP", "%x@example.com"], 3, "invalid template '%x@example.com' for SMTP: unknown token '%x' at position 1; valid tokens are %g (given name), %s (surname), %d (display name), %m (alias), %i (initials), %% (a literal %), %rXY (replace X by Y in what follows; X = Y deletes X), with an optional length digit 1-9 as in %1g"),
            (["recipients", "show", "Ghost"], 4, "recipient 'Ghost' does not exist; see 'dirsync recipients list'"),
            (["mailbox", "add", "mailbox11"], 5, "the alias 'mailbox11' is already used by mailbox 'Mailbox11'; choose another alias"),
            (["init", "--org", "Testorg", "--site", "Site1", "--server", "Server1"], 5, $"'{store}' already exists; init never overwrites a store — choose another --store path or remove the file yourself"),
            (["--store", "missing.db", "info"], 6, $"no store at '{_folder.File("missing.db")}'; create one with 'dirsync init --org <Org> --site <Site> --server <Server>' or point --store (or DIRSYNC_STORE) at an existing store"),
            (["tombstones", "purge", "--older-than", "abc"], 2, "cannot parse argument 'abc' for option '--older-than' as expected type 'System.Double' (see 'dirsync tombstones purge --help')"),
        ];
        foreach (var (args, exit, message) in failures)
        {
            var result = await RunAsync(args);
            Assert.True(result.ExitCode == exit, $"dirsync {string.Join(' ', args)}: expected exit {exit}: {result}");
            Assert.Equal("", result.Out);
            Assert.Equal($"dirsync: {message}\n", result.Error);
        }

        Assert.Equal(snapshot, await StoreSnapshot.TakeAsync(store));
    }

    [Fact]
    public async Task Process_JsonOutput_IsUtf8JsonOnStdoutAndNothingOnStderr()
    {
        AssertSuccess(await RunAsync("init", "--org", "Testorg", "--site", "Site1", "--server", "Server1"));
        AssertSuccess(await RunAsync("mailbox", "add", "jmueller", "--given-name", "Jörg", "--surname", "Müller", "--attr", "info=日本語"));

        var result = await RunAsync("recipients", "list", "--json");

        AssertSuccess(result);
        var list = CliJson.Parse(result.Out);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Equal(
            ["jmueller | Jörg Müller | mailbox | Recipients | EDK:jmueller@Site1.Testorg.com,SMTP:jmueller@Site1.Testorg.com | (no target) | (local) | givenName=Jörg;sn=Müller;info=日本語 |  | 1/1"],
            list.EnumerateArray().Select(CliJson.DescribeRecipient));
        Assert.Contains("\"displayName\": \"Jörg Müller\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_Help_ExitsZeroOnStdout()
    {
        var result = await RunAsync("--help");

        AssertSuccess(result);
        Assert.StartsWith("Description:\n", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_SecondWriterHoldsTheStore_ExitsSevenWithOneLineAndTheStoreUnchanged()
    {
        TestStores.SkipOnPostgres("which file a path names, or a SQLite connection holding the lock");
        AssertSuccess(await RunAsync("init", "--org", "Testorg", "--site", "Site1", "--server", "Server1"));
        AssertSuccess(await RunAsync("mailbox", "add", "Mailbox11"));
        var store = _folder.File("dirsync.db");
        var snapshot = await StoreSnapshot.TakeAsync(store);
        var environment = new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "0.5" };

        CliResult add;
        CliResult template;
        CliResult read;
        await using (var writer = new SqliteConnection($"Data Source={store};Pooling=False"))
        {
            writer.Open();
            using var begin = writer.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();

            add = await RunAsync(environment, "mailbox", "add", "Mailbox12");
            template = await RunAsync(environment, "address-template", "set", "SMTP", "%m@Testorg.com");
            read = await RunAsync(environment, "recipients", "list", "--json");
        }

        var busy = $"dirsync: the store '{store}' is being written by another process and stayed busy for 0.5 s; try again when it has finished\n";
        Assert.Equal((7, "", busy), (add.ExitCode, add.Out, add.Error));
        Assert.Equal((7, "", busy), (template.ExitCode, template.Out, template.Error));
        AssertSuccess(read);
        Assert.Equal(["Mailbox11"], CliJson.Parse(read.Out).EnumerateArray().Select(r => r.GetProperty("alias").GetString()));
        Assert.Equal(snapshot, await StoreSnapshot.TakeAsync(store));
        AssertSuccess(await RunAsync(environment, "mailbox", "add", "Mailbox12"));
    }
}
