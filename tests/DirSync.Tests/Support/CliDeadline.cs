using System.Diagnostics;
using System.Text;

namespace DirSync.Tests.Support;

/// <summary>Runs the real dirsync and fails the test, rather than hanging it, when the command does not end in time.</summary>
public static class CliDeadline
{
    /// <summary>Runs <c>dotnet dirsync.dll</c> with <paramref name="args"/>; kills it and fails when it runs longer than <paramref name="deadline"/>.</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan deadline, params string[] args)
    {
        (args, environment) = await TestStores.MapAsync(workingDirectory, args, environment);
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

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"dirsync {string.Join(' ', args)} did not end within {deadline.TotalSeconds} s (killed):\n{await error}");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
