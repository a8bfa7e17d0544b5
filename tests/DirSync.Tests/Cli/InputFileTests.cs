using System.Diagnostics;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>
/// A file the user names — an instance's import file, a bulk CSV, a password file, a resync snapshot — that is a
/// named pipe, a device or a folder: the real dirsync refuses it at once with exit 11, before it waits for the
/// store's write lock, and changes nothing.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InputFileTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private CliStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await CliStore.InitAsync();
        Directory.CreateDirectory(_store.Folder.File("po1-in"));
        Directory.CreateDirectory(_store.Folder.File("hub-in"));
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Run_ImportFileIsANamedPipe_ExitsElevenAtOnceWhileAnotherProcessHoldsTheStore()
    {
        var pipe = Fifo("SYNC1");
        await _store.RunOkAsync("instance", "set", "I", "--import", "--file", pipe);
        var before = await _store.SnapshotAsync();

        // Refused before the write lock is asked for: with a zero lock timeout, waiting for it would end in exit 7.
        CliResult result;
        await using (await StoreWriter.HoldAsync(_store.Folder.Path, _store.Path))
        {
            result = await CliDeadline.RunAsync(_store.Folder.Path, new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "0" }, Deadline, "--store", _store.Path, "run", "I");
        }

        CommandRunnerTests.AssertError(
            result,
            11,
            $"the import file '{pipe}' of instance 'I' is a named pipe (FIFO), not a regular file (DirSync reads only regular files); copy the source's export file there (or point the instance elsewhere with 'dirsync instance set I --import-file <path>')");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task BulkImport_InputIsANamedPipe_ExitsElevenAtOnceWhileAnotherProcessHoldsTheStore()
    {
        var pipe = Fifo("users.csv");
        var before = await _store.SnapshotAsync();

        CliResult result;
        await using (await StoreWriter.HoldAsync(_store.Folder.Path, _store.Path))
        {
            result = await CliDeadline.RunAsync(_store.Folder.Path, new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = "0" }, Deadline, "--store", _store.Path, "bulk", "import", pipe);
        }

        CommandRunnerTests.AssertError(result, 11, $"the bulk CSV file '{pipe}' is a named pipe (FIFO), not a regular file (DirSync reads only regular files)");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/dev/null", "a character device")]
    public async Task BulkImport_InputIsADevice_ExitsElevenAndChangesNothing(string device, string kind)
    {
        var before = await _store.SnapshotAsync();

        var result = await CliDeadline.RunAsync(_store.Folder.Path, null, Deadline, "--store", _store.Path, "bulk", "import", device);

        CommandRunnerTests.AssertError(result, 11, $"the bulk CSV file '{device}' is {kind}, not a regular file (DirSync reads only regular files)");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task RequestorEnable_PasswordFileIsANamedPipe_ExitsElevenAtOnceAndChangesNothing()
    {
        var pipe = Fifo("pw");
        var before = await _store.SnapshotAsync();

        var result = await CliDeadline.RunAsync(
            _store.Folder.Path, null, Deadline,
            "--store", _store.Path, "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password-file", "pw");

        CommandRunnerTests.AssertError(
            result, 11, "the password file 'pw' is a named pipe (FIFO), not a regular file (DirSync reads only regular files); write the password on its first line (readable by this user only)");
        Assert.Equal(before, await _store.SnapshotAsync());
        Assert.True(File.Exists(pipe));
    }

    [Fact]
    public async Task ServerAddRequestor_PasswordFileIsAFolder_ExitsElevenAndChangesNothing()
    {
        await _store.RunOkAsync("server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        Directory.CreateDirectory(_store.Folder.File("pw"));
        var before = await _store.SnapshotAsync();

        var result = await CliDeadline.RunAsync(
            _store.Folder.Path, null, Deadline, "--store", _store.Path, "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password-file", "pw");

        CommandRunnerTests.AssertError(result, 11, "the password file 'pw' is a folder, not a file; write the password on its first line (readable by this user only)");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task RequestorApplyResync_FileIsANamedPipe_ExitsElevenAndChangesNothing()
    {
        await _store.RunOkAsync("requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");
        var pipe = Fifo("resync.dsm");
        var before = await _store.SnapshotAsync();

        var result = await CliDeadline.RunAsync(_store.Folder.Path, null, Deadline, "--store", _store.Path, "requestor", "apply-resync", "resync.dsm");

        CommandRunnerTests.AssertError(
            result, 11, $"the resync file '{pipe}' is a named pipe (FIFO), not a regular file (DirSync reads only regular files); make it on the server with 'dirsync server resync --out <file>'");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task BulkImport_InputIsALinkToARegularFile_IsRead()
    {
        var csv = _store.Folder.File("real.csv");
        await File.WriteAllTextAsync(csv, "Obj-Class,Common-Name\nMailbox,linked\n");
        File.CreateSymbolicLink(_store.Folder.File("link.csv"), csv);

        var result = await CliDeadline.RunAsync(_store.Folder.Path, null, Deadline, "--store", _store.Path, "bulk", "import", "link.csv");

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Equal($"Imported 1 row from {_store.Folder.File("link.csv")}: 1 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", result.Out);
    }

    private string Fifo(string name)
    {
        var path = _store.Folder.File(name);
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }
}
