using System.Diagnostics;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>Runs the real dirsync with a folder on a small file system of its own that already holds files (a store, a CSV), whatever user the tests run as.</summary>
/// <remarks>
/// <para>A tmpfs of the given size is mounted on the folder in a mount namespace of dirsync's own
/// (<c>unshare -m</c> as root, <c>unshare -rm</c> otherwise), the seed files are copied onto it, dirsync runs, and
/// everything the folder then holds is copied back out, so the test can look at the store and files the failed
/// command left. Where no namespace can be made the test fails and says so: it does not skip.</para>
/// <para><see cref="FileSystemConditions"/> makes an empty full folder; this one is for a store that must sit on
/// the full disk, which needs its seed inside the namespace.</para>
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class SizedDisk
{
    /// <summary>Runs dirsync in <paramref name="workingDirectory"/> with <paramref name="disk"/> a <paramref name="kib"/> KiB file system holding what <paramref name="seed"/> holds; what it holds afterwards is copied to <paramref name="after"/>.</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, string disk, int kib, string seed, string after, params string[] args)
    {
        Directory.CreateDirectory(disk);
        Directory.CreateDirectory(after);
        var root = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";
        var start = new ProcessStartInfo("unshare")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(root ? "-m" : "-rm");
        foreach (var arg in new[]
                 {
                     "sh", "-c",
                     "mount -t tmpfs -o size=\"$1\"k tmpfs \"$2\" || exit 97; cp -a \"$3\"/. \"$2\"/ || exit 98; shift 4; \"$@\"; rc=$?; cp -a \"$DISK\"/. \"$AFTER\"/; exit $rc",
                     "sh", kib.ToString(System.Globalization.CultureInfo.InvariantCulture), disk, seed, after, "dotnet", CliRunner.CommandPath,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DISK"] = disk;
        start.Environment["AFTER"] = after;
        start.Environment.Remove("DIRSYNC_STORE");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var result = new CliResult(process.ExitCode, await output, await error);
        Assert.True(
            result.ExitCode is not (97 or 98) && !result.Error.StartsWith("unshare:", StringComparison.Ordinal),
            $"cannot make a {kib} KiB file system for dirsync: mounting a tmpfs needs root with CAP_SYS_ADMIN, or unprivileged user namespaces for 'unshare -rm': {result}");
        return result;
    }
}
