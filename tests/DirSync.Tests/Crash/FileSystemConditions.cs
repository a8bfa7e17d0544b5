using System.Diagnostics;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>Makes a folder read-only or full, or a file unreadable, for the real dirsync process, whatever user the tests run as.</summary>
/// <remarks>
/// <para><b>Read-only, unreadable.</b> A folder with mode 0555, a file with mode 0000, stops an ordinary user; root
/// writes and reads there anyway. When the tests run with that privilege, dirsync is run as the unprivileged user
/// 65534 (<c>setpriv</c>, which root may always use) with the test's folder given to that user, so the mode stops
/// it as it would stop a service account.</para>
/// <para><b>Full.</b> A 64 KiB tmpfs is mounted on the folder: by the tests themselves when they may mount
/// (root with CAP_SYS_ADMIN), else inside a user and mount namespace of dirsync's own (<c>unshare -rm</c>),
/// so the process meets a real ENOSPC. Where neither is allowed the test fails and says so: it does not skip.</para>
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FileSystemConditions : IDisposable
{
    /// <summary>The user dirsync runs as when the tests are privileged.</summary>
    private const string Unprivileged = "65534";

    private readonly TempFolder _folder;
    private readonly List<string> _mounts = [];
    private string? _namespaceTmpfs;
    private bool _unprivileged;

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
        await ToolAsync("chown", "-R", $"{Unprivileged}:{Unprivileged}", _folder.Path);
        await ToolAsync("chown", "root:root", folder);
        _unprivileged = true;
        Assert.False(await CanWriteAsUnprivilegedAsync(folder), $"cannot make '{folder}' read-only for user {Unprivileged}");
        How = $"mode 0555, dirsync run as user {Unprivileged} with setpriv";
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

        await ToolAsync("chown", "-R", $"{Unprivileged}:{Unprivileged}", _folder.Path);
        await ToolAsync("chown", "root:root", file);
        _unprivileged = true;
        How = $"mode 0000, dirsync run as user {Unprivileged} with setpriv";
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
        var command = new List<string>();
        if (_unprivileged)
        {
            command.AddRange(["setpriv", $"--reuid={Unprivileged}", $"--regid={Unprivileged}", "--clear-groups"]);
        }

        if (_namespaceTmpfs is not null)
        {
            command.AddRange(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$1\" && shift && exec \"$@\"", "sh", _namespaceTmpfs]);
        }

        var (mapped, environment) = await TestStores.MapAsync(workingDirectory, args, null);
        command.AddRange(["dotnet", CliRunner.CommandPath, .. mapped]);
        start.FileName = command[0];
        foreach (var arg in command.Skip(1))
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

    private static async Task<bool> CanWriteAsUnprivilegedAsync(string folder) =>
        (await TryToolAsync("setpriv", $"--reuid={Unprivileged}", $"--regid={Unprivileged}", "--clear-groups", "touch", Path.Combine(folder, ".probe"))).ExitCode == 0;

    private static async Task ToolAsync(string tool, params string[] args)
    {
        var result = await TryToolAsync(tool, args);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {result}");
    }

    private static async Task<CliResult> TryToolAsync(string tool, params string[] args)
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
