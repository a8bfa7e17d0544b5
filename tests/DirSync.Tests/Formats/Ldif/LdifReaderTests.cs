using System.Security.Cryptography;
using System.Text;
using DirSync.Core;
using DirSync.Core.Formats;
using DirSync.Core.Formats.Ldif;
using DirSync.Tests.Support;

namespace DirSync.Tests.Formats.Ldif;

public sealed class LdifReaderTests
{
    private static InputFormatException ReadError(string ldif, LdifReaderOptions? options = null) =>
        Assert.Throws<InputFormatException>(() => LdifDump.ReadAll(ldif, options));

    private static InputFormatException ReadError(byte[] ldif, LdifReaderOptions? options = null) =>
        Assert.Throws<InputFormatException>(() => LdifDump.ReadAll(ldif, options));

    [Fact]
    public void Read_ContentRecords_ReturnsAttributesInFileOrder()
    {
        var items = LdifDump.ReadAll(
            "dn: cn=Ann,o=Example\ncn: Ann\nmail: ann@example.com\ncn;lang-de: Anna\n2.5.4.4: Smith\ncn: Annie\n\n" +
            "dn: cn=Bob,o=Example\nobjectClass: person\n");
        Assert.Equal(
            [
                "1: None \"cn=Ann,o=Example\"\n  cn: \"Ann\"\n  mail: \"ann@example.com\"\n  cn;lang-de: \"Anna\"\n  2.5.4.4: \"Smith\"\n  cn: \"Annie\"",
                "8: None \"cn=Bob,o=Example\"\n  objectClass: \"person\"",
            ],
            items);
    }

    [Fact]
    public void Read_ControlsOfAChangeRecord_ReturnsThemInOrder()
    {
        var ldif = "dn: cn=a,o=x\ncontrol: 1.2.840.113556.1.4.805 true\ncontrol: 2.25.7 false: 4368116f-63fe-4bb2-afd2-a59d24e49b82\n" +
            "control: 1.2.3:: SGVsbG8gd29ybGQ=\nchangetype: delete\n";
        using var reader = new LdifReader(new MemoryStream(Encoding.UTF8.GetBytes(ldif)), "t");
        Assert.True(reader.Read());
        Assert.Equal(LdifChangeType.Delete, reader.Record.ChangeType);
        Assert.Equal(
            [
                new LdifControl("1.2.840.113556.1.4.805", true, null),
                new LdifControl("2.25.7", false, "4368116f-63fe-4bb2-afd2-a59d24e49b82"),
                new LdifControl("1.2.3", false, "Hello world"),
            ],
            reader.Record.Controls);
    }

    [Fact]
    public void Read_EveryChangeType_ParsesItsFields()
    {
        var ldif = """
            dn: cn=a,o=x
            changetype: add
            cn: a
            sn: A

            dn: cn=b,o=x
            changetype: delete

            dn: cn=c,o=x
            changetype: modify
            add: mail
            mail: c@x
            mail: c2@x
            -
            delete: phone
            -
            delete: fax
            fax: 1
            -
            replace: sn
            sn: C
            -
            replace: title
            -

            dn: cn=d,o=x
            changetype: modrdn
            newrdn: cn=e
            deleteoldrdn: 1
            newsuperior: o=y

            dn: cn=f,o=x
            changetype: moddn
            newrdn: cn=g
            deleteoldrdn: 0

            """;
        Assert.Equal(
            [
                "1: Add \"cn=a,o=x\"\n  cn: \"a\"\n  sn: \"A\"",
                "6: Delete \"cn=b,o=x\"",
                "9: Modify \"cn=c,o=x\"\n  Add mail: \"c@x\" \"c2@x\"\n  Delete phone:\n  Delete fax: \"1\"\n  Replace sn: \"C\"\n  Replace title:",
                "26: ModRdn \"cn=d,o=x\"\n  newrdn \"cn=e\" deleteoldrdn 1 newsuperior \"o=y\"",
                "32: ModRdn \"cn=f,o=x\"\n  newrdn \"cn=g\" deleteoldrdn 0 newsuperior null",
            ],
            LdifDump.ReadAll(ldif));
    }

