using System.Runtime.CompilerServices;
using System.Text;
using DirSync.Core.Formats.EdkDirSync;

namespace DirSync.Tests.Formats.EdkDirSync;

public sealed class EdkWriterTests
{
    private const string Dn11 = "/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11";
    private const string EdgeValuesFile = "edge-values.dirsync";

    /// <summary>A comment or a record, as written and as read back.</summary>
    private sealed record Item(string? Comment, EdkRecord? Record)
    {
        public static implicit operator Item(string comment) => new(comment, null);

        public static implicit operator Item(EdkRecord record) => new(null, record);
    }

    private static EdkAttribute Indexed(string name, params string[] values) => new(name, values, true);

    private static EdkRecord Add(string dn, params EdkAttribute[] attributes) => new(EdkOperation.Add, dn, attributes);

    private static byte[] Write(IEnumerable<Item> items)
    {
        var stream = new MemoryStream();
        using (var writer = new EdkWriter(stream))
        {
            foreach (var item in items)
            {
                if (item.Comment is not null)
                {
                    writer.WriteComment(item.Comment);
                }
                else
                {
                    writer.WriteRecord(item.Record!);
                }
            }

            writer.Flush();
            Assert.Equal(stream.Length, writer.BytesWritten);
        }

        return stream.ToArray();
    }

    private static string WriteText(params Item[] items) => Encoding.UTF8.GetString(Write(items));

    private static List<Item> Read(byte[] bytes)
    {
        using var reader = new EdkReader(new MemoryStream(bytes), "t");
        var items = new List<Item>();
        while (reader.Read())
        {
            items.Add(reader.ItemKind == EdkItemKind.Comment ? reader.Comment : reader.Record);
        }

        return items;
    }

    private static void AssertRoundTrip(IReadOnlyList<Item> items)
    {
        var bytes = Write(items);
        Assert.Equal(items, Read(bytes));
    }

    [Fact]
    public void WriteRecord_ReferenceSampleRecords_WritesSampleLayout()
    {
        var text = WriteText(
            "dirsync-source: Site1",
            Add(Dn11,
                new("Display-Name", "Mailbox 11"),
                new("Proxy-Addresses", ["SMTP:Mailbox11@Site1.Testorg.com", "EDK:Mailbox11@Site1.Testorg.com"], false)),
            new EdkRecord(EdkOperation.Modify, "/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox12", [new("Display-Name", "Mailbox Twelve")]),
            new EdkRecord(EdkOperation.Delete, Dn11, []));

        Assert.Equal(
            """
            # dirsync-source: Site1
            A /o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11
            - Display-Name:Mailbox 11
            - Proxy-Addresses[0]:SMTP:Mailbox11@Site1.Testorg.com
            - Proxy-Addresses[1]:EDK:Mailbox11@Site1.Testorg.com

            M /o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox12
            - Display-Name:Mailbox Twelve

            D /o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11


            """.ReplaceLineEndings("\n"),
            text);
    }

    public static TheoryData<string, string> AwkwardValues => new()
    {
        { "plain", "plain" },
        { "Doe, John", "Doe, John" },
        { "SMTP:a@b.c:25", "SMTP:a@b.c:25" },
        { "a  b", "a  b" },
        { "Genève – 東京 – 😀", "Genève – 東京 – 😀" },
        { "say \"hi\"", "say \"hi\"" },
        { "ends\"", "ends\"" },
        { "#not a comment", "#not a comment" },
        { "- Display-Name:x", "- Display-Name:x" },
        { "", "\"\"" },
        { " ", "\" \"" },
        { " lead", "\" lead\"" },
        { "trail ", "\"trail \"" },
        { "\"quoted\"", "\"\\\"quoted\\\"\"" },
        { "\"", "\"\\\"\"" },
        { "C:\\dir\\", "\"C:\\\\dir\\\\\"" },
        { "\\x41", "\"\\\\x41\"" },
        { "a\tb", "\"a\\x09b\"" },
        { "one\r\ntwo\nthree\r", "\"one\\x0D\\x0Atwo\\x0Athree\\x0D\"" },
        { "nul\0end", "\"nul\\x00end\"" },
        { "\u0001\u001B[0m\u007F", "\"\\x01\\x1B[0m\\x7F\"" },
        { "\u00A0nbsp", "\"\u00A0nbsp\"" },
        { "ideographic\u3000", "\"ideographic\u3000\"" },
        { "mid\u00A0space", "mid\u00A0space" },
        { "\u0085", "\"\u0085\"" },
        { "a\u0085b", "a\u0085b" },
        { "\t\"both\\\" ", "\"\\x09\\\"both\\\\\\\" \"" },
    };

