using System.Runtime.CompilerServices;
using System.Text;
using DirSync.Core;
using DirSync.Core.Formats.EdkDirSync;
using DirSync.Core.Formats.Ldif;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Sync;

public sealed class ChangeSetCodecsTests
{
    private const string Name = "SYNC1";

    private static readonly StoreInfo Source =
        new(Guid.Parse("5f3bea70-2d2d-4ee3-a266-a2ee21a46c77"), "Testorg", "Site1", "Server1", DateTimeOffset.UnixEpoch);

    private static readonly AttributeDefinition Title = AttributeCatalog.Get("title");
    private static readonly AttributeDefinition OtherTelephone = AttributeCatalog.Get("otherTelephone");
    private static readonly AttributeDefinition Info = AttributeCatalog.Get("info");
    private static readonly AttributeDefinition Department = AttributeCatalog.Get("department");

    public static TheoryData<ChangeSetFormat> Formats => [ChangeSetFormat.Ldif, ChangeSetFormat.Edk];

    private static ChangeSetHeader Header(params AttributeDefinition[] attributes) =>
        new(Source, "INSTANCE1", ChangeSetMode.Incremental, 7, 41, 57, new DateTimeOffset(2026, 1, 15, 9, 30, 5, TimeSpan.Zero), attributes);

    private static ChangeRecord Record(ChangeKind kind, string anchor, string alias, string? displayName = null, params string[] proxies)
    {
        var record = new ChangeRecord(kind, Guid.Parse(anchor), alias, DirectoryPath.Recipients)
        {
            Class = kind == ChangeKind.Add ? ObjectClass.Mailbox : null,
            DisplayName = kind == ChangeKind.Delete ? null : displayName ?? alias,
        };
        record.ProxyAddresses.AddRange(proxies.Select(ProxyAddress.Parse));
        return record;
    }

    /// <summary>Three plain records: an add, a modify and a delete.</summary>
    private static List<ChangeRecord> PlainRecords() =>
    [
        Record(ChangeKind.Add, "00000000-0000-0000-0000-000000000014", "Mailbox14", "Mailbox 14", "EDK:Mailbox14@Site1.Testorg.com", "SMTP:Mailbox14@Site1.Testorg.com"),
        Record(ChangeKind.Modify, "00000000-0000-0000-0000-000000000012", "Mailbox12", "Mailbox Twelve", "EDK:Mailbox12@Site1.Testorg.com"),
        Record(ChangeKind.Delete, "00000000-0000-0000-0000-000000000011", "Mailbox11"),
    ];

    private static byte[] Plain(ChangeSetFormat format) => ChangeSetFile.Write(format, Header(), PlainRecords());