    [Fact]
    public void Read_KeywordsInAnyCase_AreRecognized()
    {
        Assert.Equal(
            ["1: version", "2: Modify \"o=x\"\n  Replace CN: \"y\""],
            LdifDump.ReadAll("VERSION: 1\nDN: o=x\nChangeType: Modify\nRePlace: CN\ncn: y\n-\n"));
    }

    [Fact]
    public void Read_ModifyWithoutFinalDash_AcceptsLastModification()
    {
        Assert.Equal(
            ["1: Modify \"o=x\"\n  Add cn: \"y\""],
            LdifDump.ReadAll("dn: o=x\nchangetype: modify\nadd: cn\ncn: y\n"));
    }

    [Fact]
    public void Read_ModifyValueNameInOtherCase_MatchesItsModification()
    {
        Assert.Equal(
            ["1: Modify \"o=x\"\n  Add cn: \"y\""],
            LdifDump.ReadAll("dn: o=x\nchangetype: modify\nadd: cn\nCN: y\n-\n"));
    }

    [Fact]
    public void Read_VersionLine_ReturnedAsFirstItem()
    {
        Assert.Equal(
            ["2: comment \"top\"", "3: version", "4: None \"o=x\"\n  o: \"x\""],
            LdifDump.ReadAll("\n# top\nversion: 1\ndn: o=x\no: x\n"));
    }

    [Fact]
    public void Read_Values_LeadingSpacesRemovedTrailingSpaceKept()
    {
        Assert.Equal(
            ["1: None \"o=x\"\n  a: \"one \"\n  b: \"two\"\n  c: \"\"\n  d: \"\"\n  e: \"\"\n  f: \"a:b<c\"\n  g: \":x\""],
            LdifDump.ReadAll("dn:   o=x\na:   one \nb:two\nc:\nd:  \ne::\nf: a:b<c\ng: :x\n"));
    }

    [Fact]
    public void Read_Base64Values_DecodedAsUtf8()
    {
        // "cn=Müller" and " leading space" and "日本語".
        Assert.Equal(
            ["1: None \"cn=Müller\"\n  a: \" leading space\"\n  b: \"日本語\"\n  c: \"x\""],
            LdifDump.ReadAll("dn:: Y249TcO8bGxlcg==\na:: IGxlYWRpbmcgc3BhY2U=\nb::5pel5pys6Kqe\nc:: eA== \n"));
    }

    [Fact]
    public void Read_PlainUtf8Value_Decoded()
    {
        Assert.Equal(["1: None \"o=x\"\n  cn: \"Müller 日本語 😀\""], LdifDump.ReadAll("dn: o=x\ncn: Müller 日本語 😀\n"));
    }

    [Fact]
    public void Read_FoldedLines_JoinedWithoutTheLeadingSpace()
    {
        Assert.Equal(
            ["1: None \"cn=long,o=x\"\n  description: \"one two  three\"", "8: None \"o=y\"\n  o: \"y\""],
            LdifDump.ReadAll("dn: cn=lo\n ng,o=x\ndescrip\n tion: one\n  two \n  three\n\ndn: o=y\no: y\n"));
    }

    [Fact]
    public void Read_FoldInsideUtf8Sequence_DecodesTheJoinedBytes()
    {
        // The fold splits ü (C3 BC) and 😀 (F0 9F 98 80) between their bytes.
        var ldif = Bytes("dn: o=x\ncn: M", new byte[] { 0xC3 }, "\n ", new byte[] { 0xBC }, "ller ", new byte[] { 0xF0, 0x9F }, "\n ", new byte[] { 0x98, 0x80 }, "\n");
        Assert.Equal(["1: None \"o=x\"\n  cn: \"Müller 😀\""], LdifDump.ReadAll(ldif));
    }

