using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Fuzz;

public sealed class HubMessageFuzzTests : IDisposable
{
    private const string Name = "20260115T090000000-fuzz.dsm";

    private static readonly StoreInfo Sender = new(Guid.Parse("0b7c1d9e-0f6a-4c55-9d0e-3a1f2b4c5d6e"), "Testorg", "Site1", "Server1", DateTimeOffset.UnixEpoch);

    // Thousands of files are written and removed; on a disk file system each removal of a file just
    // written can cost milliseconds (ext4 mounted with discard), on a RAM file system nothing.
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "dirsync-fuzz-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly IReadOnlyList<(byte[] Body, long Records)> _corpus;

    public HubMessageFuzzTests()
    {
        _corpus = [Message(UpdateOf("NET/PO1"), 3), Message(Reply(), 2), Message(Resync(), 0)];
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Inspect_MutatedMessages_ParseOrFailWithFormatError()
    {
        var settings = FuzzSettings.FromEnvironment("HubMessage", nameof(HubMessageFuzzTests));
        var report = FuzzHarness.RunAndAssert(settings, MakeCase);

        FuzzHarness.AssertVaried(settings, report, kinds: 20);
    }

    private FuzzCase MakeCase(FuzzRandom random)
    {
        var (body, records) = random.Pick(_corpus);
        var log = new List<string>();
        var mutator = new Mutator(new MutationLimits(4 * 1024 * 1024, 1024 * 1024), MutationSyntax.Ldif);
        var enormous = random.OneIn(20);
        byte[] input;
        if (random.OneIn(2))
        {
            input = mutator.Mutate(ChangeSetFile.Reseal(body, records), random, log, enormous);
        }
        else
        {
            input = ChangeSetFile.Reseal(mutator.Mutate(body, random, log, enormous), records);
            log.Add("sealed again");
        }

        // The reader is given a path, as the inbox gives it a claimed message.
        var path = Path.Combine(_folder, "case.dsm");
        File.WriteAllBytes(path, input);
        return new FuzzCase(Name, input, log, FuzzBounds.Memory(input.Length, 5L * 1024 * 1024 + 1024 * 1024), () => Inspect(path));
    }

    private static void Inspect(string path)
    {
        var (message, header, trailer) = MessageFile.Inspect(path, Name);
        Assert.Equal(message, HubMessage.Parse(header, Name));
        _ = trailer.Records;
    }

    private (byte[] Body, long Records) Message(HubMessage message, int count)
    {
        var records = Enumerable.Range(1, count).Select(i =>
        {
            var record = new ChangeRecord(i == 3 ? ChangeKind.Delete : ChangeKind.Add, new Guid(i, 0, 0, new byte[8]), $"User{i}", DirectoryPath.Recipients)
            {
                Class = i == 3 ? null : ObjectClass.Mailbox,
                DisplayName = i == 3 ? null : $"User {i}, Ünïcode",
                Owner = "NET/PO1",
            };
            if (i != 3)
            {
                record.ProxyAddresses.Add(ProxyAddress.Parse($"MS:NET/PO1/USER{i}"));
            }

            return record;
        }).ToAsyncEnumerable();
        var stream = new MemoryStream();
        MessageFile.WriteAsync(stream, Sender, message, ChangeSetMode.Incremental, records, HubKey.Derive("NET/PO1", "secret"), new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero))
            .GetAwaiter().GetResult();
        var (text, declared) = ChangeSetFile.SplitTrailer(stream.ToArray());
        return (System.Text.Encoding.UTF8.GetBytes(text), declared);
    }

    private static HubMessage UpdateOf(string from) =>
        new(MessageKind.RequestorUpdate, Guid.Parse("7d3f0c52-4a8b-4e47-9a44-1a2b3c4d5e6f"), from, "NET/HUB", 4, 3, 9, 0, 1, 7, false, false, false, null);

    private static HubMessage Reply() =>
        new(MessageKind.ServerReply, Guid.Parse("1e2d3c4b-5a69-4788-9a0b-c1d2e3f40516"), "NET/HUB", "NET/PO1", 4, 0, 12, 9, 1, 0, false, false, true, new HubError(138, "missing transactions from 412 to 419"));

    private static HubMessage Resync() =>
        new(MessageKind.Resync, Guid.Parse("a0b1c2d3-e4f5-4617-8293-a4b5c6d7e8f9"), "NET/HUB", "*", 4, 0, 12, 0, 1, 0, false, false, false, null);
}
