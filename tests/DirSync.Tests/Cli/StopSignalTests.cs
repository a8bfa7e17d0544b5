using System.Diagnostics;
using System.Globalization;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>SIGTERM and Ctrl+C (SIGINT) end the real dirsync promptly, with one line and 128 + the signal, and the store unchanged — also where the process cannot notice the request itself.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StopSignalTests : IAsyncLifetime
{
    // StopSignals.Grace (5 s) plus the start and end of a process on a busy machine.
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(15);

    private CliStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await CliStore.InitAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Sigterm_WhileWaitingForAnotherWritersLock_EndsWithinTheGraceAndChangesNothing()
    {
        var before = await _store.SnapshotAsync();
        await using var holder = await StoreWriter.HoldAsync(_store.Folder.Path, _store.Path);

        // SQLite waits for the other writer inside its own code, which no cancellation reaches.
        await using var waiting = CliProcess.Start(_store.Folder.Path, new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "600" }, "--store", _store.Path, "mailbox", "add", "Waiter");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        var result = await waiting.TerminateAsync(Promptly);

        Assert.Equal((143, "", "dirsync: stopped by SIGTERM; nothing of the interrupted step was applied\n"), (result.ExitCode, result.Out, result.Error));
        Assert.True(clock.Elapsed < Promptly, $"took {clock.Elapsed}");
        await holder.DisposeAsync();
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task Sigterm_WhileHeldInsideAWriteTransaction_RollsBackAndSaysSo()
    {
        var before = await _store.SnapshotAsync();
        await using var holder = await StoreWriter.HoldAsync(_store.Folder.Path, _store.Path);

        var result = await holder.TerminateAsync(Promptly);

        Assert.Equal((143, "", "dirsync: stopped by SIGTERM; nothing of the interrupted step was applied\n"), (result.ExitCode, result.Out, result.Error));
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task CtrlC_WhileWaitingForAnotherWritersLock_ExitsOneHundredThirty()
    {
        var before = await _store.SnapshotAsync();
        await using var holder = await StoreWriter.HoldAsync(_store.Folder.Path, _store.Path);
        // Through env --default-signal=INT: a test run started in the background (`cmd &` in a script) ignores SIGINT,
        // and a child inherits that, so dirsync would rightly never see the Ctrl+C this test sends.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _store.Folder.Path };

        // A reader does not wait for a writer, so a writer is what waits here: a template change.
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", CliRunner.CommandPath, "--store", await TestStores.LocateAsync(_store.Folder.Path, _store.Path), "address-template", "set", "SMTP", "%g.%s@example.com" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DIRSYNC_LOCK_TIMEOUT"] = "600";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(Promptly);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal((130, "", "dirsync: stopped by Ctrl+C (SIGINT); nothing of the interrupted step was applied\n"), (process.ExitCode, await output, await error));
        await holder.DisposeAsync();
        Assert.Equal(before, await _store.SnapshotAsync());
    }
}