    private static InputFormatException Refused(byte[] bytes)
    {
        return Assert.Throws<InputFormatException>(() => ChangeSetFile.Read(bytes, Name));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // ---- format detection -------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Formats))]
    public void OpenReader_FileOfEitherFormat_DetectsItsFormat(ChangeSetFormat format)
    {
        var (detected, header, records, trailer) = ChangeSetFile.Read(Plain(format));

        Assert.Equal(format, detected);
        Assert.Equal("INSTANCE1", header.Instance);
        Assert.Equal(3, records.Count);
        Assert.Equal(3, trailer.Records);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void OpenReader_ByteOrderMarkAndCrLf_StillDetectsTheFormat(ChangeSetFormat format)
    {
        // Detection looks past a byte order mark and CR LF line ends, which editors on Windows add.
        var lines = Encoding.UTF8.GetString(Plain(format));
        var first = lines.Split('\n').First(l => !l.StartsWith('#'));
        var bytes = Utf8("\uFEFF" + "# a comment\r\n" + first + "\r\n");

        // Integrity fails later, but only once the format was recognised and the reader opened.
        var error = Assert.Throws<InputFormatException>(() => ChangeSetFile.Read(bytes, Name));
        Assert.DoesNotContain("neither an LDIF nor an EDK DIRSYNC change set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenReader_EmptyFile_SaysTheFileIsEmpty()
    {
        var error = Refused([]);

        Assert.Equal("SYNC1: the file is empty", error.Message);
        Assert.Equal(ErrorCategory.Format, error.Category);
    }

    [Fact]
    public void OpenReader_CsvFile_NamesNeitherFormat()
    {
        var error = Refused(Utf8("Obj-Class,Common-Name,Display-Name\nMailbox,Mailbox11,Mailbox 11\n"));

        Assert.Equal("SYNC1:1:1: neither an LDIF nor an EDK DIRSYNC change set: the line starts with 'Obj-Class,Common-Name,Display-Name'", error.Message);
    }

    [Fact]
    public void OpenReader_ForeignFormatAfterComments_NamesTheFirstLineThatIsNotAComment()
    {
        var error = Refused(Utf8("# exported by some tool\n\n<?xml version=\"1.0\"?><directory/>\n"));

        Assert.Equal("SYNC1:3:1: neither an LDIF nor an EDK DIRSYNC change set: the line starts with '<?xml version=\"1.0\"?><directory/>'", error.Message);
    }

    [Fact]
    public void OpenReader_LdifWithoutHeader_SaysItIsNotAChangeSet()
    {
        var error = Refused(Utf8("version: 1\ndn: cn=Mailbox11,cn=Recipients,ou=Site1,o=Testorg\nchangetype: delete\n"));

        Assert.Equal(
            "not a DirSync change set: the header line 'dirsync-changeset' is missing (a file exported by 'dirsync run <instance>' starts with it)",
            error.Reason);
    }

    [Fact]
    public void OpenReader_ReferenceEdkSampleWithoutHeader_SaysItIsNotAChangeSet()
    {
        var sample = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "EdkDirSync", "sample.dirsync"));

        var error = Refused(sample);

        Assert.Equal(
            "not a DirSync change set: the header line 'dirsync-changeset' is missing (a file exported by 'dirsync run <instance>' starts with it)",
            error.Reason);
        Assert.Equal(3, error.Line);
    }

    // ---- header -----------------------------------------------------------------------------

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "source-identity")]
    [InlineData(ChangeSetFormat.Ldif, "source-organization")]
    [InlineData(ChangeSetFormat.Ldif, "instance")]
    [InlineData(ChangeSetFormat.Ldif, "mode")]
    [InlineData(ChangeSetFormat.Ldif, "sequence")]
    [InlineData(ChangeSetFormat.Ldif, "usn-from")]
    [InlineData(ChangeSetFormat.Ldif, "usn-to")]
    [InlineData(ChangeSetFormat.Ldif, "created")]
    [InlineData(ChangeSetFormat.Ldif, "attributes")]
    [InlineData(ChangeSetFormat.Edk, "source-site")]
    [InlineData(ChangeSetFormat.Edk, "source-server")]
    [InlineData(ChangeSetFormat.Edk, "sequence")]
    [InlineData(ChangeSetFormat.Edk, "usn-to")]
    public void OpenReader_HeaderKeyMissing_NamesTheKey(ChangeSetFormat format, string key)
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(format), text => RemoveLine(text, $"# {key}: "));

        var error = Refused(bytes);

        Assert.Equal($"the change set header lacks '{key}'", error.Reason);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void OpenReader_NoHeaderMarker_SaysItIsNotAChangeSet(ChangeSetFormat format)
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(format), text => RemoveLine(text, "# dirsync-changeset: "));

        var error = Refused(bytes);

        Assert.StartsWith("not a DirSync change set: the header line 'dirsync-changeset' is missing", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void OpenReader_LaterLayoutVersion_AsksForANewerDirSync(ChangeSetFormat format)
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(format), text => text.Replace("# dirsync-changeset: 1\n", "# dirsync-changeset: 2\n", StringComparison.Ordinal));

        var error = Refused(bytes);

        Assert.Equal("change set layout version '2' is not one this dirsync reads (it reads 1); upgrade dirsync", error.Reason);
    }

    [Theory]
    [InlineData("source-identity: 5f3bea70-2d2d-4ee3-a266-a2ee21a46c77", "source-identity: Server1", "source-identity 'Server1' is not a GUID")]
    [InlineData("mode: incremental", "mode: partial", "mode 'partial' is neither full nor incremental")]
    [InlineData("sequence: 7", "sequence: -7", "sequence '-7' is not a whole number")]
    [InlineData("usn-from: 41", "usn-from: 4.1", "usn-from '4.1' is not a whole number")]
    [InlineData("created: 2026-01-15T09:30:05Z", "created: yesterday", "created 'yesterday' is not a time")]
    [InlineData("attributes: title", "attributes: title,whenCreated", "the header lists 'whenCreated', which is not a descriptive attribute")]
    [InlineData("attributes: title", "attributes: title,Titel", "the header lists 'Titel', which is not a descriptive attribute")]
    public void OpenReader_BadHeaderValue_NamesTheValue(string original, string replacement, string reason)
    {
        var bytes = ChangeSetFile.EditAndReseal(
            ChangeSetFile.Write(ChangeSetFormat.Ldif, Header(Title), PlainRecords()),
            text => text.Replace("# " + original + "\n", "# " + replacement + "\n", StringComparison.Ordinal));

        var error = Refused(bytes);

        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Header_EveryField_ReadsBackAsWritten(ChangeSetFormat format)
    {
        var header = new ChangeSetHeader(
            Source, "INSTANCE1", ChangeSetMode.Full, 12, 0, 345, new DateTimeOffset(2026, 3, 1, 23, 59, 58, TimeSpan.Zero), InstanceSettings.DefaultExportAttributes);

        var read = ChangeSetFile.Read(ChangeSetFile.Write(format, header, [])).Header;

        Assert.Equal(Source.Identity, read.Source.Identity);
        Assert.Equal(("Testorg", "Site1", "Server1"), (read.Source.Organization, read.Source.Site, read.Source.Server));
        Assert.Equal(("INSTANCE1", ChangeSetMode.Full, 12L, 0L, 345L), (read.Instance, read.Mode, read.Sequence, read.UsnFrom, read.UsnTo));
        Assert.Equal(header.Created, read.Created);
        Assert.Equal(InstanceSettings.DefaultExportAttributes, read.Attributes);
    }

    [Fact]
    public void Header_LdifAndEdk_SpellTheAttributeListTheirOwnWay()
    {
        var ldif = Encoding.UTF8.GetString(ChangeSetFile.Write(ChangeSetFormat.Ldif, Header(Title, OtherTelephone), []));
        var edk = Encoding.UTF8.GetString(ChangeSetFile.Write(ChangeSetFormat.Edk, Header(Title, OtherTelephone), []));

        Assert.Contains("\n# attributes: title,otherTelephone\n", ldif, StringComparison.Ordinal);
        Assert.Contains("\n# attributes: Title,Telephone-Office2\n", edk, StringComparison.Ordinal);
        Assert.Contains("\n# attributes: -\n", Encoding.UTF8.GetString(Plain(ChangeSetFormat.Edk)), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void OpenReader_HeaderOverCommentLimit_Throws(ChangeSetFormat format)
    {
        // The header held in memory whole, so a file of endless comments ahead of its first record is refused.
        var bytes = Plain(format);
        var comments = ChangeSetHeaderText.Lines(Header(), a => a.LdapName).Count();

        var read = ChangeSetFile.Read(bytes, Name, new ChangeSetCodecs(new ChangeSetReaderOptions { MaxHeaderComments = comments }));
        var error = Assert.Throws<InputFormatException>(() =>
            ChangeSetFile.Read(bytes, Name, new ChangeSetCodecs(new ChangeSetReaderOptions { MaxHeaderComments = comments - 1 })));

        Assert.Equal(3, read.Records.Count);
        Assert.Equal((ChangeSetFile.LineOf(bytes, "# attributes:"), $"the header has more than the limit of {comments - 1} comments before the first record"), (error.Line, error.Reason));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void OpenReader_HeaderOverByteLimit_Throws(ChangeSetFormat format)
    {
        var bytes = Plain(format);
        var size = ChangeSetHeaderText.Lines(Header(), a => a.LdapName).Sum(Encoding.UTF8.GetByteCount);

        var read = ChangeSetFile.Read(bytes, Name, new ChangeSetCodecs(new ChangeSetReaderOptions { MaxHeaderBytes = size }));
        var error = Assert.Throws<InputFormatException>(() =>
            ChangeSetFile.Read(bytes, Name, new ChangeSetCodecs(new ChangeSetReaderOptions { MaxHeaderBytes = size - 1 })));

        Assert.Equal(3, read.Records.Count);
        Assert.Equal((ChangeSetFile.LineOf(bytes, "# attributes:"), $"the header is longer than the limit of {size - 1} bytes of comments before the first record"), (error.Line, error.Reason));
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "dn: ", "value is longer than the limit of 8 bytes")]
    [InlineData(ChangeSetFormat.Edk, "A /o=", "the distinguished name is longer than the limit of 8 bytes")]
    public void OpenReader_ReaderOptions_ReachTheFormatReader(ChangeSetFormat format, string firstRecord, string reason)
    {
        var bytes = Plain(format);
        var codecs = new ChangeSetCodecs(new ChangeSetReaderOptions
        {
            Ldif = new LdifReaderOptions { MaxValueBytes = 8 },
            Edk = new EdkReaderOptions { MaxValueBytes = 8 },
        });

        var error = Assert.Throws<InputFormatException>(() => ChangeSetFile.Read(bytes, Name, codecs));

        Assert.Equal((ChangeSetFile.LineOf(bytes, firstRecord), reason), (error.Line, error.Reason));
    }

    // ---- trailer and integrity --------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_NoTrailer_SaysTheFileWasCutShort(ChangeSetFormat format)
    {
        var (body, _) = ChangeSetFile.SplitTrailer(Plain(format));

        var error = Refused(Utf8(body));

        Assert.Equal("SYNC1: the file ends without its end marker: it was cut short or is still being written", error.Message);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_EveryTruncation_IsRefused(ChangeSetFormat format)
    {
        var bytes = Plain(format);

        // Every prefix but the whole file (and the file without only its final line feed) must fail:
        // a cut file never reads as a shorter valid one.
        for (var length = 0; length < bytes.Length - 1; length++)
        {
            var cut = bytes[..length];
            var error = Xunit.Record.Exception(() => ChangeSetFile.Read(cut, Name));
            Assert.True(error is InputFormatException, $"a cut after {length} of {bytes.Length} bytes gave {error?.GetType().Name ?? "no error"}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ReadAnchor_EitherFormat_YieldsTheAnchorsInOrderThenTheVerifiedTrailer(ChangeSetFormat format)
    {
        using var reader = ChangeSetCodecs.Default.OpenReader(new MemoryStream(Plain(format)), Name);
        var anchors = new List<Guid>();
        while (reader.ReadAnchor(out var anchor))
        {
            anchors.Add(anchor);
        }

        Assert.Equal(PlainRecords().Select(r => r.Anchor), anchors);
        Assert.Equal(3, reader.Trailer.Records);
        Assert.Equal(ChangeSetFile.Read(Plain(format)).Trailer.Sha256, reader.Trailer.Sha256);
        Assert.False(reader.ReadAnchor(out _));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ReadAnchor_EveryTruncation_IsRefused(ChangeSetFormat format)
    {
        var bytes = Plain(format);
        for (var length = 0; length < bytes.Length - 1; length++)
        {
            var cut = bytes[..length];
            var error = Xunit.Record.Exception(() =>
            {
                using var reader = ChangeSetCodecs.Default.OpenReader(new MemoryStream(cut), Name);
                while (reader.ReadAnchor(out _))
                {
                }
            });
            Assert.True(error is InputFormatException, $"a cut after {length} of {bytes.Length} bytes gave {error?.GetType().Name ?? "no error"}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_ByteOrderMark_CountsTowardsTheChecksum(ChangeSetFormat format)
    {
        var (body, records) = ChangeSetFile.SplitTrailer(Plain(format));
        var withMark = Utf8("\uFEFF" + body);

        // The mark added in front of a sealed file breaks the seal; sealed with the mark, the file reads.
        var error = Refused([.. withMark, .. SplitAtTrailer(Plain(format)).Trailer]);
        var read = ChangeSetFile.Read(ChangeSetFile.Reseal(withMark, records));

        Assert.Equal("the integrity check failed: the file was edited or damaged after it was exported", error.Reason);
        Assert.Equal(PlainRecords().Select(ChangeSetFile.DescribeAsRead), read.Records.Select(ChangeSetFile.Describe));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_CrLfLineEnds_FailTheChecksumUnlessSealedThatWay(ChangeSetFormat format)
    {
        var (body, records) = ChangeSetFile.SplitTrailer(Plain(format));
        var crlf = Utf8(body.Replace("\n", "\r\n", StringComparison.Ordinal));

        var error = Refused([.. crlf, .. Utf8(Encoding.UTF8.GetString(SplitAtTrailer(Plain(format)).Trailer).Replace("\n", "\r\n", StringComparison.Ordinal))]);
        var read = ChangeSetFile.Read(ChangeSetFile.Reseal(crlf, records));

        Assert.Equal("the integrity check failed: the file was edited or damaged after it was exported", error.Reason);
        Assert.Equal(PlainRecords().Select(ChangeSetFile.DescribeAsRead), read.Records.Select(ChangeSetFile.Describe));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_HeaderOnlyFile_ReadsNoRecords(ChangeSetFormat format)
    {
        var (detected, _, records, trailer) = ChangeSetFile.Read(ChangeSetFile.Write(format, Header(), []));

        Assert.Equal(format, detected);
        Assert.Empty(records);
        Assert.Equal(0, trailer.Records);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_TrailerCountsOneRecordMore_SaysTheCountIsWrong(ChangeSetFormat format)
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(format), text => text, records: 4);

        var error = Refused(bytes);

        Assert.Equal("the end marker declares 4 records but the file holds 3: it was edited or damaged", error.Reason);
        Assert.Equal(ChangeSetFile.LineOf(bytes, "# dirsync-end:"), error.Line);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_RecordRemovedAndResealedWithOldCount_SaysTheCountIsWrong(ChangeSetFormat format)
    {
        // Someone deleted the delete record and fixed up the checksum, but not the count.
        var bytes = ChangeSetFile.EditAndReseal(Plain(format), text => text[..text.IndexOf(format == ChangeSetFormat.Ldif ? "dn: cn=Mailbox11" : "D /o=", StringComparison.Ordinal)]);

        var error = Refused(bytes);

        Assert.Equal("the end marker declares 3 records but the file holds 2: it was edited or damaged", error.Reason);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_OneByteEdited_FailsTheIntegrityCheck(ChangeSetFormat format)
    {
        var bytes = Plain(format);
        var text = Encoding.UTF8.GetString(bytes);
        var edited = Utf8(text.Replace("Mailbox Twelve", "Mailbox Twelvf", StringComparison.Ordinal));

        var error = Refused(edited);

        Assert.Equal("the integrity check failed: the file was edited or damaged after it was exported", error.Reason);
        Assert.Equal(ChangeSetFile.LineOf(edited, "# dirsync-end:"), error.Line);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_AnyByteBeforeTheTrailerChanged_IsRefusedAsAFormatError(ChangeSetFormat format)
    {
        var bytes = Plain(format);
        var trailerStart = Encoding.UTF8.GetByteCount(ChangeSetFile.SplitTrailer(bytes).Body);

        for (var i = 0; i < trailerStart; i++)
        {
            foreach (var replacement in new byte[] { (byte)(bytes[i] ^ 0x01), (byte)'\n', (byte)' ' })
            {
                if (replacement == bytes[i])
                {
                    continue;
                }

                var edited = (byte[])bytes.Clone();
                edited[i] = replacement;
                var error = Xunit.Record.Exception(() => ChangeSetFile.Read(edited, Name));
                Assert.True(error is InputFormatException, $"byte {i} set to {replacement} gave {error?.GetType().Name ?? "no error"}: {error?.Message}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_ChecksumOfAnotherFile_FailsTheIntegrityCheck(ChangeSetFormat format)
    {
        var other = ChangeSetFile.Write(format, Header() with { Sequence = 8 }, PlainRecords());
        var (body, _) = ChangeSetFile.SplitTrailer(Plain(format));
        var (_, otherTrailerText) = SplitAtTrailer(other);

        var error = Refused([.. Utf8(body), .. otherTrailerText]);

        Assert.Equal("the integrity check failed: the file was edited or damaged after it was exported", error.Reason);
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "# appended later\n")]
    [InlineData(ChangeSetFormat.Edk, "# appended later\n")]
    [InlineData(ChangeSetFormat.Edk, "A /o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox15\n- Object-GUID:00000000-0000-0000-0000-000000000015\n- Common-Name:Mailbox15\n- Display-Name:Mailbox 15\n")]
    [InlineData(ChangeSetFormat.Ldif, "dn: cn=Mailbox15,cn=Recipients,ou=Site1,o=Testorg\ncontrol: " + LdifChangeSetWriter.AnchorControlOid + " false: 00000000-0000-0000-0000-000000000015\nchangetype: delete\n")]
    public void Read_ContentAfterTheTrailer_IsRefused(ChangeSetFormat format, string appended)
    {
        var error = Refused([.. Plain(format), .. Utf8(appended)]);

        Assert.Equal("there is content after the end marker: the file was edited or two files were joined", error.Reason);
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "'version:' must come before the first record")]
    [InlineData(ChangeSetFormat.Edk, "there is content after the end marker: the file was edited or two files were joined")]
    public void Read_TwoChangeSetsJoined_IsRefusedAtTheSecondOne(ChangeSetFormat format, string reason)
    {
        var single = Plain(format);

        var error = Refused([.. single, .. single]);

        // LDIF stops at the second file's version line, which LDIF allows only at the top.
        Assert.Equal(reason, error.Reason);
        Assert.Equal(Encoding.UTF8.GetString(single).Count(c => c == '\n') + 1, error.Line);
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "records=3 sha256")]
    [InlineData(ChangeSetFormat.Edk, "records=three sha256=00")]
    public void Read_MalformedTrailer_SaysTheEndMarkerIsMalformed(ChangeSetFormat format, string trailer)
    {
        var (body, _) = ChangeSetFile.SplitTrailer(Plain(format));

        var error = Refused(Utf8(body + "# dirsync-end: " + trailer + "\n"));

        Assert.Equal("the end marker is malformed; the file was edited or damaged", error.Reason);
    }

    // ---- records ----------------------------------------------------------------------------

    [Fact]
    public void Read_LdifUnknownCriticalControl_IsRefused()
    {
        var bytes = ChangeSetFile.EditAndReseal(
            Plain(ChangeSetFormat.Ldif),
            text => text.Replace("changetype: delete\n", "control: 1.2.840.113556.1.4.417 true\nchangetype: delete\n", StringComparison.Ordinal));

        var error = Refused(bytes);

        Assert.Equal(
            "the record 'cn=Mailbox11,cn=Recipients,ou=Site1,o=Testorg' has a critical control 1.2.840.113556.1.4.417 that DirSync does not understand",
            error.Reason);
    }

    [Fact]
    public void Read_LdifUnknownNonCriticalControl_IsIgnored()
    {
        var bytes = ChangeSetFile.EditAndReseal(
            Plain(ChangeSetFormat.Ldif),
            text => text.Replace("changetype: delete\n", "control: 1.2.840.113556.1.4.417 false\nchangetype: delete\n", StringComparison.Ordinal));

        var records = ChangeSetFile.Read(bytes).Records;

        Assert.Equal(PlainRecords().Select(ChangeSetFile.DescribeAsRead), records.Select(ChangeSetFile.Describe));
    }

    [Fact]
    public void Read_LdifRecordWithoutAnchorControl_IsRefused()
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(ChangeSetFormat.Ldif), text => RemoveLines(text, "control: ", 3));

        var error = Refused(bytes);

        Assert.Equal("the record for 'cn=Mailbox11,cn=Recipients,ou=Site1,o=Testorg' has no anchor (objectGUID); DirSync cannot match it", error.Reason);
    }

    [Fact]
    public void Read_EdkRecordWithoutObjectGuid_IsRefused()
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(ChangeSetFormat.Edk), text => RemoveLines(text, "- Object-GUID:", 2));

        var error = Refused(bytes);

        Assert.Equal("the record for '/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox12' has no anchor (objectGUID); DirSync cannot match it", error.Reason);
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "false: 00000000-0000-0000-0000-000000000014", "false: mailbox-14", "the anchor 'mailbox-14' of 'cn=Mailbox14,cn=Recipients,ou=Site1,o=Testorg' is not a GUID")]
    [InlineData(ChangeSetFormat.Edk, "- Object-GUID:00000000-0000-0000-0000-000000000014", "- Object-GUID:mailbox-14", "the anchor 'mailbox-14' of '/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox14' is not a GUID")]
    public void Read_AnchorNotAGuid_IsRefused(ChangeSetFormat format, string original, string replacement, string reason)
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(format), text => ReplaceFolded(text, original, replacement));

        var error = Refused(bytes);

        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "cn: Mailbox14\n", "cn: Mailbox14\nfavouriteColour: blue\n", "unknown attribute 'favouriteColour'")]
    [InlineData(ChangeSetFormat.Edk, "- Common-Name:Mailbox14\n", "- Common-Name:Mailbox14\n- Favourite-Colour:blue\n", "unknown attribute 'Favourite-Colour'")]
    [InlineData(ChangeSetFormat.Ldif, "cn: Mailbox14\n", "cn: Mailbox14\ntitle: Boss\n", "'title' is not among the attributes the header lists")]
    [InlineData(ChangeSetFormat.Edk, "- Common-Name:Mailbox14\n", "- Common-Name:Mailbox14\n- Title:Boss\n", "'Title' is not among the attributes the header lists")]
    [InlineData(ChangeSetFormat.Ldif, "cn: Mailbox14\n", "cn: Mailbox14\nuSNChanged: 99\n", "'uSNChanged' does not belong in a change set record")]
    [InlineData(ChangeSetFormat.Edk, "- Common-Name:Mailbox14\n", "- Common-Name:Mailbox14\n- Member:/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox12\n", "'Member' does not belong in a change set record")]
    [InlineData(ChangeSetFormat.Ldif, "cn: Mailbox14\n", "cn: Mailbox14\ncn: Mailbox14b\n", "'cn' takes one value, not 2")]
    [InlineData(ChangeSetFormat.Edk, "- Display-Name:Mailbox 14\n", "- Display-Name:Mailbox 14\n- displayName:Fourteen\n", "the attribute 'displayName' appears twice in the record")]
    [InlineData(ChangeSetFormat.Ldif, "proxyAddresses: EDK:Mailbox14@Site1.Testorg.com\n", "proxyAddresses: Mailbox14-at-Site1\n", "invalid address 'Mailbox14-at-Site1': expected TYPE:address, such as SMTP:joe@example.com")]
    [InlineData(ChangeSetFormat.Ldif, "displayName: Mailbox 14\n", "", "the record 'cn=Mailbox14,cn=Recipients,ou=Site1,o=Testorg' lacks cn or displayName, which every add and modify carries")]
    [InlineData(ChangeSetFormat.Edk, "- Common-Name:Mailbox14\n", "", "the record '/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox14' lacks Common-Name or Display-Name, which every add and modify carries")]
    [InlineData(ChangeSetFormat.Edk, "D /o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11\n- Object-GUID:00000000-0000-0000-0000-000000000011\n", "D /o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11\n- Object-GUID:00000000-0000-0000-0000-000000000011\n- Common-Name:Mailbox11\n", "the delete of '/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11' carries more than its Object-GUID")]
    [InlineData(ChangeSetFormat.Ldif, "dn: cn=Mailbox14,cn=Recipients,ou=Site1,o=Testorg\n", "dn: ou=Site1,o=Testorg\n", "'ou=Site1,o=Testorg' is not a recipient's distinguished name (cn=alias,...,ou=Site,o=Org)")]
    [InlineData(ChangeSetFormat.Ldif, "replace: targetAddress\n", "add: targetAddress\n", "a change set's modify records only replace; 'add: targetAddress' is not one")]
    public void Read_RecordThatDoesNotFit_IsRefused(ChangeSetFormat format, string original, string replacement, string reason)
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(format), text =>
        {
            Assert.Contains(original, text, StringComparison.Ordinal);
            return text.Replace(original, replacement, StringComparison.Ordinal);
        });

        var error = Refused(bytes);

        Assert.Equal(reason, error.Reason);
        Assert.Equal(ErrorCategory.Format, error.Category);
    }

    [Fact]
    public void Read_LdifModRdnRecord_IsRefused()
    {
        var bytes = ChangeSetFile.EditAndReseal(
            Plain(ChangeSetFormat.Ldif),
            text => text.Replace("changetype: delete\n", "changetype: modrdn\nnewrdn: cn=Mailbox11b\ndeleteoldrdn: 1\n", StringComparison.Ordinal));

        var error = Refused(bytes);

        Assert.Equal("a change set holds add, modify and delete records, not 'ModRdn'", error.Reason);
    }

    [Fact]
    public void Read_RecordErrors_NameTheLineOfTheRecord()
    {
        var bytes = ChangeSetFile.EditAndReseal(Plain(ChangeSetFormat.Edk), text => RemoveLines(text, "- Object-GUID:", 2));

        var error = Refused(bytes);

        var recordLine = ChangeSetFile.LineOf(bytes, "M /o=");
        Assert.Equal(
            $"SYNC1:{recordLine}: the record for '/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox12' has no anchor (objectGUID); DirSync cannot match it",
            error.Message);
    }

    // ---- round trips ------------------------------------------------------------------------

    /// <summary>Records with every kind of awkward value an attribute, name or address can hold.</summary>
    private static List<ChangeRecord> AwkwardRecords()
    {
        var add = Record(
            ChangeKind.Add,
            "6f1e3a52-8c0d-4b7e-9a41-0d2c5e8f7a11",
            "Zoë.Ångström",
            "Ångström, Zoë: Ops",
            "EDK:Zoë.Ångström@Site1.Testorg.com",
            "SMTP:zoe.angstrom@site1.testorg.com",
            "smtp:zoe@example.com",
            "X400:c=US;a= ;p=Testorg;o=Site1;s=Angstrom;");
        add.Attributes.Set(Title, ["  leading and trailing spaces  "]);
        add.Attributes.Set(OtherTelephone, ["+1 555 0100", ": starts with a colon", "< starts with an angle", "#hash, comma; semicolon"]);
        add.Attributes.Set(Info, ["line one\nline two\r\nline three\ttabbed \"quoted\" back\\slash"]);
        add.Attributes.Set(Department, ["日本語の部署 — emoji 😀"]);

        var custom = new ChangeRecord(ChangeKind.Add, Guid.Parse("0d5c9b7e-1111-4a2b-8c3d-4e5f6a7b8c9d"), "Joe, Jr.", DirectoryPath.Parse("Recipients/Sales, Europe"))
        {
            Class = ObjectClass.CustomRecipient,
            DisplayName = " Joe = Jr. ",
            TargetAddress = ProxyAddress.Parse("SMTP:joe@example.com"),
        };
        custom.ProxyAddresses.Add(ProxyAddress.Parse("SMTP:joe@example.com"));

        var modify = Record(ChangeKind.Modify, "7a7a7a7a-0000-4000-8000-000000000012", "Mailbox12", "Mailbox \"Twelve\" \\ ");
        modify.Attributes.Set(Title, ["x:y"]);
        var cleared = Record(ChangeKind.Modify, "7a7a7a7a-0000-4000-8000-000000000013", "#Mailbox13 ");
        var delete = new ChangeRecord(ChangeKind.Delete, Guid.Parse("7a7a7a7a-0000-4000-8000-000000000011"), "Mailbox,11", DirectoryPath.Parse("Recipients/Zürich"));
        return [add, custom, modify, cleared, delete];
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void RoundTrip_AwkwardValues_ReadBackIdentical(ChangeSetFormat format)
    {
        var records = AwkwardRecords();
        var header = Header(Title, OtherTelephone, Info, Department);

        var read = ChangeSetFile.Read(ChangeSetFile.Write(format, header, records)).Records;

        Assert.Equal(records.Select(ChangeSetFile.DescribeAsRead), read.Select(ChangeSetFile.Describe));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void RoundTrip_HundredKilobyteValue_ReadBackIdentical(ChangeSetFormat format)
    {
        var builder = new StringBuilder();
        for (var i = 0; builder.Length < 100 * 1024; i++)
        {
            builder.Append(i % 7 == 0 ? "Zürich, " : "word: ").Append(i).Append(' ');
        }

        var value = builder.ToString();
        var record = Record(ChangeKind.Add, "00000000-0000-0000-0000-0000000000aa", "Big", "Big");
        record.Attributes.Set(Info, [value]);

        var read = ChangeSetFile.Read(ChangeSetFile.Write(format, Header(Info), [record])).Records;

        Assert.Equal(value, Assert.Single(read).Attributes.GetSingle(Info));
        Assert.Equal(ChangeSetFile.DescribeAsRead(record), ChangeSetFile.Describe(read[0]));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void RoundTrip_ModifyWithoutValues_ClearsEveryListedAttribute(ChangeSetFormat format)
    {
        var modify = Record(ChangeKind.Modify, "00000000-0000-0000-0000-000000000012", "Mailbox12");

        var bytes = ChangeSetFile.Write(format, Header(Title, OtherTelephone), [modify]);
        var text = Encoding.UTF8.GetString(bytes);
        var read = Assert.Single(ChangeSetFile.Read(bytes).Records);

        // The clears are written out, so a reader knows the attributes are emptied, not left alone.
        if (format == ChangeSetFormat.Ldif)
        {
            Assert.Contains("replace: title\n-\nreplace: otherTelephone\n-\n", text, StringComparison.Ordinal);
            Assert.Contains("replace: targetAddress\n-\n", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("- Target-Address:\n- Title:\n- Telephone-Office2:\n", text, StringComparison.Ordinal);
        }

        Assert.Equal(0, read.Attributes.Count);
        Assert.Null(read.TargetAddress);
        Assert.Empty(read.ProxyAddresses);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Write_Records_CountAndChecksumInTheTrailer(ChangeSetFormat format)
    {
        var bytes = Plain(format);
        var (body, records) = ChangeSetFile.SplitTrailer(bytes);

        Assert.Equal(3, records);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Utf8(body)));
        Assert.Equal(expected, ChangeSetFile.Read(bytes).Trailer.Sha256);
        Assert.EndsWith("\n", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    // ---- the stream -------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Formats))]
    public void OpenReader_ReaderDisposed_ClosesTheStream(ChangeSetFormat format)
    {
        // The reader owns the stream: callers hand over a file stream and keep only the reader, so a
        // stream left open would hold the file (on Windows, locked) until the garbage collector came by.
        var stream = new WatchedStream(Plain(format));
        var reader = ChangeSetCodecs.Default.OpenReader(stream, Name);
        while (reader.Read(out _))
        {
        }

        reader.Dispose();

        Assert.True(stream.Disposed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<xml/>\n")]
    [InlineData("# dirsync-changeset: 1\nA /o=x/ou=y/cn=z\n")]
    public void OpenReader_FileRefused_ClosesTheStream(string text)
    {
        var stream = new WatchedStream(Utf8(text));

        Assert.Throws<InputFormatException>(() => ChangeSetCodecs.Default.OpenReader(stream, Name));

        Assert.True(stream.Disposed);
    }

    // ---- golden files -----------------------------------------------------------------------

    private static ChangeSetHeader GoldenHeader() => new(
        Source,
        "INSTANCE1",
        ChangeSetMode.Incremental,
        7,
        41,
        57,
        new DateTimeOffset(2026, 1, 15, 9, 30, 5, TimeSpan.Zero),
        new[] { "givenName", "sn", "title", "department", "otherTelephone", "info", "extensionAttribute15" }.Select(AttributeCatalog.Get).ToList());

    /// <summary>Adds, modifies with clears, deletes, and every awkward value a change set must carry unchanged.</summary>
    private static List<ChangeRecord> GoldenRecords()
    {
        var plain = Record(ChangeKind.Add, "8f58e99a-f679-4555-a342-813e34b78466", "Mailbox14", "Mailbox 14", "EDK:Mailbox14@Site1.Testorg.com", "SMTP:Mailbox14@Site1.Testorg.com");
        plain.Attributes.Set(Title, ["Engineer"]);
        plain.Attributes.Set(OtherTelephone, ["+1 555 0141", "+1 555 0142"]);

        var awkward = Record(
            ChangeKind.Add,
            "6f1e3a52-8c0d-4b7e-9a41-0d2c5e8f7a11",
            "Zoë.Ångström",
            "Ångström, Zoë: Ops",
            "EDK:Zoë.Ångström@Site1.Testorg.com",
            "SMTP:zoe.angstrom@site1.testorg.com",
            "smtp:zoe@example.com");
        awkward.Attributes.Set(AttributeCatalog.Get("givenName"), ["Zoë"]);
        awkward.Attributes.Set(AttributeCatalog.Get("sn"), [" Ångström"]);
        awkward.Attributes.Set(Title, ["trailing space "]);
        awkward.Attributes.Set(Department, ["Sales: EMEA, North; \"key\" accounts"]);
        awkward.Attributes.Set(Info, ["line one\r\nline two\ttabbed, C:\\Users\\zoe"]);
        awkward.Attributes.Set(AttributeCatalog.Get("extensionAttribute15"), [string.Join(' ', Enumerable.Range(1, 30).Select(i => $"word{i}"))]);

        var custom = new ChangeRecord(ChangeKind.Add, Guid.Parse("0d5c9b7e-1111-4a2b-8c3d-4e5f6a7b8c9d"), "Joe, Jr.", DirectoryPath.Parse("Recipients/Sales"))
        {
            Class = ObjectClass.CustomRecipient,
            DisplayName = "\"Joe\" Jr.",
            TargetAddress = ProxyAddress.Parse("SMTP:joe@example.com"),
        };
        custom.ProxyAddresses.Add(ProxyAddress.Parse("SMTP:joe@example.com"));

        var renamed = Record(ChangeKind.Modify, "c40dc4df-2d86-4506-b2f8-6a555f80163c", "Mailbox12", "Mailbox Twelve", "EDK:Mailbox12@Site1.Testorg.com", "SMTP:Mailbox12@Site1.Testorg.com");
        renamed.Attributes.Set(Department, ["Research"]);
        var odd = Record(ChangeKind.Modify, "7a7a7a7a-0000-4000-8000-000000000013", "Mailbox13", "Mailbox 13", "EDK:Mailbox13@Site1.Testorg.com");
        odd.Attributes.Set(Title, [":colon first"]);
        odd.Attributes.Set(Info, ["<angle first"]);
        odd.Attributes.Set(OtherTelephone, ["# not a comment"]);

        return
        [
            plain,
            awkward,
            custom,
            renamed,
            odd,
            Record(ChangeKind.Delete, "3195ff08-c9f2-46e5-ae03-5ad5c104cb8b", "Mailbox11"),
            new ChangeRecord(ChangeKind.Delete, Guid.Parse("cbf67ef1-3234-4587-b5cf-3c7a1cded451"), "Zoë.Ångström-old", DirectoryPath.Parse("Recipients/Zürich")),
        ];
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "changeset.ldif")]
    [InlineData(ChangeSetFormat.Edk, "changeset.dirsync")]
    public void Write_GoldenRecords_MatchesGoldenFile(ChangeSetFormat format, string file)
    {
        var actual = ChangeSetFile.Write(format, GoldenHeader(), GoldenRecords());

        if (Environment.GetEnvironmentVariable("DIRSYNC_REGENERATE_GOLDEN") == "1")
        {
            var path = Path.Combine(SourceGoldenFolder(), file);
            File.WriteAllBytes(path, actual);
            Assert.Skip($"regenerated {path}");
        }

        var expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "ChangeSets", file));
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif, "changeset.ldif")]
    [InlineData(ChangeSetFormat.Edk, "changeset.dirsync")]
    public void Read_GoldenFile_ReturnsTheGoldenHeaderAndRecords(ChangeSetFormat format, string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "ChangeSets", file));

        var (detected, header, records, trailer) = ChangeSetFile.Read(bytes, file);

        Assert.Equal(format, detected);
        var expected = GoldenHeader();
        Assert.Equal(
            (expected.Source.Identity, expected.Source.DisplayName, expected.Instance, expected.Mode, expected.Sequence, expected.UsnFrom, expected.UsnTo, expected.Created),
            (header.Source.Identity, header.Source.DisplayName, header.Instance, header.Mode, header.Sequence, header.UsnFrom, header.UsnTo, header.Created));
        Assert.Equal(expected.Attributes, header.Attributes);
        Assert.Equal(GoldenRecords().Select(ChangeSetFile.DescribeAsRead), records.Select(ChangeSetFile.Describe));
        Assert.Equal(7, trailer.Records);
    }

    private static string SourceGoldenFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "TestData", "ChangeSets"));

    private static string RemoveLine(string text, string prefix)
    {
        var lines = text.Split('\n').ToList();
        var index = lines.FindIndex(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no line starts with '{prefix}'");
        lines.RemoveAt(index);
        return string.Join('\n', lines);
    }

    /// <summary>Removes the <paramref name="nth"/> (1-based) logical line that starts with <paramref name="prefix"/>, with its folded continuation lines.</summary>
    private static string RemoveLines(string text, string prefix, int nth)
    {
        var lines = text.Split('\n').ToList();
        var seen = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith(prefix, StringComparison.Ordinal) && ++seen == nth)
            {
                lines.RemoveAt(i);
                while (i < lines.Count && lines[i].StartsWith(' '))
                {
                    lines.RemoveAt(i);
                }

                return string.Join('\n', lines);
            }
        }

        throw new InvalidOperationException($"fewer than {nth} lines start with '{prefix}'");
    }

    /// <summary>Replaces text that LDIF may have folded: unfolds, replaces, and leaves the line unfolded (still valid LDIF).</summary>
    private static string ReplaceFolded(string text, string original, string replacement)
    {
        var unfolded = text.Replace("\n ", "", StringComparison.Ordinal);
        Assert.Contains(original, unfolded, StringComparison.Ordinal);
        return unfolded.Replace(original, replacement, StringComparison.Ordinal);
    }

    private sealed class WatchedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private static (byte[] Body, byte[] Trailer) SplitAtTrailer(byte[] bytes)
    {
        var length = Encoding.UTF8.GetByteCount(ChangeSetFile.SplitTrailer(bytes).Body);
        return (bytes[..length], bytes[length..]);
    }
}