    [Fact]
    public void Read_FoldInsideBase64_DecodesTheJoinedRun()
    {
        // 5pel5pys6Kqe = "日本語", split inside a quartet and at the marker.
        Assert.Equal(
            ["1: None \"o=x\"\n  cn: \"日本語\"\n  sn: \"日本語\""],
            LdifDump.ReadAll("dn: o=x\ncn:: 5pe\n l5p\n ys6Kqe\nsn:\n : 5pel5pys6Kqe\n"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_CrLfLines_SameAsLf(bool trickle)
    {
        var ldif = "version: 1\n# c\n  long\ndn: cn=a\n ,o=x\ncn: a \n\n\ndn: o=y\nchangetype: modify\nadd: cn\ncn:: eA==\n-\n";
        var expected = LdifDump.ReadAll(ldif);
        Assert.Equal(expected, LdifDump.ReadAll(ldif.Replace("\n", "\r\n", StringComparison.Ordinal), trickle: trickle));
        Assert.Equal(["1: version", "2: comment \"c long\"", "4: None \"cn=a,o=x\"\n  cn: \"a \"", "9: Modify \"o=y\"\n  Add cn: \"x\""], expected);
    }

    [Fact]
    public void Read_CommentsBetweenRecords_ReturnedAsItems()
    {
        var ldif = "# dirsync-source: one\n#two\n#  three\n#\n\ndn: o=x\no: x\n\n# between\n\n\n# folded com\n ment\ndn: o=y\no: y\n";
        Assert.Equal(
            [
                "1: comment \"dirsync-source: one\"",
                "2: comment \"two\"",
                "3: comment \" three\"",
                "4: comment \"\"",
                "6: None \"o=x\"\n  o: \"x\"",
                "9: comment \"between\"",
                "12: comment \"folded comment\"",
                "14: None \"o=y\"\n  o: \"y\"",
            ],
            LdifDump.ReadAll(ldif));
    }

    [Fact]
    public void Read_CommentsInsideRecord_Skipped()
    {
        var ldif = "dn: o=x\n# inside\no: x\n# inside\n and folded\nchangetypeless: y\n# last line of the record\n\ndn: o=y\nchangetype: modify\n# c\nadd: cn\n# c\ncn: z\n# c\n-\n# c\n";
        Assert.Equal(
            ["1: None \"o=x\"\n  o: \"x\"\n  changetypeless: \"y\"", "9: Modify \"o=y\"\n  Add cn: \"z\""],
            LdifDump.ReadAll(ldif));
    }

    [Fact]
    public void Read_NoBlankLineAtEnd_YieldsLastRecord()
    {
        Assert.Equal(["1: None \"o=x\"\n  o: \"x\""], LdifDump.ReadAll("dn: o=x\no: x"));
    }

    [Fact]
    public void Read_EmptyInput_ReturnsFalse()
    {
        using var reader = new LdifReader(new MemoryStream(), "in.ldif");
        Assert.False(reader.Read());
        Assert.Equal(LdifItemKind.None, reader.ItemKind);
        Assert.Throws<InvalidOperationException>(() => reader.Record);
    }

    [Fact]
    public void Read_ByteOrderMark_Skipped()
    {
        Assert.Equal(["1: version", "2: None \"o=x\"\n  o: \"x\""], LdifDump.ReadAll(Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, "version: 1\ndn: o=x\no: x\n")));
    }

    [Fact]
    public void Read_GoldenInput_MatchesExpectedItems()
    {
        // A hand-written file in the styles other tools produce: CRLF, folds anywhere, comments, mixed case.
        var items = LdifDump.ReadAll(GoldenFile.Read("reader-input.ldif"));
        GoldenFile.Check("reader-input.expected.txt", Encoding.UTF8.GetBytes(string.Join("\n", items) + "\n"));
    }

    [Fact]
    public void Record_EachRecord_IsNewObject()
    {
        using var reader = new LdifReader(new MemoryStream("dn: o=x\no: x\n\ndn: o=y\no: y\n"u8.ToArray()), "in.ldif");
        Assert.True(reader.Read());
        var first = reader.Record;
        Assert.True(reader.Read());
        Assert.NotSame(first, reader.Record);
        Assert.Equal("o=x", first.Dn);
        Assert.Equal("x", first.Attributes[0].Value);
    }

    [Fact]
    public void GetHashBeforeCurrentItem_OnComment_CoversExactlyThePrecedingBytes()
    {
        var bytes = "version: 1\r\n# dirsync-source: a\ndn: cn=a,\n o=x\ncn: a\n# inside\n\n\n# dirsync-\n integrity: 1\n\n# plain: 2\n"u8.ToArray();
        using var reader = new LdifReader(new TrickleStream(bytes), "in.ldif");
        reader.EnableHash(HashAlgorithmName.SHA256);
        var seen = new List<(string Comment, byte[] Hash)>();
        while (reader.Read())
        {
            if (reader.ItemKind == LdifItemKind.Comment)
            {
                seen.Add((reader.Comment, reader.GetHashBeforeCurrentItem()));
            }
        }

        var text = Encoding.UTF8.GetString(bytes);
        Assert.Equal(["dirsync-source: a", "dirsync-integrity: 1", "plain: 2"], seen.Select(s => s.Comment));
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, text.IndexOf("# dirsync-source", StringComparison.Ordinal))), seen[0].Hash);
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, text.IndexOf("# dirsync-\n", StringComparison.Ordinal))), seen[1].Hash);
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, text.IndexOf("# plain", StringComparison.Ordinal))), seen[2].Hash);
        Assert.Equal(SHA256.HashData(bytes), reader.GetHashBeforeCurrentItem());
    }

    [Fact]
    public void GetHashBeforeCurrentItem_OnRecord_Throws()
    {
        using var reader = new LdifReader(new MemoryStream("dn: o=x\no: x\n"u8.ToArray()), "in.ldif");
        reader.EnableHash(HashAlgorithmName.SHA256);
        reader.Read();
        Assert.Throws<InvalidOperationException>(() => reader.GetHashBeforeCurrentItem());
    }

    [Theory]
    [InlineData("cn: x\n", 1, 1, "record does not start with 'dn:'")]
    [InlineData("dn: o=x\no: x\n\nversion: 1\n", 4, 1, "'version:' must come before the first record")]
    [InlineData("version: 1\nversion: 1\n", 2, 1, "'version:' appears twice")]
    [InlineData("version: 2\n", 1, 10, "unsupported LDIF version '2'; only version 1 is supported")]
    [InlineData(" dn: o=x\n", 1, 1, "continuation line has no line before it")]
    [InlineData("dn: o=x\no: x\n\n more\n", 4, 1, "continuation line has no line before it")]
    [InlineData("dn:: Y249eA=!\no: x\n", 1, 10, "invalid base64 value")]
    [InlineData("dn: o=x\ncn: a\n b\ncn:: Zm9v\n YmFy!\n", 5, 6, "invalid base64 value")]
    [InlineData("dn: o=x\ncn:: /w==\n", 2, 6, "base64 value is not valid UTF-8")]
    [InlineData("dn: o=x\ncn: a\0b\n", 2, 6, "a plain value cannot contain NUL or CR; such values must be base64-encoded")]
    [InlineData("dn: o=x\ncn: a\rb\n", 2, 6, "a plain value cannot contain NUL or CR; such values must be base64-encoded")]
    [InlineData("dn: o=x\ncn:< file:///etc/passwd\n", 2, 4, "URL values are not supported")]
    [InlineData("dn: o=x\n: x\n", 2, 1, "attribute name is empty")]
    [InlineData("dn: o=x\nc n: x\n", 2, 2, "invalid character ' ' in attribute name")]
    [InlineData("dn: o=x\n1cn: x\n", 2, 2, "invalid character 'c' in attribute name")]
    [InlineData("dn: o=x\n-cn: x\n", 2, 1, "invalid character '-' in attribute name")]
    [InlineData("dn: o=x\ncn;: x\n", 2, 4, "attribute name 'cn;' is incomplete")]
    [InlineData("dn: o=x\n2.5.: x\n", 2, 5, "attribute name '2.5.' is incomplete")]
    [InlineData("dn: o=x\ncn: x\nsur\n  name: y\n", 4, 2, "invalid character ' ' in attribute name")]
    [InlineData("dn: o=x\no: x\n-\n", 3, 1, "'-' outside a modify record")]
    [InlineData("dn: o=x\nchangetype: frob\n", 2, 13, "unknown changetype 'frob'")]
    [InlineData("dn: o=x\nchangetype:: YWRk\n", 2, 12, "'changetype:' takes a plain value")]
    [InlineData("dn: o=x\ncontrol: 1.2.840.113556.1.4.805 true\ncn: x\n", 3, 1, "'control:' lines belong to change records; 'changetype:' must follow them")]
    [InlineData("dn: o=x\ncontrol: 1..2\nchangetype: delete\n", 2, 10, "a control needs a numeric OID, such as 1.2.840.113556.1.4.417")]
    [InlineData("dn: o=x\ncontrol: abc\nchangetype: delete\n", 2, 10, "a control needs a numeric OID, such as 1.2.840.113556.1.4.417")]
    [InlineData("dn: o=x\ncontrol: 1.2.3 maybe\nchangetype: delete\n", 2, 16, "a control's criticality is 'true' or 'false'")]
    [InlineData("dn: o=x\no: x\ndn: o=y\n", 3, 1, "'dn:' inside a record; records are separated by a blank line")]
    [InlineData("dn: o=x\no: x\nchangetype: add\n", 3, 1, "'changetype:' must come right after the 'dn:' line")]
    [InlineData("dn: o=x\nchangetype: delete\ncn: x\n", 3, 1, "a delete record has no lines after 'changetype: delete'")]
    [InlineData("dn: o=x\nchangetype: modify\nadd: cn\nsn: x\n-\n", 4, 1, "attribute 'sn' does not match the modification of 'cn' (missing '-'?)")]
    [InlineData("dn: o=x\nchangetype: modify\nadd: cn\ncn: x\nreplace: sn\n", 5, 1, "attribute 'replace' does not match the modification of 'cn' (missing '-'?)")]
    [InlineData("dn: o=x\nchangetype: modify\nincrement: cn\n", 3, 1, "expected 'add:', 'delete:' or 'replace:' in a modify record, found 'increment:'")]
    [InlineData("dn: o=x\nchangetype: modify\n-\n", 3, 1, "'-' without a modification to close")]
    [InlineData("dn: o=x\nchangetype: modify\nadd: \n", 3, 6, "attribute name is empty")]
    [InlineData("dn: o=x\nchangetype: modify\nadd: c_n\n", 3, 7, "invalid character '_' in attribute name")]
    [InlineData("dn: o=x\nchangetype: modrdn\ndeleteoldrdn: 1\n", 3, 1, "expected 'newrdn:' in a modrdn record")]
    [InlineData("dn: o=x\nchangetype: modrdn\nnewrdn: o=y\nnewsuperior: o=z\n", 4, 1, "expected 'deleteoldrdn:' in a modrdn record")]
    [InlineData("dn: o=x\nchangetype: modrdn\nnewrdn: o=y\ndeleteoldrdn: yes\n", 4, 15, "'deleteoldrdn:' must be 0 or 1")]
    [InlineData("dn: o=x\nchangetype: modrdn\nnewrdn: o=y\ndeleteoldrdn: 0\ncn: x\n", 5, 1, "unexpected line after the fields of a modrdn record")]
    public void Read_MalformedInput_ThrowsWithLineColumnAndReason(string ldif, long line, int column, string reason)
    {
        var error = ReadError(ldif);
        Assert.Equal((line, (int?)column, reason), (error.Line, error.Column, error.Reason));
        Assert.Equal("in.ldif", error.File);
        Assert.Equal($"in.ldif:{line}:{column}: {reason}", error.Message);
    }

    [Theory]
    [InlineData("dn: o=x\ncn x\n", 2, "missing ':' after the attribute name")]
    [InlineData("dn: o=x\n", 1, "record has no attributes")]
    [InlineData("dn: o=x\n# only a comment\n\n", 1, "record has no attributes")]
    [InlineData("dn: o=x\nchangetype: add\n\ndn: o=y\n", 1, "add record has no attributes")]
    [InlineData("dn: o=x\nchangetype: modrdn\n", 1, "modrdn record has no 'newrdn:' line")]
    [InlineData("dn: o=x\nchangetype: moddn\nnewrdn: o=y\n\n", 1, "modrdn record has no 'deleteoldrdn:' line")]
    public void Read_IncompleteRecord_ThrowsAtLine(string ldif, long line, string reason)
    {
        var error = ReadError(ldif);
        Assert.Equal((line, (int?)null, reason), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_InvalidUtf8InPlainValue_ThrowsAtTheByte()
    {
        var error = ReadError(Bytes("dn: o=x\ncn: ab", new byte[] { 0xC3, 0x28 }, "\n"));
        Assert.Equal((2L, (int?)7, "value is not valid UTF-8"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_InvalidUtf8OnContinuationLine_ThrowsAtThePhysicalLineAndColumn()
    {
        var error = ReadError(Bytes("dn: o=x\ncn: abc\n de", new byte[] { 0xFF }, "\n"));
        Assert.Equal((3L, (int?)4, "value is not valid UTF-8"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_InvalidUtf8InDn_Throws()
    {
        var error = ReadError(Bytes("dn: o=", new byte[] { 0x80 }, "\no: x\n"));
        Assert.Equal((1L, (int?)7, "value is not valid UTF-8"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_InvalidUtf8InComment_Throws()
    {
        var error = ReadError(Bytes("# caf", new byte[] { 0xE9 }, "\n"));
        Assert.Equal((1L, (int?)6, "comment is not valid UTF-8"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_PlainValueOverLimit_Throws()
    {
        var error = ReadError("dn: o=x\ncn: 12345678\ncn: 123456789\n", new LdifReaderOptions { MaxValueBytes = 8 });
        Assert.Equal((3L, (int?)null, "value is longer than the limit of 8 bytes"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_Base64ValueOverLimit_Throws()
    {
        // MTIzNDU2Nzg5 = "123456789".
        var error = ReadError("dn: o=x\ncn:: MTIzNDU2Nzg=\ncn:: MTIzNDU2Nzg5\n", new LdifReaderOptions { MaxValueBytes = 8 });
        Assert.Equal((3L, (int?)null, "value is longer than the limit of 8 bytes"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_FoldedLineFarOverValueLimit_ThrowsBeforeBufferingIt()
    {
        var ldif = "dn: o=x\ncn: " + string.Concat(Enumerable.Repeat("xxxxxxxxxx\n ", 1000)) + "\n";
        var error = ReadError(ldif, new LdifReaderOptions { MaxValueBytes = 8 });
        Assert.Equal((2L, (int?)null, "folded line is longer than the limit of 4106 bytes"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_RecordOverLineLimit_Throws()
    {
        var error = ReadError("dn: o=x\ncn: 1\n# not counted\ncn: 2\ncn: 3\n", new LdifReaderOptions { MaxAttributesPerRecord = 2 });
        Assert.Equal((5L, (int?)null, "record has more than 2 lines"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_RecordOverByteLimit_Throws()
    {
        // The DN counts too: 3 + 4 + 4 bytes pass a limit of 11, the next value does not.
        var error = ReadError("dn: o=x\ncn: 1234\ncn:: MTIzNA==\n\ndn: o=y\ncn: 1234\ncn: 1234\ncn: 1\n", new LdifReaderOptions { MaxRecordBytes = 11 });
        Assert.Equal((8L, (int?)null, "record has more than 11 bytes of values"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_LineOverLineReaderLimit_Throws()
    {
        var options = new LdifReaderOptions { Lines = new LineReaderOptions { MaxLineBytes = 16 } };
        var error = ReadError("dn: o=x\ncn: 12345678901234\n", options);
        Assert.Equal((2L, (int?)null, "line is longer than the limit of 16 bytes"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_RandomlyCorruptedInput_ThrowsOnlyInputFormatException()
    {
        var valid = Encoding.UTF8.GetBytes(
            "version: 1\n# dirsync: x\ndn:: Y249TcO8bGxlcg==\ncn: a\n b\ncn;lang-de:: 5pel5pys6Kqe\n\n" +
            "dn: o=x\nchangetype: modify\nadd: cn\ncn: y\n-\ndelete: sn\n-\n\n" +
            "dn: o=y\nchangetype: modrdn\nnewrdn: o=z\ndeleteoldrdn: 1\nnewsuperior: o=w\n\n" +
            "dn: o=v\nchangetype: delete\n\ndn: o=u\nchangetype: add\n2.5.4.3: x\n");
        byte[] alphabet = [.. " :-#\n\r\0=;<ab1."u8, 0xC3, 0xBC, 0xFF, 0x80];
        var random = new Random(2849);
        var options = new LdifReaderOptions { MaxValueBytes = 64, MaxAttributesPerRecord = 8, Lines = new LineReaderOptions { MaxLineBytes = 100 } };
        for (var round = 0; round < 3000; round++)
        {
            var bytes = valid.ToArray();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                bytes[random.Next(bytes.Length)] = random.Next(3) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                LdifDump.ReadAll(bytes, options, trickle: round % 2 == 0);
            }
            catch (InputFormatException)
            {
            }
        }
    }

    /// <summary>Joins text (as UTF-8) and raw bytes into one input.</summary>
    private static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p as byte[] ?? Encoding.UTF8.GetBytes((string)p)).ToArray();
}
