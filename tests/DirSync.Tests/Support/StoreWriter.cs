using System.Globalization;

namespace DirSync.Tests.Support;

/// <summary>A real dirsync holding a store's write lock: a bulk import held at its first written row until released, or killed.</summary>
public sealed class StoreWriter : IAsyncDisposable
{
    private readonly string _pause;
    private readonly CliProcess _process;
    private bool _disposed;

    private StoreWriter(string pause, CliProcess process)
    {
        _pause = pause;
        _process = process;
    }

    /// <summary>Starts a bulk import of two mailboxes (<c>held1</c>, <c>held2</c>) into <paramref name="store"/> and waits until it holds the lock.</summary>
    public static async Task<StoreWriter> HoldAsync(string folder, string store)
    {
        var csv = Path.Combine(folder, $"held-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "Obj-Class,Common-Name\nMailbox,held1\nMailbox,held2\n");
        var pause = Path.Combine(folder, $"pause-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string>
        {
            ["DIRSYNC_FAULT_PAUSE_AT"] = 1.ToString(CultureInfo.InvariantCulture),
            ["DIRSYNC_FAULT_PAUSE_FILE"] = pause,
        };
        var process = CliProcess.Start(folder, environment, "--store", store, "bulk", "import", csv);
        var writer = new StoreWriter(pause, process);
        await process.WaitUntilAsync(() => File.Exists(pause) && File.ReadAllText(pause).Length > 0, TimeSpan.FromSeconds(30), "the bulk import holding the lock");
        return writer;
    }

    /// <summary>Sends the held process SIGTERM and returns how it ended.</summary>
    public Task<CliResult> TerminateAsync(TimeSpan timeout) => _process.TerminateAsync(timeout);

    /// <summary>Lets the import go on and finish.</summary>
    public void Release() => File.Delete(_pause);

    /// <summary>Kills the import if it still runs: its transaction is never committed, so the store is as before it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _process.DisposeAsync();
        }
    }
}
