using System.Diagnostics;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>Makes a folder read-only or full, or a file unreadable, for the real dirsync process, whatever user the tests run as.</summary>
/// <remarks>
/// <para><b>Read-only, unreadable.</b> A folder with mode 0555, a file with mode 0000, stops an ordinary user; root
/// writes and reads there anyway. When the tests run with that privilege, dirsync is run as the unprivileged user
/// 65534 (<c>setpriv</c>, which root may always use) with the test's folder given to that user, so the mode stops
/// it as it would stop a service account; that user runs a copy of the command (<see cref="UnprivilegedCommand"/>),
/// since the checkout may be in a folder it cannot enter. A privileged run that cannot switch to that user (no
/// <c>setpriv</c>, or not allowed to) cannot make the condition at all: the test is skipped and says why.</para>
/// <para><b>Full.</b> A 64 KiB tmpfs is mounted on the folder: by the tests themselves when they may mount
/// (root with CAP_SYS_ADMIN), else inside a user and mount namespace of dirsync's own (<c>unshare -rm</c>),
/// so the process meets a real ENOSPC. Where neither is allowed the test fails and says so: it does not skip.</para>
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FileSystemConditions : IDisposable
{
    private readonly TempFolder _folder;
    private readonly List<string> _mounts = [];
    private string? _namespaceTmpfs;
    private UnprivilegedCommand? _unprivileged;

    public FileSystemConditions(TempFolder folder)
    {
        _folder = folder;
    }

    /// <summary>How the last condition was made, for failure messages.</summary>
    public string How { get; private set; } = "nothing";

    /// <summary>Makes <paramref name="folder"/> (under the test folder) a folder dirsync cannot write to.</summary>
    public async Task MakeReadOnlyAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (!CanWrite(folder))
        {
            How = "mode 0555";
            return;
        }

        // Privileged: chmod does not stop us, so dirsync runs as an ordinary user that owns everything else.
        await RunUnprivilegedAsync(folder, "mode 0555 on a folder");
        var write = await UnprivilegedCommand.TryAsUserAsync("touch", Path.Combine(folder, ".probe"));
        Assert.True(write.ExitCode != 0, $"cannot make '{folder}' read-only for user {UnprivilegedCommand.User}");
        How = $"mode 0555, dirsync run as user {UnprivilegedCommand.User} with setpriv";
    }

    /// <summary>Makes <paramref name="file"/> (under the test folder) a file dirsync cannot read.</summary>
    public async Task MakeUnreadableAsync(string file)
    {
        File.SetUnixFileMode(file, UnixFileMode.None);
        if (!CanRead(file))
        {
            How = "mode 0000";
            return;
        }

        await RunUnprivilegedAsync(file, "mode 0000 on a file");
        var read = await UnprivilegedCommand.TryAsUserAsync("cat", file);
        Assert.True(read.ExitCode != 0, $"cannot make '{file}' unreadable for user {UnprivilegedCommand.User}");
        How = $"mode 0000, dirsync run as user {UnprivilegedCommand.User} with setpriv";
    }

    /// <summary>Makes <paramref name="folder"/> (under the test folder) a 64 KiB file system, so that a larger write fails with ENOSPC.</summary>
    public async Task MakeFullAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var mount = await TryToolAsync("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder);
        if (mount.ExitCode == 0)
        {
            _mounts.Add(folder);
            How = "a 64 KiB tmpfs mounted by the test";
            return;
        }

        var probe = await TryToolAsync("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$1\"", "sh", folder);
        Assert.True(
            probe.ExitCode == 0,
            $"cannot make a full folder: mounting a tmpfs needs root with CAP_SYS_ADMIN, or unprivileged user namespaces for 'unshare -rm' (mount: {mount.Error.Trim()}; unshare: {probe.Error.Trim()})");
        _namespaceTmpfs = folder;
        How = "a 64 KiB tmpfs in dirsync's own namespace (unshare -rm)";
    }

    /// <summary>Runs the real dirsync in <paramref name="workingDirectory"/> under the conditions made.</summary>
    public async Task<CliResult> RunAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var (mapped, environment) = await TestStores.MapAsync(workingDirectory, args, null);
        if (_namespaceTmpfs is not null)
        {
            // Only a full folder is made this way, and dirsync then runs as the test's own user.
            start.FileName = "unshare";
            foreach (var arg in (string[])["-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$1\" && shift && exec \"$@\"", "sh", _namespaceTmpfs, "dotnet", CliRunner.CommandPath, .. mapped])
            {
                start.ArgumentList.Add(arg);
            }
        }
        else if (_unprivileged is not null)
        {
            _unprivileged.Prepare(start, mapped);
        }
        else
        {
            start.FileName = "dotnet";
            foreach (var arg in (string[])[CliRunner.CommandPath, .. mapped])
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.Environment.Remove("DIRSYNC_STORE");
        foreach (var (name, value) in environment ?? CliRunner.NoEnvironment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await output, await error);
    }

    public void Dispose()
    {
        foreach (var mount in _mounts)
        {
            using var umount = Process.Start("umount", mount);
            umount.WaitForExit();
        }
    }

    private static bool CanRead(string file)
    {
        try
        {
            File.ReadAllBytes(file);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool CanWrite(string folder)
    {
        var probe = Path.Combine(folder, ".probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Hands the test folder, all but <paramref name="denied"/>, to user 65534 and runs dirsync as that user from now on; skips the test when this machine cannot.</summary>
    private async Task RunUnprivilegedAsync(string denied, string condition)
    {
        var whyNot = await UnprivilegedCommand.WhyNotAvailableAsync();
        Assert.SkipWhen(
            whyNot is not null,
            $"cannot make {condition} stop dirsync: the tests run with the privilege to ignore it (root), and dirsync cannot be run as user {UnprivilegedCommand.User} instead: {whyNot}");
        _unprivileged = await UnprivilegedCommand.GetAsync();
        await ToolAsync("chown", "-R", $"{UnprivilegedCommand.User}:{UnprivilegedCommand.User}", _folder.Path);
        await ToolAsync("chown", "root:root", denied);

        // A refusal below proves the mode only if the user can reach the test folder at all.
        var reach = await UnprivilegedCommand.TryAsUserAsync("sh", "-c", "touch \"$1\" && rm \"$1\"", "sh", Path.Combine(_folder.Path, ".probe"));
        Assert.True(reach.ExitCode == 0, $"user {UnprivilegedCommand.User} cannot write to the test folder '{_folder.Path}' it owns; is a folder above it closed to other users? {reach}");
    }

    private static async Task ToolAsync(string tool, params string[] args)
    {
        var result = await TryToolAsync(tool, args);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {result}");
    }

    /// <summary>Runs <paramref name="tool"/>; a tool that is not installed exits with 127, as in a shell.</summary>
    internal static async Task<CliResult> TryToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return new CliResult(process.ExitCode, await output, await error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CliResult(127, "", $"{tool}: {e.Message}");
        }
    }
}
