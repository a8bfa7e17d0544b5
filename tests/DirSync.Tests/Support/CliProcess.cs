using System.Diagnostics;
using System.Text;

namespace DirSync.Tests.Support;

/// <summary>The real built dirsync started as a child process that keeps running (the daemon), its output collected as it comes.</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _out = [];
    private readonly List<string> _error = [];
    private readonly Task _reading;

    private CliProcess(Process process)
    {
        _process = process;
        _reading = Task.WhenAll(ReadAsync(process.StandardOutput, _out), ReadAsync(process.StandardError, _error));
    }

    /// <summary>The lines written to standard output so far.</summary>
    public IReadOnlyList<string> OutLines
    {
        get
        {
            lock (_out)
            {
                return [.. _out];
            }
        }
    }

    /// <summary>Starts <c>dotnet dirsync.dll</c> with <paramref name="args"/>, without DIRSYNC_STORE unless <paramref name="environment"/> sets it.</summary>
    public static CliProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        (args, environment) = TestStores.MapAsync(workingDirectory, args, environment).GetAwaiter().GetResult();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(CliRunner.CommandPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DIRSYNC_STORE");
        foreach (var (name, value) in environment ?? CliRunner.NoEnvironment)
        {
            start.Environment[name] = value;
        }

        return new CliProcess(Process.Start(start)!);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing the test when it does not within <paramref name="timeout"/> or the process ends first.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited)
            {
                await _reading;
                Assert.Fail($"dirsync exited with {_process.ExitCode} before {what}:\n{Describe()}");
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{what} did not happen within {timeout.TotalSeconds} seconds:\n{Describe()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM (what systemd sends on stop) and waits for the process to exit, at most <paramref name="timeout"/>.</summary>
    public async Task<CliResult> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"dirsync did not exit within {timeout.TotalSeconds} seconds of SIGTERM:\n{Describe()}");
        }

        await _reading;
        return new CliResult(_process.ExitCode, string.Concat(_out.Select(l => l + "\n")), string.Concat(_error.Select(l => l + "\n")));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _reading;
        _process.Dispose();
    }

    private static async Task ReadAsync(StreamReader reader, List<string> lines)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private string Describe()
    {
        lock (_out)
        {
            lock (_error)
            {
                return $"--- stdout ---\n{string.Join('\n', _out)}\n--- stderr ---\n{string.Join('\n', _error)}";
            }
        }
    }
}
