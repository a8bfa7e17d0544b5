using System.Diagnostics;
using System.Text;
using DirSync.Cli;

namespace DirSync.Tests.Support;

/// <summary>The result of one dirsync invocation.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}

/// <summary>Runs dirsync: in-process for breadth, or as the real built command for end-to-end tests.</summary>
public static class CliRunner
{
    /// <summary>An environment without any variable set.</summary>
    public static IReadOnlyDictionary<string, string> NoEnvironment { get; } = new Dictionary<string, string>();

    /// <summary>Runs the command in this process with its own output buffers and environment.</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        (args, environment) = await TestStores.MapAsync(workingDirectory, args, environment);
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var io = new CliIo(stdout, stderr, name => environment?.GetValueOrDefault(name), workingDirectory);
        var exit = await DirSyncCommand.RunAsync(args, io);
        return new CliResult(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    /// <summary>Runs the command in this process against <paramref name="store"/>.</summary>
    public static Task<CliResult> RunAsync(string store, params string[] args) =>
        RunAsync(Path.GetDirectoryName(store)!, null, ["--store", store, .. args]);

    /// <summary>Runs the real built dirsync command as a child process.</summary>
    public static async Task<CliResult> RunProcessAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
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
        start.ArgumentList.Add(CommandPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DIRSYNC_STORE");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>The built dirsync.dll, copied beside the tests by the project reference.</summary>
    public static string CommandPath { get; } = Path.Combine(AppContext.BaseDirectory, "dirsync.dll");
}
