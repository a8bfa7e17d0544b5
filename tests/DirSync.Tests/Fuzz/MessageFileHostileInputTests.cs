using DirSync.Core;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Fuzz;

/// <summary>How <see cref="MessageFile"/> treats files that are not what a drop folder should hold.</summary>
public sealed class MessageFileHostileInputTests : IDisposable
{
    private const string Name = "20260115T090000000-test.dsm";

    private static readonly StoreInfo Sender = new(Guid.Parse("0b7c1d9e-0f6a-4c55-9d0e-3a1f2b4c5d6e"), "Testorg", "Site1", "Server1", DateTimeOffset.UnixEpoch);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Inspect_ValidOrRefusedMessage_LeavesTheFileClosed()
    {
        // A claimed message is deleted or moved right after it is read; a handle left open until the
        // garbage collector finds it would hold the file (on Windows, lock it against the move).
        var valid = _folder.File("valid.dsm");
        var refused = _folder.File("refused.dsm");
        File.WriteAllBytes(valid, Message());
        File.WriteAllBytes(refused, Message()[..^10]);

        var (_, _, trailer) = MessageFile.Inspect(valid, Name);
        Assert.Throws<InputFormatException>(() => MessageFile.Inspect(refused, Name));
        _ = MessageFile.Anchors(valid, Name, trailer.Sha256);

        // FileShare.None fails while any other handle on the file is open, on Linux as on Windows.
        using (new FileStream(valid, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        using (new FileStream(refused, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
        }
    }

    [Fact]
    public void Inspect_FileOverTheSizeLimit_IsRefusedBeforeItIsRead()
    {
        var path = _folder.File("big.dsm");
        var bytes = Message();
        File.WriteAllBytes(path, bytes);

        var (message, _, _) = MessageFile.Inspect(path, Name, maxMessageBytes: bytes.Length);
        var error = Assert.Throws<InputFormatException>(() => MessageFile.Inspect(path, Name, maxMessageBytes: bytes.Length - 1));
        var anchors = Assert.Throws<InputFormatException>(() => MessageFile.Anchors(path, Name, "", maxMessageBytes: bytes.Length - 1));

        Assert.Equal("NET/PO1", message.From);
        Assert.Equal((Name, 0L, $"the message is {bytes.Length} bytes, over the limit of {bytes.Length - 1} bytes"), (error.File, error.Line, error.Reason));
        Assert.Equal(error.Message, anchors.Message);
    }

    [Fact]
    public void Inspect_FileOverTheDefaultLimit_IsRefusedWithoutReadingIt()
    {
        // A sparse file: over a gibibyte long, no time to make, and refused before a byte is read.
        var path = _folder.File("huge.dsm");
        using (var file = File.Create(path))
        {
            file.SetLength(MessageFile.DefaultMaxMessageBytes + 1);
        }

        var error = Assert.Throws<InputFormatException>(() => MessageFile.Inspect(path, Name));

        Assert.Equal($"{Name}: the message is 1073741825 bytes, over the limit of 1073741824 bytes", error.Message);
    }

    [Fact]
    public void Inspect_EmptyFile_SaysItIsEmpty()
    {
        var path = _folder.File("empty.dsm");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<InputFormatException>(() => MessageFile.Inspect(path, Name));

        Assert.Equal($"{Name}: the file is empty", error.Message);
    }

    [Fact]
    public async Task Inspect_NamedPipe_IsRefusedWithoutWaitingForAWriter()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("named pipes are not files in a folder on Windows");
        }

        // Opening a FIFO for reading blocks until something writes to it: a sender could stop the daemon for good.
        var path = _folder.File("pipe.dsm");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var inspect = Task.Run(() => MessageFile.Inspect(path, Name));
        var finished = await Task.WhenAny(inspect, Task.Delay(TimeSpan.FromSeconds(10))) == inspect;
        if (!finished)
        {
            // Unblock the reader so the test process is not left with a stuck thread.
            await File.WriteAllTextAsync(path, "x");
        }

        Assert.True(finished, "Inspect waited on the named pipe");
        var error = await Assert.ThrowsAsync<InputFormatException>(() => inspect);
        Assert.Equal($"{Name}: the file is empty", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Inspect_SymbolicLink_IsRefusedNotFollowed(bool targetExists)
    {
        // A link could lead to any file the receiver may read, to a pipe, or nowhere (which used to stop the
        // whole inbox with "cannot read the message" at every run); a message is the file itself.
        using var outside = new TempFolder();
        var target = outside.File("message.dsm");
        if (targetExists)
        {
            File.WriteAllBytes(target, Message());
        }

        var link = _folder.File("link.dsm");
        File.CreateSymbolicLink(link, target);

        var error = Assert.Throws<InputFormatException>(() => MessageFile.Inspect(link, Name));

        Assert.Equal($"{Name}: the message is a symbolic link; DirSync reads message files themselves, never through a link", error.Message);
        Assert.Equal(targetExists, File.Exists(target));
    }

    [Fact]
    public async Task ReceiveAsync_MessageOverTheSizeLimit_IsRejectedWithEvent124()
    {
        await using var sites = await Scheduling.HubSites.CreateAsync();
        var path = Path.Combine(sites.ServerInbox, "20260115T090000000-huge.dsm");
        using (var file = File.Create(path))
        {
            file.SetLength(MessageFile.DefaultMaxMessageBytes + 1);
        }

        var report = await new DirSyncServer(sites.Server, sites.Time).ReceiveAsync();

        var reason = "124: invalid Dir-Sync message: 20260115T090000000-huge.dsm: the message is 1073741825 bytes, over the limit of 1073741824 bytes";
        Assert.Equal((0, 1), (report.Messages, report.Rejected));
        Assert.Equal([(124, reason + " (message 20260115T090000000-huge.dsm moved to rejected/)")], await Scheduling.HubSites.EventsAsync(sites.Server, 124));
        Assert.Equal(reason + Environment.NewLine, File.ReadAllText(Path.Combine(sites.ServerInbox, "rejected", "20260115T090000000-huge.dsm.reason.txt")));
    }

    private static byte[] Message()
    {
        var message = new HubMessage(MessageKind.RequestorUpdate, Guid.Parse("7d3f0c52-4a8b-4e47-9a44-1a2b3c4d5e6f"), "NET/PO1", "NET/HUB", 4, 3, 9, 0, 1, 7, false, false, false, null);
        var record = new ChangeRecord(ChangeKind.Add, Guid.Parse("00000000-0000-0000-0000-000000000001"), "User1", DirectoryPath.Recipients)
        {
            Class = ObjectClass.Mailbox,
            DisplayName = "User 1",
            Owner = "NET/PO1",
        };
        var stream = new MemoryStream();
        MessageFile.WriteAsync(stream, Sender, message, ChangeSetMode.Incremental, new[] { record }.ToAsyncEnumerable(), null, new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero))
            .GetAwaiter().GetResult();
        return stream.ToArray();
    }
}
