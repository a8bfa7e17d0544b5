using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>Two real dirsync processes on one store: a writer and an administrator, a daemon and an administrator.</summary>
/// <remarks>
/// The long writer is a bulk import of 3,000 rows held, by <c>DIRSYNC_FAULT_PAUSE_AT</c>, inside its transaction at
/// its 1,500th row for as long as the test needs: the overlap is certain, not a matter of timing.
/// </remarks>
public sealed class ConcurrencyTests : IDisposable
{
    private const int Rows = 3000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string StorePath => _folder.File("site1.db");

    [Fact]
    public async Task SecondWriter_WhileABulkImportWrites_WaitsItsTimeoutThenSucceedsOnceTheWriterEnds()
    {
        var site = new CrashSite(_folder.Path);
        await site.InitAsync("site1.db", "Site1", "Server1");
        var csv = new StringBuilder("Obj-Class,Common-Name,Display-Name,Title\n");
        for (var n = 1; n <= Rows; n++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Mailbox,bulk{n:0000},Bulk {n:0000},Title {n % 9}\n");
        }

        await File.WriteAllTextAsync(_folder.File("people.csv"), csv.ToString());
        var quick = new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "0.5" };
        var patient = new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "60" };
        var pause = _folder.File("pause");

        var writer = CliRunner.RunProcessAsync(
            _folder.Path,
            new Dictionary<string, string> { ["DIRSYNC_FAULT_PAUSE_AT"] = (Rows / 2).ToString(CultureInfo.InvariantCulture), ["DIRSYNC_FAULT_PAUSE_FILE"] = pause },
            "--store", "site1.db", "bulk", "import", "people.csv", "--json");
        await WaitForAsync(() => File.Exists(pause) && File.ReadAllText(pause).Length > 0, writer, "the bulk import's 1,500th row");
        Assert.Equal("store.add", File.ReadAllText(pause).Trim());

        // The writer holds the store: an administrator with a short wait gives up with one line; readers read on.
        var clock = Stopwatch.StartNew();
        var refused = await RunAsync(quick, "mailbox", "add", "admin1");
        var waited = clock.Elapsed;
        var read = await RunAsync(quick, "recipients", "list", "--json");
        var info = await RunAsync(quick, "info", "--json");

        // An administrator with a generous wait is still waiting when the writer finishes, then goes ahead.
        var second = RunAsync(patient, "mailbox", "add", "admin2");
        await Task.Delay(1000);
        var stillWaiting = !second.IsCompleted;
        File.Delete(pause);
        var written = await writer;
        var added = await second;
        var retried = await RunAsync(quick, "mailbox", "add", "admin1");

        Assert.Equal(
            (7, "", $"dirsync: the store '{TestStores.Shown(StorePath)}' is being written by another process and stayed busy for 0.5 s; try again when it has finished\n"),
            (refused.ExitCode, refused.Out, refused.Error));
        Assert.True(waited >= TimeSpan.FromSeconds(0.5), $"gave up after {waited.TotalSeconds:0.00} s, before its 0.5 s wait");
        Assert.Equal((0, "", "[]\n"), (read.ExitCode, read.Error, read.Out));
        Assert.Equal((0, ""), (info.ExitCode, info.Error));
        Assert.True(stillWaiting, "the administrator with a 60-second wait did not wait for the writer");
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Equal((Rows, 0L), (CliJson.Parse(written.Out).GetProperty("added").GetInt64(), CliJson.Parse(written.Out).GetProperty("rejected").GetInt64()));
        Assert.True(added.ExitCode == 0 && added.Error.Length == 0, added.ToString());
        Assert.Equal($"Created mailbox admin2 (admin2) USN {Rows + 1}: EDK:admin2@Site1.Testorg.com, SMTP:admin2@Site1.Testorg.com\n", added.Out);
        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal($"Created mailbox admin1 (admin1) USN {Rows + 2}: EDK:admin1@Site1.Testorg.com, SMTP:admin1@Site1.Testorg.com\n", retried.Out);
        Assert.Empty(await CrashSnapshot.ProblemsAsync(_folder.Path));
        Assert.Equal(Rows + 2, await CountRecipientsAsync(StorePath));
    }

    [Fact]
    public async Task GalRebuild_RecipientsAddedAfterItReadThemBeforeItCommits_PublishesTheGalOfTheStoreItCommitsTo()
    {
        var site = new CrashSite(_folder.Path);
        await site.InitAsync("site1.db", "Site1", "Server1");
        await site.AddMailboxesAsync("site1.db", "early", 1, 20);
        var pause = _folder.File("pause");

        // Held after it has read every recipient, before it takes the store's write lock.
        var rebuild = CliRunner.RunProcessAsync(
            _folder.Path,
            new Dictionary<string, string> { ["DIRSYNC_FAULT_PAUSE_AT"] = "1", ["DIRSYNC_FAULT_PAUSE_FILE"] = pause },
            "--store", "site1.db", "gal", "rebuild", "--json");
        await WaitForAsync(() => File.Exists(pause) && File.ReadAllText(pause).Length > 0, rebuild, "the rebuild's reading");
        Assert.Equal("gal.listed", File.ReadAllText(pause).Trim());
        await site.AddMailboxesAsync("site1.db", "late", 1, 5);
        await site.RunAsync("site1.db", "mailbox", "remove", "early001");
        File.Delete(pause);
        var rebuilt = await rebuild;

        Assert.True(rebuilt.ExitCode == 0 && rebuilt.Error.Length == 0, rebuilt.ToString());
        Assert.Equal(24, CliJson.Parse(rebuilt.Out).GetProperty("entries").GetInt64());
        var gal = CliJson.Parse((await RunAsync(null, "gal", "list", "--json")).Out);
        var aliases = gal.EnumerateArray().Select(e => e.GetProperty("alias").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([.. Enumerable.Range(2, 19).Select(n => $"early{n:000}"), .. Enumerable.Range(1, 5).Select(n => $"late{n:000}")], aliases);
    }

    [Fact]
    public async Task ServerReceive_StoreBusyWhenItTakesAMessageIn_LeavesTheMessageClaimedForTheNextRun()
    {
        var site = new CrashSite(_folder.Path);
        site.CreateFolders("hub-in", "po1-in");
        await site.InitAsync("hub.db", "Hub", "HubServer");
        await site.RunAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await site.RunAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await site.InitAsync("site1.db", "Site1", "Server1");
        await site.RunAsync("site1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");
        await site.RunAsync("site1.db", "mailbox", "add", "alice");
        await site.RunAsync("site1.db", "requestor", "send");
        var message = Path.GetFileName(Directory.GetFiles(_folder.File("hub-in"), "*.dsm").Single());
        await File.WriteAllTextAsync(_folder.File("people.csv"), "Obj-Class,Common-Name\nMailbox,held1\nMailbox,held2\n");
        var pause = _folder.File("pause");

        // A bulk import holds the hub's store inside its transaction while the server receives.
        var writer = CliRunner.RunProcessAsync(
            _folder.Path,
            new Dictionary<string, string> { ["DIRSYNC_FAULT_PAUSE_AT"] = "1", ["DIRSYNC_FAULT_PAUSE_FILE"] = pause },
            "--store", "hub.db", "bulk", "import", "people.csv");
        await WaitForAsync(() => File.Exists(pause) && File.ReadAllText(pause).Length > 0, writer, "the bulk import's first row");
        var busy = await CliRunner.RunProcessAsync(_folder.Path, new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "0.5" }, "--store", "hub.db", "server", "receive");
        var claimed = File.Exists(Path.Combine(_folder.File("hub-in"), "processing", message));
        var rejected = Directory.Exists(Path.Combine(_folder.File("hub-in"), "rejected"));
        File.Delete(pause);
        Assert.True((await writer).ExitCode == 0);
        var again = await CliRunner.RunProcessAsync(_folder.Path, CliRunner.NoEnvironment, "--store", "hub.db", "server", "receive", "--json");

        Assert.True(busy.ExitCode == 7, busy.ToString());
        Assert.Equal($"dirsync: the store '{TestStores.Shown(_folder.File("hub.db"))}' is being written by another process and stayed busy for 0.5 s; try again when it has finished\n", busy.Error);
        Assert.True(claimed, "the message was not left claimed in processing/");
        Assert.False(rejected, "the message was set aside as if it were at fault");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal((1, 1), (CliJson.Parse(again.Out).GetProperty("messages").GetInt32(), CliJson.Parse(again.Out).GetProperty("updates").GetInt32()));
    }

    [Fact]
    public async Task Daemon_WithAdministratorsAddingAndKickingAlongside_SendsEveryChangeOnce()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows has no SIGTERM to send a console process");
        var site = new CrashSite(_folder.Path);
        site.CreateFolders("hub-in", "po1-in");
        await site.InitAsync("hub.db", "Hub", "HubServer");
        await site.RunAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await site.RunAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await site.InitAsync("site1.db", "Site1", "Server1");
        await site.RunAsync("site1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");

        await using var daemon = CliProcess.Start(_folder.Path, null, "--store", "site1.db", "daemon", "--poll", "1");
        await daemon.WaitUntilAsync(() => daemon.OutLines.Count > 0, Timeout, "the daemon's first line");
        var failures = new List<string>();
        for (var n = 1; n <= 10; n++)
        {
            foreach (var args in new[] { ["mailbox", "add", $"user{n:00}"], ["kick", "T1"], new[] { "recipients", "list", "--json" } })
            {
                var result = await RunAsync(null, args);
                if (result.ExitCode != 0 || result.Error.Length > 0)
                {
                    failures.Add($"dirsync {string.Join(' ', args)}: {result}");
                }
            }
        }

        // The last kick came after the last change: once the daemon has run it, every change is sent.
        await daemon.WaitUntilAsync(KickCleared, Timeout, "the daemon running the last kick");
        var stopped = await daemon.TerminateAsync(Timeout);
        var received = await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", "hub.db", "server", "receive", "--json");
        var status = await RunAsync(null, "requestor", "status", "--json");
        var hub = await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", "hub.db", "recipients", "list", "--json");

        Assert.Empty(failures);
        Assert.True(stopped.ExitCode == 0 && stopped.Error.Length == 0, stopped.ToString());
        Assert.DoesNotContain(stopped.Out.Split('\n'), line => line.Contains(" 311 ", StringComparison.Ordinal));
        Assert.True(received.ExitCode == 0, received.ToString());
        Assert.Equal(10, CliJson.Parse(status.Out).GetProperty("nextTransaction").GetInt64());
        Assert.Equal(
            Enumerable.Range(1, 10).Select(n => $"user{n:00} NET/PO1"),
            CliJson.Parse(hub.Out).EnumerateArray().Select(r => $"{r.GetProperty("alias").GetString()} {r.GetProperty("importedFrom").GetString()}").Order(StringComparer.Ordinal));
        Assert.Empty(await CrashSnapshot.ProblemsAsync(_folder.Path));
    }

    [Fact]
    public async Task ManyWriters_AtOnce_EveryRowLandsOnceUnderGaplessUsns()
    {
        // Six importers in small transactions and two administrators, all at the same moment on one store:
        // their transactions interleave at every batch, and each must wait its turn rather than fail or collide.
        const int importers = 6, rows = 40;
        var site = new CrashSite(_folder.Path);
        await site.InitAsync("site1.db", "Site1", "Server1");
        for (var i = 1; i <= importers; i++)
        {
            var csv = new StringBuilder("Obj-Class,Common-Name,Display-Name\n");
            for (var n = 1; n <= rows; n++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"Mailbox,p{i}n{n:00},P{i} N{n:00}\n");
            }

            await File.WriteAllTextAsync(_folder.File($"part{i}.csv"), csv.ToString());
        }

        var patient = new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "120" };
        var running = Enumerable.Range(1, importers)
            .Select(i => RunAsync(patient, "bulk", "import", $"part{i}.csv", "--skip-errors", "--batch-size", "4", "--json"))
            .Concat([RunAsync(patient, "mailbox", "add", "admin1"), RunAsync(patient, "mailbox", "add", "admin2")])
            .ToList();
        var results = await Task.WhenAll(running);

        Assert.All(results, r => Assert.True(r.ExitCode == 0 && r.Error.Length == 0, r.ToString()));
        Assert.All(results.Take(importers), r => Assert.Equal(rows, CliJson.Parse(r.Out).GetProperty("added").GetInt64()));
        var total = importers * rows + 2;
        var info = CliJson.Parse((await RunAsync(null, "info", "--json")).Out);
        Assert.Equal(total, info.GetProperty("highestUsn").GetInt64());
        await using (var store = await TestStores.OpenAsync(StorePath))
        {
            var usns = new List<long>();
            await foreach (var value in store.GetChangesSinceAsync(0))
            {
                usns.Add(value.UsnCreated);
                Assert.Equal(value.UsnCreated, value.UsnChanged);
            }

            Assert.Equal(Enumerable.Range(1, total).Select(n => (long)n), usns);
        }

        Assert.Equal(total, await CountRecipientsAsync(StorePath));
        Assert.Empty(await CrashSnapshot.ProblemsAsync(_folder.Path));
    }

    private static async Task<long> CountRecipientsAsync(string store)
    {
        var list = await CliRunner.RunAsync(store, "recipients", "list", "--json");
        return CliJson.Parse(list.Out).GetArrayLength();
    }

    private static async Task WaitForAsync(Func<bool> condition, Task<CliResult> process, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(process.IsCompleted, $"dirsync ended before {what}: {(process.IsCompleted ? await process : null)}");
            Assert.True(clock.Elapsed < Timeout, $"{what} did not come within {Timeout.TotalSeconds} seconds");
            await Task.Delay(10);
        }
    }

    private bool KickCleared()
    {
        var list = CliRunner.RunAsync(StorePath, "schedule", "list", "--json").GetAwaiter().GetResult();
        return list.ExitCode == 0
            && CliJson.Parse(list.Out).EnumerateArray().All(row => row.GetProperty("kickedAt").ValueKind == JsonValueKind.Null);
    }

    private Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        CliRunner.RunProcessAsync(_folder.Path, environment, ["--store", "site1.db", .. args]);
}
