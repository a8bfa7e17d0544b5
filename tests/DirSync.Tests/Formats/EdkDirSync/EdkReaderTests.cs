using System.Security.Cryptography;
using System.Text;
using DirSync.Core;
using DirSync.Core.Formats;
using DirSync.Core.Formats.EdkDirSync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Formats.EdkDirSync;

public sealed class EdkReaderTests
{
    private const string Dn11 = "/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11";
    private const string Dn12 = "/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox12";

    private const string Unrecognized = "expected a record header ('A', 'M' or 'D', a space and a distinguished name), "
        + "an attribute line ('- Name:value'), a comment ('#') or a blank line";

    private const string OutsideRecord = "an attribute line must follow a record header ('A', 'M' or 'D' and a distinguished name)";

    private static readonly string SamplePath = Path.Combine(AppContext.BaseDirectory, "TestData", "EdkDirSync", "sample.dirsync");

    /// <summary>A read item: a comment's text or a record, with the line it starts on.</summary>
    private sealed record Item(long Line, string? Comment, EdkRecord? Record);

    private static List<Item> ReadAll(byte[] bytes, EdkReaderOptions? options = null, bool trickle = false)
    {
        Stream stream = trickle ? new TrickleStream(bytes) : new MemoryStream(bytes);
        using var reader = new EdkReader(stream, "in.dirsync", options);
        var items = new List<Item>();
        while (reader.Read())
        {
            items.Add(reader.ItemKind == EdkItemKind.Comment
                ? new Item(reader.LineNumber, reader.Comment, null)
                : new Item(reader.LineNumber, null, reader.Record));
        }

        Assert.Equal(EdkItemKind.None, reader.ItemKind);
        return items;
    }

    private static List<Item> ReadAll(string text, EdkReaderOptions? options = null) => ReadAll(Encoding.UTF8.GetBytes(text), options);

    private static EdkRecord ReadSingleRecord(string text) => Assert.Single(ReadAll(text)).Record!;

    private static InputFormatException ReadError(byte[] bytes, EdkReaderOptions? options = null) =>
        Assert.Throws<InputFormatException>(() => ReadAll(bytes, options));

    private static InputFormatException ReadError(string text, EdkReaderOptions? options = null) =>
        ReadError(Encoding.UTF8.GetBytes(text), options);

    private static EdkAttribute Indexed(string name, params string[] values) => new(name, values, true);

    private static List<Item> SampleItems() =>
    [
        new(1, "EDK DIRSYNC export of /o=Testorg/ou=Site1, in the layout of the EDK sample", null),
        new(2, "dirsync-source: /o=Testorg/ou=Site1/cn=Servers/cn=SERVER1", null),
        new(3, null, new EdkRecord(EdkOperation.Add, Dn11,
        [
            new("Obj-Class", "Mailbox"),
            new("Common-Name", "Mailbox11"),
            new("Display-Name", "Mailbox 11"),
            new("Given-Name", "Mailbox"),
            new("Surname", "Eleven"),
            new("Company", "Testorg Genève"),
            Indexed("Proxy-Addresses",
                "SMTP:Mailbox11@Site1.Testorg.com",
                "EDK:Mailbox11@Site1.Testorg.com",
                "X400:c=US;a= ;p=Testorg;o=Site1;s=Mailbox11;"),
        ])),
        new(14, null, new EdkRecord(EdkOperation.Add, "/o=Testorg/ou=Site1/cn=Recipients/cn=Sales",
        [
            new("Obj-Class", "dl"),
            new("Display-Name", "Sales, Europe"),
            Indexed("Member", Dn11, Dn12),
            new("Info", "Line one\nLine two"),
        ])),
        new(22, null, new EdkRecord(EdkOperation.Modify, Dn12,
        [
            new("Display-Name", "Mailbox Twelve"),
            new("Title", [], false),
            new("Office-Location", "  Building 4  "),
        ])),
        new(28, "Mailbox11 left the organization", null),
        new(29, null, new EdkRecord(EdkOperation.Delete, Dn11, [])),
        new(31, "dirsync-records: 4", null),
    ];

