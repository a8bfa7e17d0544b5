using System.Text;
using DirSync.Core;
using DirSync.Core.Formats;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Formats;

public sealed class ReadAheadChangeSetReaderTests
{
    private const string Name = "SYNC1";

    private static readonly StoreInfo Source =
        new(Guid.Parse("5f3bea70-2d2d-4ee3-a266-a2ee21a46c77"), "Testorg", "Site1", "Server1", DateTimeOffset.UnixEpoch);

    public static TheoryData<ChangeSetFormat> Formats => [ChangeSetFormat.Ldif, ChangeSetFormat.Edk];

    /// <summary>More records than fit in the read-ahead queue, so the reading thread has to wait for the caller.</summary>
    private static readonly int Many = (ReadAheadChangeSetReader.BatchSize * (ReadAheadChangeSetReader.Capacity + 2)) + 17;

    private static byte[] File(ChangeSetFormat format, int count)
    {
        var header = new ChangeSetHeader(Source, "INSTANCE1", ChangeSetMode.Full, 3, 0, count, DateTimeOffset.UnixEpoch, []);
        var records = Enumerable.Range(1, count).Select(n =>
        {
            var record = new ChangeRecord(ChangeKind.Add, new Guid(n, 0, 0, new byte[8]), $"Mailbox{n}", DirectoryPath.Recipients)
            {
                Class = ObjectClass.Mailbox,
                DisplayName = $"Mailbox {n}",
            };
            record.ProxyAddresses.Add(ProxyAddress.Parse($"SMTP:Mailbox{n}@Site1.Testorg.com"));
            return record;
        });
        return ChangeSetFile.Write(format, header, records);
    }

    private static IChangeSetReader Open(byte[] bytes) => ChangeSetCodecs.Default.OpenReader(new MemoryStream(bytes), Name);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_ManyRecords_YieldsWhatTheInnerReaderYieldsThenItsTrailer(ChangeSetFormat format)
    {
        var bytes = File(format, Many);
        var expected = ChangeSetFile.Read(bytes, Name);

        using var inner = Open(bytes);
        var records = new List<string>();
        using (var reader = new ReadAheadChangeSetReader(inner))
        {
            Assert.Same(inner.Header, reader.Header);
            Assert.Equal(expected.Header.UsnTo, reader.Header.UsnTo);
            while (reader.Read(out var record))
            {
                records.Add(ChangeSetFile.Describe(record));
            }

            Assert.Equal(expected.Records.Select(ChangeSetFile.Describe), records);
            Assert.Equal(expected.Trailer, reader.Trailer);
            Assert.False(reader.Read(out _));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_FileCutShort_DeliversEveryRecordBeforeTheCutThenTheSameError(ChangeSetFormat format)
    {
        var (body, _) = ChangeSetFile.SplitTrailer(File(format, Many));
        var cut = Encoding.UTF8.GetBytes(body);
        var direct = Assert.Throws<InputFormatException>(() => ChangeSetFile.Read(cut, Name));

        using var inner = Open(cut);
        using var reader = new ReadAheadChangeSetReader(inner);
        var count = 0;
        var error = Assert.Throws<InputFormatException>(() =>
        {
            while (reader.Read(out _))
            {
                count++;
            }
        });

        Assert.Equal(Many, count);
        Assert.Equal(direct.Message, error.Message);
        Assert.Throws<InvalidOperationException>(() => reader.Trailer);
        Assert.Equal(direct.Message, Assert.Throws<InputFormatException>(() => reader.Read(out _)).Message);
    }

    [Fact]
    public void Dispose_BeforeTheEnd_StopsTheReadingThreadAndLeavesTheInnerReaderToItsOwner()
    {
        var bytes = File(ChangeSetFormat.Ldif, Many);
        using var inner = Open(bytes);
        var reader = new ReadAheadChangeSetReader(inner);
        Assert.True(reader.Read(out var first));
        Assert.Equal("Mailbox1", first.Alias);

        // The reading thread is blocked on a full queue; disposing must release it, not hang.
        reader.Dispose();

        // The inner reader is still open, and goes on after what the reading thread took from it.
        Assert.True(inner.Read(out var next));
        Assert.StartsWith("Mailbox", next.Alias);
    }
}
