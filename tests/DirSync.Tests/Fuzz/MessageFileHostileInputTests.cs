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

        MessageFile.Inspect(valid, Name);
        Assert.Throws<InputFormatException>(() => MessageFile.Inspect(refused, Name));
        _ = MessageFile.Anchors(valid, Name);

        // FileShare.None fails while any other handle on the file is open, on Linux as on Windows.
        using (new FileStream(valid, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        using (new FileStream(refused, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
        }
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