    [Fact]
    public void Read_ReferenceSample_ReturnsExactItems()
    {
        var items = ReadAll(File.ReadAllBytes(SamplePath));

        Assert.Equal(SampleItems(), items);
        Assert.Equal([3L, 14L, 22L, 29L], items.Where(i => i.Record is not null).Select(i => i.Record!.LineNumber));
    }

    [Fact]
    public void Read_ReferenceSampleWithCrLf_ReturnsSameItems()
    {
        var text = File.ReadAllText(SamplePath).Replace("\n", "\r\n", StringComparison.Ordinal);

        Assert.Equal(SampleItems(), ReadAll(text));
    }

    [Fact]
    public void Read_ReferenceSampleOneByteAtATime_ReturnsSameItems()
    {
        Assert.Equal(SampleItems(), ReadAll(File.ReadAllBytes(SamplePath), trickle: true));
    }

    [Fact]
    public void Read_ReferenceSampleWithByteOrderMark_ReturnsSameItems()
    {
        var bytes = "\uFEFF"u8.ToArray().Concat(File.ReadAllBytes(SamplePath)).ToArray();

        Assert.Equal(SampleItems(), ReadAll(bytes));
    }

    [Fact]
    public void Read_ByteOrderMarkBeforeBadLine_ColumnCountsTheMarkBytes()
    {
        var error = ReadError("\uFEFFX /o=x\n");

        Assert.Equal((1L, (int?)4, "unknown operation 'X'; expected 'A', 'M' or 'D'"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_CommentsBetweenAndInsideRecords_ReturnsOnlyThoseBetween()
    {
        var items = ReadAll("""
            #first
            #  two spaces

            A /o=x
            # inside, skipped
            - Name:a
            # also inside, skipped

            # between
            M /o=y
            #after M, inside
            D /o=z

            #
            """);

        List<Item> expected =
        [
            new(1, "first", null),
            new(2, " two spaces", null),
            new(4, null, new EdkRecord(EdkOperation.Add, "/o=x", [new("Name", "a")])),
            new(9, "between", null),
            new(10, null, new EdkRecord(EdkOperation.Modify, "/o=y", [])),
            new(12, null, new EdkRecord(EdkOperation.Delete, "/o=z", [])),
            new(14, "", null),
        ];
        Assert.Equal(expected, items);
    }

    [Fact]
    public void Read_RecordsWithoutBlankLinesAndWithBlankLookingLines_AreSeparated()
    {
        var items = ReadAll("A /o=x\n- N:1\nA /o=y\n- N:2\n \t \n\n\nD /o=z");

        Assert.Equal(
            [
                new EdkRecord(EdkOperation.Add, "/o=x", [new("N", "1")]),
                new EdkRecord(EdkOperation.Add, "/o=y", [new("N", "2")]),
                new EdkRecord(EdkOperation.Delete, "/o=z", []),
            ],
            items.Select(i => i.Record));
    }

    [Fact]
    public void Read_EmptyInput_ReturnsFalse()
    {
        using var reader = new EdkReader(new MemoryStream(), "empty");

        Assert.False(reader.Read());
        Assert.Equal(EdkItemKind.None, reader.ItemKind);
        Assert.Equal(0, reader.LineNumber);
    }

    [Fact]
    public void CommentAndRecord_WrongItemKind_ThrowInvalidOperation()
    {
        using var reader = new EdkReader(new MemoryStream("# c\nD /o=x\n"u8.ToArray()), "t");

        Assert.Throws<InvalidOperationException>(() => reader.Record);
        Assert.True(reader.Read());
        Assert.Throws<InvalidOperationException>(() => reader.Record);
        Assert.True(reader.Read());
        Assert.Throws<InvalidOperationException>(() => reader.Comment);
    }

    [Fact]
    public void Read_DistinguishedName_IsTakenVerbatim()
    {
        var record = ReadSingleRecord("M /o=Org/cn=Back\\slash \\x41 \"q\" é \n");

        Assert.Equal("/o=Org/cn=Back\\slash \\x41 \"q\" é ", record.DistinguishedName);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("SMTP:a@b.c", "SMTP:a@b.c")]
    [InlineData("a \"quote\" inside", "a \"quote\" inside")]
    [InlineData("  spaces kept  ", "  spaces kept  ")]
    [InlineData("Line one\\x0ALine two", "Line one\nLine two")]
    [InlineData("\\x41\\x7a\\x7F", "Az\u007F")]
    [InlineData("\\xC3\\xA9t\\xc3\\xa9", "été")]
    [InlineData("\\\\ and \\\"", "\\ and \"")]
    [InlineData("\"\"", "")]
    [InlineData("\" a \"", " a ")]
    [InlineData("\"\\\"x\\\"\"", "\"x\"")]
    [InlineData("\"C:\\\\dir\\\\\"", "C:\\dir\\")]
    [InlineData("\"tab\\x09cr\\x0Dnul\\x00\"", "tab\tcr\rnul\0")]
    [InlineData("Genève 😀", "Genève 😀")]
    public void Read_Value_DecodesQuotesAndEscapes(string written, string expected)
    {
        var record = ReadSingleRecord($"A /o=x\n- N:{written}\n- M[0]:{written}\n");

        Assert.Equal([new EdkAttribute("N", expected), Indexed("M", expected)], record.Attributes);
    }

    [Fact]
    public void Read_NothingAfterColon_IsNoValuesOrEmptyIndexedValue()
    {
        var record = ReadSingleRecord("M /o=x\n- Title:\n- Other[0]:\n- Other[1]:b\n");

        Assert.Equal([new EdkAttribute("Title", [], false), Indexed("Other", "", "b")], record.Attributes);
    }

    [Fact]
    public void Read_IndexedValuesInterleavedAndInOtherCase_GatherIntoFirstSpelling()
    {
        var record = ReadSingleRecord("""
            A /o=x
            - Proxy-Addresses[0]:SMTP:a@b.c
            - Display-Name:A
            - PROXY-addresses[1]:X400:c=US;
            - Single[0]:only
            """);

        Assert.Equal(
            [
                Indexed("Proxy-Addresses", "SMTP:a@b.c", "X400:c=US;"),
                new("Display-Name", "A"),
                Indexed("Single", "only"),
            ],
            record.Attributes);
    }

    [Fact]
    public void Read_ManyRecordsWithSameNames_GathersEachRecordAndSharesNameStrings()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            text.Append($"A /cn={i}\n- Display-Name:{i}\n- display-name2:x\n- Member[0]:m{i}\n- Member[1]:n{i}\n\n");
        }

        var records = ReadAll(text.ToString()).Select(i => i.Record!).ToList();

        Assert.Equal(300, records.Count);
        Assert.Equal(
            new EdkRecord(EdkOperation.Add, "/cn=299", [new("Display-Name", "299"), new("display-name2", "x"), Indexed("Member", "m299", "n299")]),
            records[299]);
        Assert.Same(records[0].Attributes[0].Name, records[299].Attributes[0].Name);
    }

    [Theory]
    [InlineData("R /o=x", 1, 1, "unknown operation 'R'; expected 'A', 'M' or 'D'")]
    [InlineData("a /o=x", 1, 1, "unknown operation 'a'; expected 'A', 'M' or 'D'")]
    [InlineData("A", 1, 2, "expected a space and a distinguished name after 'A'")]
    [InlineData("D\nA /o=x", 1, 2, "expected a space and a distinguished name after 'D'")]
    [InlineData("A ", 1, 3, "the distinguished name is empty")]
    [InlineData("A\t/o=x", 1, 1, Unrecognized)]
    [InlineData("A/o=x", 1, 1, Unrecognized)]
    [InlineData("X", 1, 1, Unrecognized)]
    [InlineData("  - N:x", 1, 1, Unrecognized)]
    [InlineData("A /o=x\nDisplay-Name:x", 2, 1, Unrecognized)]
    [InlineData("A /o=x\ty", 1, 7, "control character 0x09 in the distinguished name")]
    [InlineData("- Display-Name:x", 1, 1, OutsideRecord)]
    [InlineData("# c\n\n- Display-Name:x", 3, 1, OutsideRecord)]
    [InlineData("A /o=x\n- a:b\n\n- c:d", 4, 1, OutsideRecord)]
    [InlineData("A /o=x\n-Display-Name:x", 2, 2, "expected a space after '-' at the start of an attribute line, found 'D'")]
    [InlineData("A /o=x\n-", 2, 2, "expected a space after '-' at the start of an attribute line, found the end of the line")]
    [InlineData("A /o=x\n- Display-Name x", 2, 15, "expected ':' after the attribute name, found ' '")]
    [InlineData("A /o=x\n- Display-Name :x", 2, 15, "expected ':' after the attribute name, found ' '")]
    [InlineData("A /o=x\n- Display-Name", 2, 15, "expected ':' after the attribute name, found the end of the line")]
    [InlineData("A /o=x\n- Nàme:x", 2, 4, "expected ':' after the attribute name, found 'à'")]
    [InlineData("A /o=x\n- :x", 2, 3, "the attribute name is empty")]
    [InlineData("A /o=x\n- [0]:x", 2, 3, "the attribute name is empty")]
    [InlineData("A /o=x\n- ", 2, 3, "the attribute name is empty")]
    [InlineData("A /o=x\n-  Name:x", 2, 3, "expected an attribute name (letters, digits, '-', '_', '.' and ';'), found ' '")]
    [InlineData("A /o=x\n- P[x]:a", 2, 5, "expected a number in '[n]', found 'x'")]
    [InlineData("A /o=x\n- P[]:a", 2, 5, "expected a number in '[n]', found ']'")]
    [InlineData("A /o=x\n- P[-1]:a", 2, 5, "expected a number in '[n]', found '-'")]
    [InlineData("A /o=x\n- P[0:a", 2, 6, "expected ']' after the index, found ':'")]
    [InlineData("A /o=x\n- P[0", 2, 6, "expected ']' after the index, found the end of the line")]
    [InlineData("A /o=x\n- P[0]a", 2, 7, "expected ':' after ']', found 'a'")]
    [InlineData("A /o=x\n- P[0] :a", 2, 7, "expected ':' after ']', found ' '")]
    [InlineData("A /o=x\n- P[1]:a", 2, 5, "expected index [0] of 'P', found [1]")]
    [InlineData("A /o=x\n- P[0]:a\n- P[2]:b", 3, 5, "expected index [1] of 'P', found [2]")]
    [InlineData("A /o=x\n- P[0]:a\n- P[0]:b", 3, 5, "expected index [1] of 'P', found [0]")]
    [InlineData("A /o=x\n- P[0]:a\n- P[1]:b\n- p[1]:c", 4, 5, "expected index [2] of 'p', found [1]")]
    [InlineData("A /o=x\n- P[10000]:a", 2, 5, "index [10000] is over the limit of 10000 values per attribute")]
    [InlineData("A /o=x\n- P[99999999999999999999]:a", 2, 5, "index [99999999999999999999] is over the limit of 10000 values per attribute")]
    [InlineData("A /o=x\n- Display-Name:a\n- display-name:b", 3, 3,
        "'display-name' appears twice in the record; several values are written display-name[0], display-name[1], ...")]
    [InlineData("A /o=x\n- P:a\n- P[0]:b", 3, 3, "'P' appears both with and without an index")]
    [InlineData("A /o=x\n- P[0]:a\n- p:b", 3, 3, "'p' appears both with and without an index")]
    [InlineData("A /o=x\n- N:\"abc", 2, 5, "the quoted value has no closing '\"'")]
    [InlineData("A /o=x\n- N:\"", 2, 5, "the quoted value has no closing '\"'")]
    [InlineData("A /o=x\n- N:\"abc\\\"", 2, 5, "the quoted value has no closing '\"'")]
    [InlineData("A /o=x\n- N:\"ab\"c", 2, 8, "text after the closing '\"' of a quoted value; a '\"' inside one is written \\\"")]
    [InlineData("A /o=x\n- N:\"ab\" ", 2, 8, "text after the closing '\"' of a quoted value; a '\"' inside one is written \\\"")]
    [InlineData("A /o=x\n- N:\"a\\qb\"", 2, 7, "unknown escape '\\' followed by 'q'; expected \\\\, \\\" or \\xHH")]
    [InlineData("A /o=x\n- N:C:\\Users", 2, 7, "unknown escape '\\' followed by 'U'; expected \\\\, \\\" or \\xHH")]
    [InlineData("A /o=x\n- N:a\\x4G", 2, 6, "expected two hex digits after '\\x'")]
    [InlineData("A /o=x\n- N:a\\x4", 2, 6, "expected two hex digits after '\\x'")]
    [InlineData("A /o=x\n- N:\"a\\x\"", 2, 7, "expected two hex digits after '\\x'")]
    [InlineData("A /o=x\n- N:a\\", 2, 6, "incomplete escape '\\' at the end of the line; a backslash is written \\\\")]
    [InlineData("A /o=x\n- N:a\tb", 2, 6, "control character 0x09 in a value; control characters are written \\xHH")]
    [InlineData("A /o=x\n- N:\"a\u007Fb\"", 2, 7, "control character 0x7F in a value; control characters are written \\xHH")]
    [InlineData("A /o=x\n- N:a\\xE9", 2, 5, "the text is not valid UTF-8")]
    public void Read_MalformedInput_ThrowsAtLineAndColumn(string text, int line, int column, string reason)
    {
        var error = ReadError(text);

        Assert.Equal(("in.dirsync", (long)line, (int?)column, reason), (error.File, error.Line, error.Column, error.Reason));
        Assert.Equal($"in.dirsync:{line}:{column}: {reason}", error.Message);
    }

    [Fact]
    public void Read_CrLfInput_ReportsSameColumns()
    {
        var error = ReadError("A /o=x\r\n- N:\"abc\r\n");

        Assert.Equal((2L, (int?)5, "the quoted value has no closing '\"'"), (error.Line, error.Column, error.Reason));
    }

    [Theory]
    [InlineData("A /o=\xFF\n", 1, 6)]
    [InlineData("A /o=x\n- N:ab\xC3\n", 2, 7)]
    [InlineData("A /o=x\n- N:\"ab\xC3\x28\"\n", 2, 8)]
    [InlineData("# ok\n#\xE9t\xE9\n", 2, 2)]
    [InlineData("A /o=x\n# inside \xFE\n- N:x\n", 2, 10)]
    public void Read_InvalidUtf8_ThrowsAtFirstBadByte(string latin1, int line, int column)
    {
        var bytes = Encoding.Latin1.GetBytes(latin1);

        var error = ReadError(bytes);

        Assert.Equal(((long)line, (int?)column, "the text is not valid UTF-8"), (error.Line, error.Column, error.Reason));
    }

    [Fact]
    public void Read_ValueOverLimit_Throws()
    {
        var options = new EdkReaderOptions { MaxValueBytes = 8 };

        Assert.Equal([new EdkAttribute("N", "12345678")], ReadSingleRecordWith("A /o=x\n- N:12345678\n", options).Attributes);
        Assert.Equal([new EdkAttribute("N", "1234567\n")], ReadSingleRecordWith("A /o=x\n- N:\"1234567\\x0A\"\n", options).Attributes);
        Assert.Equal([new EdkAttribute("N", "123456é")], ReadSingleRecordWith("A /o=x\n- N:123456é\n", options).Attributes);
        AssertError("A /o=x\n- N:123456789\n", options, 2, 5, "the value is longer than the limit of 8 bytes");
        AssertError("A /o=x\n- N:\"12345678\\\\\"\n", options, 2, 5, "the value is longer than the limit of 8 bytes");
        AssertError("A /o=x\n- N:1234567é\n", options, 2, 5, "the value is longer than the limit of 8 bytes");
    }

    [Fact]
    public void Read_AttributeLinesOverLimit_Throws()
    {
        var options = new EdkReaderOptions { MaxAttributeLinesPerRecord = 3 };

        Assert.Equal(
            [new EdkAttribute("A", "1"), Indexed("B", "2", "3")],
            ReadSingleRecordWith("A /o=x\n- A:1\n# c\n- B[0]:2\n- B[1]:3\n", options).Attributes);
        AssertError("A /o=x\n- A:1\n- B[0]:2\n- B[1]:3\n- C:4\n", options, 5, 1, "the record has more than the limit of 3 attribute lines");
    }

    [Fact]
    public void Read_ValuesOverLimit_Throws()
    {
        var options = new EdkReaderOptions { MaxValuesPerAttribute = 2 };

        Assert.Equal([Indexed("P", "a", "b")], ReadSingleRecordWith("A /o=x\n- P[0]:a\n- P[1]:b\n", options).Attributes);
        AssertError("A /o=x\n- P[0]:a\n- P[1]:b\n- P[2]:c\n", options, 4, 5, "index [2] is over the limit of 2 values per attribute");
    }

    [Fact]
    public void Read_RecordOverByteLimit_Throws()
    {
        // The distinguished name counts: 4 + 4 + 4 bytes fit a limit of 12, the next value does not,
        // and the count starts again with each record.
        var options = new EdkReaderOptions { MaxRecordBytes = 12 };

        Assert.Equal([Indexed("P", "1234", "abcd")], ReadSingleRecordWith("A /o=x\n- P[0]:1234\n- P[1]:\"\\x61bcd\"\n", options).Attributes);
        AssertError("A /o=x\n- P[0]:1234\n\nA /o=y\n- P[0]:1234\n- P[1]:1234\n- Q:1\n", options, 7, 5, "the record has more than the limit of 12 bytes of values");
    }

    [Fact]
    public void Read_DistinguishedNameOverValueLimit_Throws()
    {
        var options = new EdkReaderOptions { MaxValueBytes = 8 };

        Assert.Equal("/o=12345", ReadSingleRecordWith("A /o=12345\n", options).DistinguishedName);
        AssertError("A /o=123456\n", options, 1, 3, "the distinguished name is longer than the limit of 8 bytes");
    }

    [Fact]
    public void Read_LineOverLineLimit_Throws()
    {
        var options = new EdkReaderOptions { Lines = new LineReaderOptions { MaxLineBytes = 16 } };

        AssertError("A /o=x\n- N:0123456789012\n", options, 2, null, "line is longer than the limit of 16 bytes");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetHashBeforeCurrentLine_OnEachComment_CoversExactlyTheBytesBeforeIt(bool trickle)
    {
        var bytes = Encoding.UTF8.GetBytes(
            "# header\r\nA /o=x\r\n- N:é\r\n# inside\r\n\r\n# middle\nD /o=y\n\n# trailer: sums everything above\n");
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        using var reader = new EdkReader(trickle ? new TrickleStream(bytes) : new MemoryStream(bytes), "t");
        reader.EnableHash(HashAlgorithmName.SHA256);
        var checkedComments = new List<string>();
        while (reader.Read())
        {
            if (reader.ItemKind == EdkItemKind.Comment)
            {
                var prefix = lineStarts[(int)reader.LineNumber - 1];
                Assert.Equal(SHA256.HashData(bytes.AsSpan(0, prefix)), reader.GetHashBeforeCurrentLine());
                checkedComments.Add(reader.Comment);
            }
        }

        Assert.Equal(["header", "middle", "trailer: sums everything above"], checkedComments);
        Assert.Equal(SHA256.HashData(bytes), reader.GetHashBeforeCurrentLine());
    }

    [Fact]
    public void EnableHash_AfterFirstRead_ThrowsInvalidOperation()
    {
        using var reader = new EdkReader(new MemoryStream("# c\n"u8.ToArray()), "t");
        reader.Read();

        Assert.Throws<InvalidOperationException>(() => reader.EnableHash(HashAlgorithmName.SHA256));
    }

    private static EdkRecord ReadSingleRecordWith(string text, EdkReaderOptions options) =>
        Assert.Single(ReadAll(text, options)).Record!;

    private static void AssertError(string text, EdkReaderOptions options, long line, int? column, string reason)
    {
        var error = ReadError(text, options);
        Assert.Equal((line, column, reason), (error.Line, error.Column, error.Reason));
    }

}