    [Theory]
    [MemberData(nameof(AwkwardValues), DisableDiscoveryEnumeration = true)]
    public void WriteAttribute_AwkwardValue_WritesExactLineAndReadsBack(string value, string written)
    {
        var record = Add("/o=x", new("N", value), Indexed("M", value, value));

        var text = WriteText(record);

        Assert.Equal($"A /o=x\n- N:{written}\n- M[0]:{written}\n- M[1]:{written}\n\n", text);
        Assert.Equal([(Item)record], Read(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void WriteAttribute_LongValues_RoundTrip()
    {
        var raw = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"word{i % 10} é "))[..150_000] + "end";
        var quoted = string.Concat(Enumerable.Range(0, 30_000).Select(i => $"a\\\"\n{(char)(i % 32)}"));
        var record = Add("/o=x", new("Raw", raw), new("Quoted", quoted), Indexed("Many", raw, quoted, raw));

        var bytes = Write([record]);

        Assert.True(bytes.Length > 700_000);
        Assert.Equal([(Item)record], Read(bytes));
    }

    [Fact]
    public void WriteAttribute_NoValuesOrOneIndexedOrSeveral_WritesMatchingLines()
    {
        var text = WriteText(new EdkRecord(EdkOperation.Modify, "/o=x",
        [
            new("Title", [], false),
            new("Other", [], true),
            Indexed("Single", "only"),
            new("Several", ["a", "b"], false),
            Indexed("Empties", "", ""),
        ]));

        Assert.Equal("M /o=x\n- Title:\n- Other:\n- Single[0]:only\n- Several[0]:a\n- Several[1]:b\n- Empties[0]:\"\"\n- Empties[1]:\"\"\n\n", text);
        Assert.Equal(
            [
                (Item)new EdkRecord(EdkOperation.Modify, "/o=x",
                [
                    new("Title", [], false),
                    new("Other", [], false),
                    Indexed("Single", "only"),
                    Indexed("Several", "a", "b"),
                    Indexed("Empties", "", ""),
                ]),
            ],
            Read(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("", "#\n", "")]
    [InlineData("dirsync-source: x", "# dirsync-source: x\n", "dirsync-source: x")]
    [InlineData(" leading", "#  leading\n", " leading")]
    [InlineData("tab\tnul\0\\x00 \"q\" é", "# tab\tnul\0\\x00 \"q\" é\n", "tab\tnul\0\\x00 \"q\" é")]
    public void WriteComment_Text_WritesHashLineAndReadsBack(string comment, string written, string readBack)
    {
        var bytes = Write([comment]);

        Assert.Equal(written, Encoding.UTF8.GetString(bytes));
        Assert.Equal([(Item)readBack], Read(bytes));
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("end\r")]
    public void WriteComment_LineBreakOrLoneSurrogate_ThrowsAndWritesNothing(string comment)
    {
        var stream = new MemoryStream();
        using var writer = new EdkWriter(stream);

        Assert.Throws<ArgumentException>(() => writer.WriteComment(comment));
        Assert.Equal(0, writer.BytesWritten);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/o=x\n/cn=y")]
    [InlineData("/o=x\r")]
    [InlineData("/o=x\t")]
    [InlineData("/o=\0")]
    [InlineData("/o=\u007F")]
    public void WriteStartRecord_UnrepresentableName_ThrowsAndWritesNothing(string dn)
    {
        using var writer = new EdkWriter(new MemoryStream());

        Assert.Throws<ArgumentException>(() => writer.WriteStartRecord(EdkOperation.Add, dn));
        Assert.Equal(0, writer.BytesWritten);
        writer.WriteStartRecord(EdkOperation.Add, "/o=fine");
    }

    [Fact]
    public void WriteCommentAndStartRecord_UnpairedSurrogate_ThrowAndWriteNothing()
    {
        // Built in code: test-case serialization would replace an unpaired surrogate before the test saw it.
        var lone = "lone " + '\uD800' + " surrogate";
        using var writer = new EdkWriter(new MemoryStream());

        Assert.Throws<ArgumentException>(() => writer.WriteComment(lone));
        Assert.Throws<ArgumentException>(() => writer.WriteStartRecord(EdkOperation.Add, "/o=" + lone));
        Assert.Throws<ArgumentException>(() => writer.WriteStartRecord(EdkOperation.Add, "/o=" + '\uDC00'));
        Assert.Equal(0, writer.BytesWritten);
    }

    [Fact]
    public void WriteStartRecord_UnknownOperation_ThrowsOutOfRange()
    {
        using var writer = new EdkWriter(new MemoryStream());

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteStartRecord((EdkOperation)7, "/o=x"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Display Name")]
    [InlineData("Name:")]
    [InlineData("Name[0]")]
    [InlineData("Nàme")]
    public void WriteAttribute_InvalidName_ThrowsAndDropsRecord(string name)
    {
        var stream = new MemoryStream();
        using (var writer = new EdkWriter(stream))
        {
            writer.WriteRecord(Add("/o=kept", new EdkAttribute("N", "1")));
            writer.WriteStartRecord(EdkOperation.Add, "/o=dropped");
            writer.WriteAttribute("Fine", "x");

            Assert.Throws<ArgumentException>(() => writer.WriteAttribute(name, "x"));
            Assert.Throws<InvalidOperationException>(() => writer.WriteEndRecord());
            writer.WriteComment("after");
        }

        Assert.Equal("A /o=kept\n- N:1\n\n# after\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void WriteRecord_UnpairedSurrogateInValue_ThrowsAndLeavesEarlierRecords()
    {
        var stream = new MemoryStream();
        using (var writer = new EdkWriter(stream))
        {
            writer.WriteRecord(Add("/o=a", new EdkAttribute("N", "1")));

            var error = Assert.Throws<ArgumentException>(
                () => writer.WriteRecord(Add("/o=b", new("N", "2"), Indexed("P", "ok", "bad\uD83D"))));
            Assert.Equal("a value of 'P' holds an unpaired surrogate, which UTF-8 cannot carry (Parameter 'value')", error.Message);
            Assert.Throws<ArgumentException>(() => writer.WriteRecord(Add("/o=c", new EdkAttribute("N", "\uDE00\uD83D"))));
        }

        Assert.Equal("A /o=a\n- N:1\n\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void WriteRecord_SameNameIgnoringCase_ThrowsAndWritesNothing()
    {
        using var writer = new EdkWriter(new MemoryStream());

        var error = Assert.Throws<ArgumentException>(
            () => writer.WriteRecord(Add("/o=x", new("Display-Name", "a"), new("display-NAME", "b"))));

        Assert.Equal("the attribute 'display-NAME' appears twice in the record (Parameter 'name')", error.Message);
        Assert.Equal(0, writer.BytesWritten);
    }

    [Fact]
    public void WriteRecord_DeleteWithAnchorLine_WritesItAndReadsBack()
    {
        // DirSync's deletes carry the object's anchor; the original's carried nothing.
        var stream = new MemoryStream();
        using (var writer = new EdkWriter(stream))
        {
            writer.WriteRecord(EdkOperation.Delete, "/o=x/cn=A", [new EdkAttribute("Object-GUID", "4368116f-63fe-4bb2-afd2-a59d24e49b82")]);
        }

        Assert.Equal("D /o=x/cn=A\n- Object-GUID:4368116f-63fe-4bb2-afd2-a59d24e49b82\n\n", Encoding.UTF8.GetString(stream.ToArray()));
        stream.Position = 0;
        using var reader = new EdkReader(stream, "t");
        Assert.True(reader.Read());
        Assert.Equal(new EdkRecord(EdkOperation.Delete, "/o=x/cn=A", [new EdkAttribute("Object-GUID", "4368116f-63fe-4bb2-afd2-a59d24e49b82")]), reader.Record);
    }

    [Fact]
    public void WriteRecord_EnumeratorFails_DropsRecordAndStaysUsable()
    {
        var stream = new MemoryStream();
        using (var writer = new EdkWriter(stream))
        {
            Assert.Throws<FormatException>(() => writer.WriteRecord(EdkOperation.Add, "/o=x", Failing()));
            writer.WriteRecord(EdkOperation.Delete, "/o=y", []);
        }

        Assert.Equal("D /o=y\n\n", Encoding.UTF8.GetString(stream.ToArray()));

        static IEnumerable<EdkAttribute> Failing()
        {
            yield return new EdkAttribute("N", "1");
            throw new FormatException("source failed");
        }
    }

    [Fact]
    public void WriteMethods_OutOfOrder_ThrowInvalidOperation()
    {
        using var writer = new EdkWriter(new MemoryStream());

        Assert.Throws<InvalidOperationException>(() => writer.WriteAttribute("N", "x"));
        Assert.Throws<InvalidOperationException>(() => writer.WriteEndRecord());
        writer.WriteStartRecord(EdkOperation.Add, "/o=x");
        Assert.Throws<InvalidOperationException>(() => writer.WriteStartRecord(EdkOperation.Add, "/o=y"));
        Assert.Throws<InvalidOperationException>(() => writer.WriteComment("c"));
        Assert.Throws<InvalidOperationException>(() => writer.Flush());
        writer.WriteEndRecord();
    }

    [Fact]
    public void Dispose_RecordOpen_DropsItAndPassesTheRest()
    {
        var stream = new MemoryStream();
        using (var writer = new EdkWriter(stream))
        {
            writer.WriteComment("kept");
            writer.WriteStartRecord(EdkOperation.Add, "/o=unfinished");
            writer.WriteAttribute("N", "x");
        }

        Assert.Equal("# kept\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Flush_ManyRecords_PassesBlocksOfAtLeast64KiB()
    {
        var stream = new RecordingStream();
        using var writer = new EdkWriter(stream);
        for (var i = 0; i < 5000; i++)
        {
            writer.WriteRecord(Add($"/o=Testorg/cn=R{i}", new("Display-Name", $"Recipient {i}"), new("Info", new string('x', i % 100))));
        }

        writer.Flush();

        Assert.True(stream.Writes.Count > 2);
        Assert.All(stream.Writes.SkipLast(1), size => Assert.InRange(size, 64 * 1024, 128 * 1024));
        Assert.Equal(stream.Length, writer.BytesWritten);
        Assert.Equal(5000, Read(stream.ToArray()).Count);
    }

    [Fact]
    public void WriteRecord_SeededRandomRecords_ReadBackIdentically()
    {
        var random = new Random(20240611);
        var names = Enumerable.Range(0, 40).Select(i => $"Attr-{i}").ToArray();
        var items = new List<Item>();
        for (var r = 0; r < 500; r++)
        {
            if (random.Next(5) == 0)
            {
                items.Add(RandomText(random, 60, allowControls: true).Replace('\r', '.').Replace('\n', '.'));
            }

            var operation = (EdkOperation)random.Next(3);
            var dn = "/o=Rand/cn=" + RandomText(random, 40, allowControls: false);
            var attributes = new List<EdkAttribute>();
            if (operation != EdkOperation.Delete)
            {
                foreach (var index in Enumerable.Range(0, names.Length).OrderBy(_ => random.Next()).Take(random.Next(16)))
                {
                    var name = random.Next(4) == 0 ? names[index].ToUpperInvariant() : names[index];
                    var values = Enumerable.Range(0, random.Next(5)).Select(_ => RandomText(random, 80, allowControls: true)).ToArray();
                    attributes.Add(new EdkAttribute(name, values, values.Length > 1 || (values.Length == 1 && random.Next(2) == 0)));
                }
            }

            items.Add(new EdkRecord(operation, dn, attributes));
        }

        AssertRoundTrip(items);
        Assert.Equal(500, items.Count(i => i.Record is not null));
    }

    /// <summary>The records of the edge-values golden file: every kind of value the writer must carry exactly.</summary>
    private static List<Item> EdgeItems() =>
    [
        "edge values: every awkward value the writer must round-trip",
        "",
        "  indented comment, with a tab\there and \\x41 that stays literal",
        Add("/o=Edge/cn=Raw",
            new("Plain", "Mailbox 11"),
            new("Colons", "SMTP:a@b.c:25"),
            new("Commas", "Doe, John"),
            new("Unicode", "Genève – 東京 – 😀"),
            new("Inner-Quote", "say \"hi\""),
            new("Trailing-Quote", "ends\""),
            new("Hash", "#not a comment"),
            new("Dash", "- Display-Name:x"),
            new("Middle-Spaces", "a  b\u00A0c"),
            new("Near-Escape", "x41 and /x41")),
        Add("/o=Edge/cn=Quoted",
            new("Empty", ""),
            new("Space", " "),
            new("Leading", " lead"),
            new("Trailing", "trail "),
            new("Leading-Quote", "\"quoted\""),
            new("Backslash", "C:\\dir\\"),
            new("Literal-Escape", "\\x41"),
            new("Tab", "a\tb"),
            new("Newlines", "one\r\ntwo\nthree\r"),
            new("Nul", "nul\0end"),
            new("Controls", "\u0001\u001B[0m\u007F"),
            new("Unicode-Spaces", "\u00A0nbsp\u3000"),
            new("Next-Line", "\u0085")),
        new EdkRecord(EdkOperation.Modify, "/o=Edge/cn=Multi",
        [
            Indexed("Proxy-Addresses", "SMTP:a@b.c", "smtp:\"odd\"@b.c", " x400 ", ""),
            Indexed("Single-Indexed", "only"),
            new("Title", [], false),
            new("userCertificate;binary", "MIIB"),
        ]),
        new EdkRecord(EdkOperation.Modify, "/o=Edge/cn=Nothing", []),
        "between records",
        new EdkRecord(EdkOperation.Delete, "/o=Edge/ou=Zürich/cn=Back\\slash \"and\" quotes", []),
        "dirsync-records: 5",
    ];

    [Fact]
    public void Write_EdgeValues_MatchesGoldenFile()
    {
        var actual = Write(EdgeItems());

        if (Environment.GetEnvironmentVariable("DIRSYNC_REGENERATE_GOLDEN") == "1")
        {
            var path = Path.Combine(SourceTestDataFolder(), EdgeValuesFile);
            File.WriteAllBytes(path, actual);
            Assert.Skip($"regenerated {path}");
        }

        var expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "EdkDirSync", EdgeValuesFile));
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Read_EdgeValuesGoldenFile_ReturnsTheItemsWritten()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "EdkDirSync", EdgeValuesFile));

        Assert.Equal(EdgeItems(), Read(bytes));
    }

    private static string SourceTestDataFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "TestData", "EdkDirSync"));

    /// <summary>Random text that mixes the characters the encoding must take care of with ordinary ones.</summary>
    private static string RandomText(Random random, int maxLength, bool allowControls)
    {
        var length = random.Next(6) == 0 ? 0 : random.Next(1, maxLength);
        var builder = new StringBuilder(length + 2);
        while (builder.Length < length)
        {
            switch (random.Next(9))
            {
                case 0 when allowControls:
                    builder.Append(random.Next(33) is var c && c == 32 ? '\u007F' : (char)c);
                    break;
                case 1:
                    builder.Append("\"\\: ,#-[]x"[random.Next(10)]);
                    break;
                case 2:
                    builder.Append((char)random.Next(0x80, 0x800));
                    break;
                case 3:
                    builder.Append((char)(random.Next(2) == 0 ? random.Next(0x800, 0xD800) : random.Next(0xE000, 0x10000)));
                    break;
                case 4:
                    builder.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000)));
                    break;
                case 5:
                    builder.Append(" \u00A0\u2028\u3000\u0085"[random.Next(5)]);
                    break;
                default:
                    builder.Append((char)random.Next(0x21, 0x7F));
                    break;
            }
        }

        return builder.ToString();
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add(count);
            base.Write(buffer, offset, count);
        }
    }
}
