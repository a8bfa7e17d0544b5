using DirSync.Core.Formats;
using DirSync.Core.Formats.EdkDirSync;
using DirSync.Core.Formats.Ldif;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Fuzz;

public sealed class ChangeSetReaderFuzzTests
{
    private const string Name = "fuzz.changeset";

    private static readonly IReadOnlyList<(byte[] Body, long Records)> Corpus = BuildCorpus();

    // Small limits make "past the limit" cheap to reach; one case in twenty keeps the defaults.
    private static readonly ChangeSetCodecs Small = new(new ChangeSetReaderOptions
    {
        Ldif = new LdifReaderOptions { MaxValueBytes = 1024, MaxAttributesPerRecord = 256, MaxRecordBytes = 8 * 1024, Lines = SmallLines },
        Edk = new EdkReaderOptions { MaxValueBytes = 1024, MaxAttributeLinesPerRecord = 256, MaxValuesPerAttribute = 16, MaxRecordBytes = 8 * 1024, Lines = SmallLines },
        MaxHeaderComments = 40,
        MaxHeaderBytes = 4 * 1024,
    });

    private static LineReaderOptions SmallLines => new() { MaxLineBytes = 4 * 1024, ReadBlockBytes = 4 * 1024 };

    [Fact]
    public void Read_MutatedChangeSets_ParseOrFailWithFormatError()
    {
        var settings = FuzzSettings.FromEnvironment("ChangeSetReader", nameof(ChangeSetReaderFuzzTests));
        var report = FuzzHarness.RunAndAssert(settings, MakeCase);

        FuzzHarness.AssertVaried(settings, report, kinds: 20);
    }

    private static FuzzCase MakeCase(FuzzRandom random)
    {
        var (body, records) = random.Pick(Corpus);
        var ldif = body.AsSpan().IndexOf("\ndn: "u8) >= 0 || body.AsSpan().StartsWith("version:"u8);
        var log = new List<string>();
        var codecs = random.OneIn(20) ? ChangeSetCodecs.Default : Small;
        var limits = codecs.ReaderOptions;
        var (lines, values) = ldif ? (limits.Ldif.Lines, limits.Ldif.MaxValueBytes) : (limits.Edk.Lines, limits.Edk.MaxValueBytes);
        var mutator = new Mutator(new MutationLimits(lines.MaxLineBytes, values), ldif ? MutationSyntax.Ldif : MutationSyntax.Edk);

        // Past the default limits an input is megabytes: those cases are kept to one in four of the few with defaults.
        var enormous = codecs == Small || random.OneIn(4);

        // Half the cases mutate the sealed file, so the integrity check must catch what the parser lets
        // through; the other half mutate the body and seal it again, as a careful forger would, so the
        // mutations reach the header, the records and their values.
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

        log.Add(codecs == Small ? "read with small limits" : "read with the default limits");
        var bound = FuzzBounds.Memory(input.Length, lines.MaxLineBytes + 2L * lines.ReadBlockBytes + values + limits.MaxHeaderBytes);
        return new FuzzCase(Name, input, log, bound, () => Read(codecs, input));
    }

    private static void Read(ChangeSetCodecs codecs, byte[] input)
    {
        // As an import reads a full file: a pass for the anchors alone (which reads less of each record),
        // then the records. Both must parse or fail with a format error.
        using (var anchors = codecs.OpenReader(new MemoryStream(input), Name))
        {
            while (anchors.ReadAnchor(out _))
            {
            }

            _ = anchors.Trailer.Sha256;
        }

        using var reader = codecs.OpenReader(new MemoryStream(input), Name);
        while (reader.Read(out var record))
        {
            _ = record.Anchor;
        }

        _ = reader.Trailer.Sha256;
    }

    /// <summary>Both formats: the golden change sets, one with header extensions as the hub writes, and records with awkward values.</summary>
    private static List<(byte[] Body, long Records)> BuildCorpus()
    {
        var source = new StoreInfo(Guid.Parse("5f3bea70-2d2d-4ee3-a266-a2ee21a46c77"), "Testorg", "Site1", "Server1", DateTimeOffset.UnixEpoch);
        var header = new ChangeSetHeader(source, "INSTANCE1", ChangeSetMode.Full, 3, 0, 90, new DateTimeOffset(2026, 1, 15, 9, 30, 5, TimeSpan.Zero), InstanceSettings.DefaultExportAttributes)
        {
            Extensions = new Dictionary<string, string> { ["message"] = "reqtx", ["from"] = "NET/PO1", ["to"] = "NET/HUB", ["req-sync"] = "4" },
        };
        var add = new ChangeRecord(ChangeKind.Add, Guid.Parse("00000000-0000-0000-0000-000000000014"), "Zoë.Ångström", DirectoryPath.Parse("Recipients/Sales"))
        {
            Class = ObjectClass.Mailbox,
            DisplayName = " Ångström, Zoë: \"Ops\" ",
            Owner = "NET/PO1",
        };
        add.ProxyAddresses.AddRange([ProxyAddress.Parse("SMTP:zoe@example.com"), ProxyAddress.Parse("X400:c=US;a= ;p=Testorg;o=Site1;s=Zoe;")]);
        add.Attributes.Set(AttributeCatalog.Get("info"), ["line one\r\nline two\ttabbed \\ back"]);
        var custom = new ChangeRecord(ChangeKind.Add, Guid.Parse("00000000-0000-0000-0000-000000000015"), "ext", DirectoryPath.Recipients)
        {
            Class = ObjectClass.CustomRecipient,
            DisplayName = "ext",
            TargetAddress = ProxyAddress.Parse("SMTP:ext@example.org"),
        };
        var modify = new ChangeRecord(ChangeKind.Modify, Guid.Parse("00000000-0000-0000-0000-000000000012"), "Mailbox12", DirectoryPath.Recipients) { DisplayName = "Mailbox Twelve" };
        var delete = new ChangeRecord(ChangeKind.Delete, Guid.Parse("00000000-0000-0000-0000-000000000011"), "Mailbox11", DirectoryPath.Recipients);
        ChangeRecord[] records = [add, custom, modify, delete];

        var corpus = new List<(byte[], long)>();
        foreach (var file in new[] { "changeset.ldif", "changeset.dirsync" })
        {
            corpus.Add(ChangeSetFile.SplitTrailer(FuzzCorpus.TestData("ChangeSets", file)) is var (text, count) ? (System.Text.Encoding.UTF8.GetBytes(text), count) : default);
        }

        foreach (var format in new[] { ChangeSetFormat.Ldif, ChangeSetFormat.Edk })
        {
            var (text, count) = ChangeSetFile.SplitTrailer(ChangeSetFile.Write(format, header, records));
            corpus.Add((System.Text.Encoding.UTF8.GetBytes(text), count));
        }

        return corpus;
    }
}
