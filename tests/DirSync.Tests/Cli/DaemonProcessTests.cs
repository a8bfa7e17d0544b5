using System.Text.RegularExpressions;
using DirSync.Tests.Scheduling;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The real <c>dirsync daemon</c> as a child process: a kick from another process is run at the next poll, and SIGTERM stops it cleanly.</summary>
public sealed partial class DaemonProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Daemon_KickedT1FromAnotherProcess_DeliversAndStopsCleanlyOnSigterm()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows has no SIGTERM to send a console process");
        var store = _folder.File("po1.db");
        var serverInbox = Directory.CreateDirectory(_folder.File("hub-in")).FullName;
        Directory.CreateDirectory(_folder.File("po1-in"));
        foreach (var args in new[]
        {
            new[] { "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1" },
            ["requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "secret"],
            ["mailbox", "add", "alice"],
        })
        {
            var setup = await CliRunner.RunAsync(store, args);
            Assert.True(setup.ExitCode == 0, setup.ToString());
        }

        var environment = new Dictionary<string, string> { ["DIRSYNC_TIMEZONE"] = "Europe/Berlin" };
        await using var daemon = CliProcess.Start(_folder.Path, environment, "--store", store, "daemon", "--poll", "1");
        await daemon.WaitUntilAsync(() => daemon.OutLines.Count > 0, Timeout, "the daemon's first line");

        var kick = await CliRunner.RunProcessAsync(_folder.Path, environment, "--store", store, "kick", "T1");
        Assert.True(kick.ExitCode == 0, kick.ToString());
        await daemon.WaitUntilAsync(() => HubSites.Waiting(serverInbox) == 1 && daemon.OutLines.Count > 1, Timeout, "the kicked T1's message in the server inbox");
        var stopped = await daemon.TerminateAsync(Timeout);

        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Equal("", stopped.Error);
        var lines = stopped.Out.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal($"dirsync daemon on {TestStores.Shown(store)}: T1 not scheduled, T3 not scheduled; polls every 1 s; times are Europe/Berlin time; stop with Ctrl+C or SIGTERM", lines[0]);
        Assert.Matches(RunLine(), lines[1]);
        Assert.EndsWith(" 310 T1 (kicked): requestor send: 1 message, 1 update", lines[1], StringComparison.Ordinal);
        Assert.Equal(["dirsync daemon stopped", ""], lines[2..]);
        Assert.Equal(1, HubSites.Waiting(serverInbox));

        var list = await CliRunner.RunAsync(_folder.Path, environment, "--store", store, "schedule", "list", "--json");
        Assert.All(CliJson.Parse(list.Out).EnumerateArray(), row => Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("kickedAt").ValueKind));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00 310 ")]
    private static partial Regex RunLine();
}
