using System.Text;
using System.Text.Json;
using DirSync.Cli;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The event log as <c>dirsync events</c> shows it, what <c>run</c> writes to it, and what each level keeps.</summary>
public sealed class EventsCommandTests
{
    [Fact]
    public async Task Events_Piped_ShowsWholeMessagesAndOnATerminalCutsToItsWidthUnlessFull()
    {
        using var sites = await CliSites.CreateAsync();
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        var message = (await EventsAsync(sites.Server1)).Single(e => e.Code == 320).Message;
        Assert.True(message.Length > 100, message);

        var piped = await RunAsync(sites.Server1, null, "events");
        var terminal = await RunAsync(sites.Server1, 80, "events");
        var full = await RunAsync(sites.Server1, 80, "events", "--full");

        Assert.EndsWith(message + "\n", piped, StringComparison.Ordinal);
        Assert.EndsWith(message + "\n", full, StringComparison.Ordinal);
        var cut = terminal.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal(80, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.StartsWith(cut[..^1][cut.IndexOf("instance", StringComparison.Ordinal)..], message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LogsEachExportAndImportWithItsCounts_AndAFailure()
    {
        using var sites = await CliSites.CreateAsync();

        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        await sites.OkAsync(sites.Server2, "run", "INSTANCE2");
        await sites.OkAsync(sites.Server2, "run", "INSTANCE2", "--dry-run");
        File.Delete(sites.Sync1);
        var failed = await sites.RunAsync(sites.Server2, "run", "INSTANCE2");

        Assert.Equal(11, failed.ExitCode);
        var exported = Assert.Single(await EventsAsync(sites.Server1));
        Assert.Equal((320, "information"), (exported.Code, exported.Severity));
        Assert.Equal($"instance INSTANCE1 exported change set 1 (full, USN 0 to 3) to {sites.Sync1}: 3 added, 0 modified, 0 deleted", exported.Message);
        var events = await EventsAsync(sites.Server2);
        Assert.Equal([(321, "information"), (322, "error")], events.Select(e => (e.Code, e.Severity)));
        Assert.Equal("instance INSTANCE2 imported change set 1 (full) from Testorg/Site1/Server1: 3 added, 0 modified, 0 deleted, 0 unchanged", events[0].Message);
        Assert.Equal($"instance INSTANCE2: the import failed: {failed.Error["dirsync: ".Length..].TrimEnd('\n')}", events[1].Message);
    }

    [Fact]
    public async Task LevelMaximum_LogsEveryAppliedRecordBesideWhatMediumLogs()
    {
        using var medium = await CliSites.CreateAsync();
        using var maximum = await CliSites.CreateAsync();
        await maximum.OkAsync(maximum.Server2, "events", "level", "maximum");

        foreach (var sites in new[] { medium, maximum })
        {
            await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
            await sites.OkAsync(sites.Server2, "run", "INSTANCE2");
        }

        var atMedium = await EventsAsync(medium.Server2);
        var atMaximum = await EventsAsync(maximum.Server2);
        Assert.Equal([321], atMedium.Select(e => e.Code));
        Assert.Equal([301, 301, 301, 321], atMaximum.Select(e => e.Code));
        Assert.Equal(
            [$"{medium.Sync1}: added Mailbox11", $"{medium.Sync1}: added Mailbox12", $"{medium.Sync1}: added Mailbox13"],
            atMaximum.Take(3).Select(e => e.Message.Replace(maximum.Sync1, medium.Sync1, StringComparison.Ordinal)));
        Assert.All(atMaximum.Take(3), e => Assert.Equal("detail", e.Severity));
        Assert.Equal(atMedium[0].Message.Replace(medium.Sync1, maximum.Sync1, StringComparison.Ordinal), atMaximum[3].Message);
    }

    private static async Task<List<(int Code, string Severity, string Message)>> EventsAsync(string store)
    {
        var result = await CliRunner.RunAsync(store, "events", "--json");
        Assert.Equal(0, result.ExitCode);
        return [.. CliJson.Parse(result.Out).EnumerateArray().Select(e => (e.GetProperty("code").GetInt32(), e.GetProperty("severity").GetString()!, e.GetProperty("message").GetString()!))];
    }

    // Runs dirsync in this process as if standard output were a terminal of the given width (null: a pipe).
    private static async Task<string> RunAsync(string store, int? terminalWidth, params string[] args)
    {
        var stdout = new MemoryStream();
        var folder = Path.GetDirectoryName(store)!;
        var io = new CliIo(stdout, new StringWriter(), _ => null, folder) { OutTerminalWidth = terminalWidth };
        var (mapped, _) = await TestStores.MapAsync(folder, ["--store", store, .. args], null);
        Assert.Equal(0, await DirSyncCommand.RunAsync(mapped, io));
        return Encoding.UTF8.GetString(stdout.ToArray());
    }
}
