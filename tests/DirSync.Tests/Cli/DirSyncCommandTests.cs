using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The command line itself: usage errors (exit 2) with suggestions, and help.</summary>
public sealed class DirSyncCommandTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await CliStore.InitAsync();
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    public static TheoryData<string[], string> UsageErrors() => new()
    {
        { [], "required command was not provided (see 'dirsync --help')" },
        { ["mailbox"], "required command was not provided (see 'dirsync mailbox --help')" },
        { ["bogus"], "unknown command 'bogus' for 'dirsync' (see 'dirsync --help')" },
        { ["mailbx", "add", "New"], "unknown command 'mailbx' for 'dirsync'; did you mean 'mailbox'? (see 'dirsync --help')" },
        { ["mailbox", "ad", "New"], "unknown command 'ad' for 'dirsync mailbox'; did you mean 'add'? (see 'dirsync mailbox --help')" },
        { ["recipients", "lst"], "unknown command 'lst' for 'dirsync recipients'; did you mean 'list'? (see 'dirsync recipients --help')" },
        { ["adress-template", "list"], "unknown command 'adress-template' for 'dirsync'; did you mean 'address-template'? (see 'dirsync --help')" },
        { ["mailbox", "add", "New", "--dispaly-name", "X"], "unknown option '--dispaly-name' for 'dirsync mailbox add'; did you mean '--display-name'? (see 'dirsync mailbox add --help')" },
        { ["mailbox", "add", "New", "--colour", "red"], "unknown option '--colour' for 'dirsync mailbox add' (see 'dirsync mailbox add --help')" },
        { ["mailbox", "add", "New", "--alias", "Other"], "unknown option '--alias' for 'dirsync mailbox add' (see 'dirsync mailbox add --help')" },
        { ["mailbox", "add", "New", "--member", "Mailbox11"], "unknown option '--member' for 'dirsync mailbox add' (see 'dirsync mailbox add --help')" },
        { ["dl", "add", "New", "--add-member", "Mailbox11"], "unknown option '--add-member' for 'dirsync dl add'; did you mean '--member'? (see 'dirsync dl add --help')" },
        { ["mailbox", "add", "New", "--target-address", "SMTP:x@example.net"], "unknown option '--target-address' for 'dirsync mailbox add' (see 'dirsync mailbox add --help')" },
        { ["mailbox", "add", "New", "Extra"], "unknown argument 'Extra' for 'dirsync mailbox add' (see 'dirsync mailbox add --help')" },
        { ["mailbox", "add"], "required argument 'alias' missing for command: 'add' (see 'dirsync mailbox add --help')" },
        { ["custom-recipient", "add", "New"], "option '--target-address' is required (see 'dirsync custom-recipient add --help')" },
        { ["recipients", "list", "--class", "bogus"], "argument 'bogus' not recognized. Must be one of: 'mailbox', 'custom-recipient', 'dl', 'distribution-list', 'remote' (see 'dirsync recipients list --help')" },
        { ["tombstones", "purge", "--older-than", "-1"], "--older-than must be a number of days from 0 to 36500 (see 'dirsync tombstones purge --help')" },
        { ["tombstones", "purge", "--older-than", "36501"], "--older-than must be a number of days from 0 to 36500 (see 'dirsync tombstones purge --help')" },
        { ["tombstones", "purge", "--older-than", "NaN"], "--older-than must be a number of days from 0 to 36500 (see 'dirsync tombstones purge --help')" },
        { ["tombstones", "purge", "--older-than", "abc"], "cannot parse argument 'abc' for option '--older-than' as expected type 'System.Double' (see 'dirsync tombstones purge --help')" },
        { ["mailbox", "ad\nd", "New"], "unknown command 'ad\\nd' for 'dirsync mailbox'; did you mean 'add'? (see 'dirsync mailbox --help')" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Run_UsageError_ExitsTwoWithOneLineAndLeavesTheStoreUnchanged(string[] args, string message)
    {
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync(args);

        CommandRunnerTests.AssertError(result, 2, message);
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task Run_Help_PrintsUsageOnStdoutAndExitsZero()
    {
        var result = await _store.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.StartsWith("Description:\n  DirSync keeps the address books of mail systems and directories in sync.\n", result.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "init", "info", "mailbox", "custom-recipient", "dl", "recipients", "address-template", "container", "tombstones", "attributes" })
        {
            Assert.Matches($"\n  {command} +[A-Z]", result.Out);
        }
    }

    [Fact]
    public async Task Run_HelpOfASubcommand_ListsItsOptions()
    {
        var result = await _store.RunAsync("dl", "set", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--alias", "--display-name", "--given-name", "--surname", "--container", "--member", "--add-member", "--remove-member", "--attr", "--json", "--store" })
        {
            Assert.Contains($"  {option} ", result.Out, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("--target-address", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StoreOptionAfterTheCommand_IsAcceptedToo()
    {
        var result = await CliRunner.RunAsync(_store.Folder.Path, CliRunner.NoEnvironment, "recipients", "list", "--store", _store.Path, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Mailbox11"], CliJson.Parse(result.Out).EnumerateArray().Select(r => r.GetProperty("alias").GetString()));
    }

    [Fact]
    public async Task Run_StoreVariable_IsUsedWithoutTheOption()
    {
        var environment = new Dictionary<string, string> { ["DIRSYNC_STORE"] = _store.Path };

        var result = await CliRunner.RunAsync(Path.GetTempPath(), environment, "recipients", "show", "Mailbox11", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Mailbox11", CliJson.Parse(result.Out).GetProperty("alias").GetString());
    }

    [Fact]
    public async Task Run_StoreOption_WinsOverTheVariable()
    {
        var environment = new Dictionary<string, string> { ["DIRSYNC_STORE"] = _store.Folder.File("elsewhere.db") };

        var result = await CliRunner.RunAsync(_store.Folder.Path, environment, "--store", _store.Path, "info", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TestStores.Shown(_store.Path), CliJson.Parse(result.Out).GetProperty("store").GetString());
    }

    [Fact]
    public async Task Run_RelativeStorePaths_StartFromTheWorkingFolder()
    {
        TestStores.SkipOnPostgres("how a relative file path is resolved");
        var environment = new Dictionary<string, string> { ["DIRSYNC_STORE"] = "dirsync.db" };

        var byVariable = await CliRunner.RunAsync(_store.Folder.Path, environment, "info", "--json");
        var byOption = await CliRunner.RunAsync(_store.Folder.Path, CliRunner.NoEnvironment, "--store", "dirsync.db", "info", "--json");
        var byDefault = await CliRunner.RunAsync(_store.Folder.Path, CliRunner.NoEnvironment, "info", "--json");

        Assert.Equal(_store.Path, CliJson.Parse(byVariable.Out).GetProperty("store").GetString());
        Assert.Equal(_store.Path, CliJson.Parse(byOption.Out).GetProperty("store").GetString());
        Assert.Equal(_store.Path, CliJson.Parse(byDefault.Out).GetProperty("store").GetString());
    }
}
