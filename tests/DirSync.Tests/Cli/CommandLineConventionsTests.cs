using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>What holds for every command alike: one exit code per kind of mistake, global options anywhere, errors as JSON with --json.</summary>
public sealed class CommandLineConventionsTests : IAsyncLifetime
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

    /// <summary>Usage mistakes of every kind, in many commands: each exits 2.</summary>
    public static TheoryData<string[], string> UsageMistakes() => new()
    {
        // A number out of range, or no number.
        { ["tombstones", "purge", "--older-than", "-1"], "--older-than must be a number of days from 0 to 36500 (such as 0.5), not '-1'" },
        { ["events", "--limit", "0"], "--limit must be a whole number of events from 1 to 100000, not '0'" },
        { ["gal", "search", "M", "--limit", "10001"], "--limit must be a whole number of entries from 1 to 10000, not '10001'" },
        { ["daemon", "--poll", "0"], "--poll must be a whole number of seconds from 1 to 3600, not '0'" },
        { ["server", "enable", "--inbox", "in", "--keep-updates", "3651"], "--keep-updates must be a whole number of days from 1 to 3650, not '3651'" },
        { ["schedule", "set", "T1", "daily", "18:00", "--window", "0"], "--window must be a whole number of minutes from 1 to 10080, not '0'" },
        { ["bulk", "import", "x.csv", "--skip-errors", "--batch-size", "0"], "--batch-size must be a whole number of rows from 1 to 10000000, not '0'" },
        { ["run", "EXP", "--allow-deletes", "x"], "--allow-deletes must be a whole number of recipients from 0 to 1000000000, not 'x'" },
        { ["server", "receive", "--allow-deletes", "-5"], "--allow-deletes must be a whole number of recipients from 0 to 1000000000, not '-5'" },
        { ["requestor", "import", "--allow-deletes", "1e99"], "--allow-deletes must be a whole number of recipients from 0 to 1000000000, not '1e99'" },
        { ["instance", "set", "EXP", "--delete-limit", "lots"], "--delete-limit 'lots' is neither a whole number of recipients nor 'default'" },
        { ["instance", "set", "EXP", "--mv-append", "maybe"], "unknown argument 'maybe' for 'dirsync instance set'" },

        // Not one of the listed choices.
        { ["recipients", "list", "--class", "bogus"], "argument 'bogus' not recognized. Must be one of: 'mailbox', 'custom-recipient', 'dl', 'distribution-list', 'remote'" },
        { ["kick", "T4"], "unknown event 'T4': use T1 (requestor send), T2 (server receive and send) or T3 (requestor receive, import and GAL rebuild)" },
        { ["events", "level", "loud"], "unknown diagnostic level 'loud'; use none, minimum, medium or maximum" },

        // Two options that exclude each other.
        { ["run", "EXP", "--export", "--import"], "give --export or --import, not both (without either, the instance does what it is set to do)" },
        { ["instance", "set", "EXP", "--export", "--both"], "give only one of --export, --import and --both" },
        { ["bulk", "import", "x.csv", "--stop-on-error", "--skip-errors"], "give --stop-on-error or --skip-errors, not both" },
        { ["server", "add-requestor", "NET/PO1", "--inbox", "in", "--password", "a", "--password-file", "b"], "give --password or --password-file, not both" },

        // Something required missing.
        { ["init", "--org", "O", "--site", "S"], "option '--server' is required" },
        { ["server", "enable"], "option '--inbox' is required" },
        { ["mailbox", "set", "Mailbox11"], "nothing to change; give at least one option (see --help)" },
        { ["schedule", "set", "T1", "daily"], "a schedule needs a time of day: dirsync schedule set T1 daily <HH:MM>" },
    };

    [Theory]
    [MemberData(nameof(UsageMistakes))]
    public async Task UsageMistake_ExitsTwoInEveryCommand(string[] args, string message)
    {
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.StartsWith($"dirsync: {message}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    public static TheoryData<string[]> GlobalOptionPositions() => new()
    {
        { ["--store", "{store}", "--json", "info"] },
        { ["--json", "--store", "{store}", "info"] },
        { ["info", "--store", "{store}", "--json"] },
        { ["--store", "{store}", "info", "--json"] },
        { ["--json", "info", "--store", "{store}"] },
    };

    [Theory]
    [MemberData(nameof(GlobalOptionPositions))]
    public async Task GlobalOptions_AnyPosition_GiveTheSameResult(string[] args)
    {
        var result = await CliRunner.RunAsync(Path.GetTempPath(), CliRunner.NoEnvironment, [.. args.Select(a => a == "{store}" ? _store.Path : a)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(TestStores.Shown(_store.Path), CliJson.Parse(result.Out).GetProperty("store").GetString());
    }

    [Fact]
    public async Task GlobalOptions_BeforeANestedCommand_AreTakenToo()
    {
        var result = await CliRunner.RunAsync(Path.GetTempPath(), CliRunner.NoEnvironment, "--json", "--store", _store.Path, "recipients", "show", "Mailbox11");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Mailbox11", CliJson.Parse(result.Out).GetProperty("alias").GetString());
    }

    [Fact]
    public async Task Error_WithJson_IsOneJsonObjectOnStderrWithCodeKindAndMessage()
    {
        var result = await _store.RunAsync("--json", "recipients", "show", "Ghost");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal(
            "{\"code\":4,\"error\":\"not-found\",\"message\":\"recipient 'Ghost' does not exist; see 'dirsync recipients list'\"}\n",
            result.Error);
    }

    [Fact]
    public async Task UsageError_WithJsonAfterTheMistake_IsJsonToo()
    {
        var result = await _store.RunAsync("gal", "search", "M", "--limit", "x", "--json");

        Assert.Equal(2, result.ExitCode);
        using var error = JsonDocument.Parse(result.Error);
        Assert.Equal(2, error.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("usage", error.RootElement.GetProperty("error").GetString());
        Assert.Equal("--limit must be a whole number of entries from 1 to 10000, not 'x' (see 'dirsync gal search --help')", error.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Error_WithJson_KeepsControlCharactersOfTheInputInsideTheOneLine()
    {
        var result = await _store.RunAsync("--json", "mailbox", "add", "New", "--display-name", "two\nlines\u001b[31m");

        Assert.Equal(3, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var error = JsonDocument.Parse(result.Error);
        Assert.Equal("invalid-value", error.RootElement.GetProperty("error").GetString());
        Assert.Contains("two\nlines\u001b[31m", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_WithoutJson_IsThePlainLine()
    {
        var result = await _store.RunAsync("recipients", "show", "Ghost");

        CommandRunnerTests.AssertError(result, 4, "recipient 'Ghost' does not exist; see 'dirsync recipients list'");
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var result = await CliRunner.RunProcessAsync(Path.GetTempPath(), CliRunner.NoEnvironment, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Out);
        Assert.Equal("", result.Error);
    }
}
