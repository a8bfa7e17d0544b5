using System.Text;
using DirSync.Core.Formats.Ldif;

namespace DirSync.Tests.Formats.Ldif;

public sealed class LdifWriterTests
{
    private static string Write(Action<LdifWriter> body)
    {
        var stream = new MemoryStream();
        using (var writer = new LdifWriter(stream))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string WriteValue(string value) => Write(w =>
    {
        w.WriteRecordStart("o=x", LdifChangeType.None);
        w.WriteAttribute("cn", value);
        w.WriteRecordEnd();
    });

    private static string RoundTrip(string value)
    {
        using var reader = new LdifReader(new MemoryStream(Encoding.UTF8.GetBytes(WriteValue(value))), "out.ldif");
        Assert.True(reader.Read());
        var read = Assert.Single(reader.Record.Attributes);
        Assert.False(reader.Read());
        return read.Value;
    }

    [Fact]
    public void WriteRecordStart_WithControls_WritesThemBetweenDnAndChangeTypeAndReadsBack()
    {
        var stream = new MemoryStream();
        using (var writer = new LdifWriter(stream))
        {
            writer.WriteRecordStart("cn=a,o=x", LdifChangeType.Delete, [new LdifControl("2.25.7", false, "4368116f-63fe-4bb2-afd2-a59d24e49b82"), new LdifControl("1.2.3", true, " lead")]);
            writer.WriteRecordEnd();
        }

        Assert.Equal(
            "dn: cn=a,o=x\ncontrol: 2.25.7 false: 4368116f-63fe-4bb2-afd2-a59d24e49b82\ncontrol: 1.2.3 true:: IGxlYWQ=\nchangetype: delete\n\n",
            Encoding.UTF8.GetString(stream.ToArray()));
        stream.Position = 0;
        using var reader = new LdifReader(stream, "t");
        Assert.True(reader.Read());
        Assert.Equal([new LdifControl("2.25.7", false, "4368116f-63fe-4bb2-afd2-a59d24e49b82"), new LdifControl("1.2.3", true, " lead")], reader.Record.Controls);
    }

    [Theory]
    [InlineData("1..2")]
    [InlineData("abc")]
    [InlineData("")]
    public void WriteRecordStart_ControlWithBadOid_Throws(string oid)
    {
        using var writer = new LdifWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => writer.WriteRecordStart("o=x", LdifChangeType.Delete, [new LdifControl(oid, false, null)]));
    }

    [Fact]
    public void WriteRecord_EveryChangeType_WritesExactLines()
    {
        var text = Write(w =>
        {
            w.WriteVersion();
            w.WriteComment("dirsync-source: test");
            w.WriteRecordStart("cn=a,o=x", LdifChangeType.None);
            w.WriteAttribute("cn", "a");
            w.WriteAttribute("cn;lang-de", "b");
            w.WriteRecordEnd();
            w.WriteRecordStart("cn=b,o=x", LdifChangeType.Add);
            w.WriteAttribute("2.5.4.3", "b");
            w.WriteRecordEnd();
            w.WriteRecordStart("cn=c,o=x", LdifChangeType.Delete);
            w.WriteRecordEnd();
            w.WriteRecordStart("cn=d,o=x", LdifChangeType.Modify);
            w.WriteModification(LdifModificationKind.Add, "mail", ["d@x", "d2@x"]);
            w.WriteModification(LdifModificationKind.Delete, "fax", []);
            w.WriteModification(LdifModificationKind.Replace, "sn", ["D"]);
            w.WriteRecordEnd();
            w.WriteRecordStart("cn=e,o=x", LdifChangeType.ModRdn);
            w.WriteModRdn("cn=f", deleteOldRdn: true, "o=y");
            w.WriteRecordEnd();
            w.WriteRecordStart("cn=g,o=x", LdifChangeType.ModRdn);
            w.WriteModRdn("cn=h", deleteOldRdn: false, newSuperior: null);
            w.WriteRecordEnd();
        });
        Assert.Equal(
            """
            version: 1
            # dirsync-source: test
            dn: cn=a,o=x
            cn: a
            cn;lang-de: b

            dn: cn=b,o=x
            changetype: add
            2.5.4.3: b

            dn: cn=c,o=x
            changetype: delete

            dn: cn=d,o=x
            changetype: modify
            add: mail
            mail: d@x
            mail: d2@x
            -
            delete: fax
            -
            replace: sn
            sn: D
            -

            dn: cn=e,o=x
            changetype: modrdn
            newrdn: cn=f
            deleteoldrdn: 1
            newsuperior: o=y

            dn: cn=g,o=x
            changetype: modrdn
            newrdn: cn=h
            deleteoldrdn: 0


            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            text);
    }

    [Theory]
    [InlineData("plain", "cn: plain\n")]
    [InlineData("", "cn:\n")]
    [InlineData("a:b, c<d #e", "cn: a:b, c<d #e\n")]
    [InlineData("-", "cn: -\n")]
    [InlineData(" leading space", "cn:: IGxlYWRpbmcgc3BhY2U=\n")]
    [InlineData(":leading colon", "cn:: OmxlYWRpbmcgY29sb24=\n")]
    [InlineData("<leading angle", "cn:: PGxlYWRpbmcgYW5nbGU=\n")]
    [InlineData("trailing ", "cn:: dHJhaWxpbmcg\n")]
    [InlineData("a\nb", "cn:: YQpi\n")]
    [InlineData("a\rb", "cn:: YQ1i\n")]
    [InlineData("a\0b", "cn:: YQBi\n")]
    [InlineData("Müller", "cn:: TcO8bGxlcg==\n")]
    public void WriteAttribute_Value_PlainOnlyWhenSafe(string value, string expectedLine)
    {
        Assert.Equal("dn: o=x\n" + expectedLine + "\n", WriteValue(value));
    }

    [Fact]
    public void WriteRecordStart_UnsafeDn_WritesBase64()
    {
        var text = Write(w =>
        {
            w.WriteRecordStart("cn=Müller,o=x", LdifChangeType.Delete);
            w.WriteRecordEnd();
            w.WriteRecordStart("", LdifChangeType.Delete);
            w.WriteRecordEnd();
        });
        Assert.Equal("dn:: Y249TcO8bGxlcixvPXg=\nchangetype: delete\n\ndn:\nchangetype: delete\n\n", text);
    }

    [Fact]
    public void WriteAttribute_LongPlainValue_FoldsAt76Columns()
    {
        var value = new string('x', 100);
        var text = WriteValue(value);
        Assert.Equal("dn: o=x\ncn: " + new string('x', 72) + "\n " + new string('x', 28) + "\n\n", text);
    }

    [Theory]
    [InlineData(72, 1)]
    [InlineData(73, 2)]
    [InlineData(72 + 75, 2)]
    [InlineData(72 + 76, 3)]
    public void WriteAttribute_LineAtWidth_FoldsOnlyBeyond76(int valueLength, int physicalLines)
    {
        var lines = WriteValue(new string('v', valueLength)).Split('\n')[1..^2];
        Assert.Equal(physicalLines, lines.Length);
        Assert.All(lines, l => Assert.InRange(l.Length, 1, 76));
        Assert.All(lines[1..], l => Assert.StartsWith(" ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void WriteAttribute_LongBase64Value_FoldsEveryLineAt76()
    {
        var value = string.Concat(Enumerable.Repeat("日本語", 100));
        var lines = WriteValue(value).Split('\n')[1..^2];
        Assert.StartsWith("cn:: ", lines[0], StringComparison.Ordinal);
        Assert.All(lines[..^1], l => Assert.Equal(76, l.Length));
        Assert.Equal(value, RoundTrip(value));
    }

    [Fact]
    public void WriteComment_LongNonAsciiText_FoldsBetweenUtf8Sequences()
    {
        var comment = "dirsync " + string.Concat(Enumerable.Repeat("é😀日", 40));
        var stream = new MemoryStream();
        using (var writer = new LdifWriter(stream))
        {
            writer.WriteComment(comment);
        }

        var bytes = stream.ToArray();
        var physical = new List<byte[]>();
        for (int start = 0, lf; start < bytes.Length; start = lf + 1)
        {
            lf = Array.IndexOf(bytes, (byte)'\n', start);
            physical.Add(bytes[start..lf]);
        }

        Assert.True(physical.Count > 1);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        Assert.All(physical, line =>
        {
            Assert.InRange(line.Length, 1, 76);
            strict.GetString(line);
        });
        using var reader = new LdifReader(new MemoryStream(bytes), "out.ldif");
        Assert.True(reader.Read());
        Assert.Equal(comment, reader.Comment);
    }

    [Fact]
    public void WriteComment_Empty_WritesBareHash()
    {
        Assert.Equal("#\n", Write(w => w.WriteComment("")));
    }

    public static TheoryData<string> AwkwardValues() =>
    [
        "Müller",
        "日本語",
        "emoji 😀 👍🏽 🇩🇪",
        "Doe, John",
        "a:b:c",
        " leading space",
        ":leading colon",
        "<leading angle",
        "trailing space ",
        "line1\r\nline2\nline3\r",
        "\0nul\0",
        "\t tab",
        "",
        " ",
        "-",
        "#not a comment",
        new string('x', 100 * 1024),
        string.Concat(Enumerable.Repeat("Grüße, 世界! ", 5000)),
    ];

    [Theory]
    [MemberData(nameof(AwkwardValues))]
    public void WriteAttribute_AwkwardValue_ReadsBackUnchanged(string value)
    {
        Assert.Equal(value, RoundTrip(value));
    }

    [Fact]
    public void BytesWritten_CountsBufferedAndFlushedBytes()
    {
        var stream = new MemoryStream();
        using var writer = new LdifWriter(stream);
        writer.WriteVersion();
        Assert.Equal(11, writer.BytesWritten);
        Assert.Equal(0, stream.Length);
        for (var i = 0; i < 5000; i++)
        {
            writer.WriteRecordStart($"cn=user{i},o=x", LdifChangeType.Add);
            writer.WriteAttribute("description", new string('d', i % 200));
            writer.WriteRecordEnd();
        }

        writer.Flush();
        Assert.Equal(stream.Length, writer.BytesWritten);
        Assert.True(stream.Length > 64 * 1024);
    }

    [Fact]
    public void Dispose_FlushesAndLeavesStreamOpen()
    {
        var stream = new MemoryStream();
        var writer = new LdifWriter(stream);
        writer.WriteComment("x");
        writer.Dispose();
        Assert.Equal("# x\n", Encoding.UTF8.GetString(stream.ToArray()));
        Assert.True(stream.CanWrite);
        Assert.Throws<ObjectDisposedException>(() => writer.WriteComment("y"));
    }

    [Fact]
    public void WriteAttribute_NoOpenRecord_Throws()
    {
        using var writer = new LdifWriter(new MemoryStream());
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteAttribute("cn", "x"));
        Assert.Equal("No record is open; call WriteRecordStart first.", error.Message);
    }

    [Fact]
    public void WriteAttribute_InModifyRecord_Throws()
    {
        using var writer = new LdifWriter(new MemoryStream());
        writer.WriteRecordStart("o=x", LdifChangeType.Modify);
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteAttribute("cn", "x"));
        Assert.Equal("Attributes belong to content and add records, not to Modify records.", error.Message);
    }

    [Fact]
    public void WriteModification_InAddRecord_Throws()
    {
        using var writer = new LdifWriter(new MemoryStream());
        writer.WriteRecordStart("o=x", LdifChangeType.Add);
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteModification(LdifModificationKind.Add, "cn", ["x"]));
        Assert.Equal("Modifications belong to modify records, not to Add records.", error.Message);
    }

    [Fact]
    public void WriteComment_InsideRecord_Throws()
    {
        using var writer = new LdifWriter(new MemoryStream());
        writer.WriteRecordStart("o=x", LdifChangeType.Delete);
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteComment("trailer"));
        Assert.Equal("A record is open; call WriteRecordEnd first.", error.Message);
    }

    [Fact]
    public void WriteRecordEnd_ContentRecordWithoutAttributes_Throws()
    {
        using var writer = new LdifWriter(new MemoryStream());
        writer.WriteRecordStart("o=x", LdifChangeType.None);
        var error = Assert.Throws<InvalidOperationException>(writer.WriteRecordEnd);
        Assert.Equal("A content or add record needs at least one attribute.", error.Message);
    }

    [Fact]
    public void WriteRecordEnd_ModRdnWithoutFields_Throws()
    {
        using var writer = new LdifWriter(new MemoryStream());
        writer.WriteRecordStart("o=x", LdifChangeType.ModRdn);
        var error = Assert.Throws<InvalidOperationException>(writer.WriteRecordEnd);
        Assert.Equal("A modrdn record needs its fields; call WriteModRdn.", error.Message);
    }

    [Fact]
    public void WriteVersion_AfterRecord_Throws()
    {
        using var writer = new LdifWriter(new MemoryStream());
        writer.WriteRecordStart("o=x", LdifChangeType.Delete);
        writer.WriteRecordEnd();
        var error = Assert.Throws<InvalidOperationException>(writer.WriteVersion);
        Assert.Equal("The version line must come first, and only once.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("c n")]
    [InlineData("cn;")]
    [InlineData("1.2.")]
    [InlineData("cn:")]
    [InlineData("Müller")]
    [InlineData("dn")]
    [InlineData("ChangeType")]
    [InlineData("control")]
    public void WriteAttribute_InvalidName_ThrowsArgumentException(string name)
    {
        using var writer = new LdifWriter(new MemoryStream());
        writer.WriteRecordStart("o=x", LdifChangeType.None);
        var error = Assert.Throws<ArgumentException>(() => writer.WriteAttribute(name, "x"));
        Assert.Equal("name", error.ParamName);
    }

    [Fact]
    public void WriteAttribute_UnpairedSurrogate_ThrowsWithoutWriting()
    {
        var stream = new MemoryStream();
        using var writer = new LdifWriter(stream);
        writer.WriteRecordStart("o=x", LdifChangeType.None);
        var before = writer.BytesWritten;
        var error = Assert.Throws<ArgumentException>(() => writer.WriteAttribute("cn", "a\uD800b"));
        Assert.Equal("value", error.ParamName);
        Assert.Equal(before, writer.BytesWritten);
    }

    [Fact]
    public void WriteComment_LineBreak_ThrowsArgumentException()
    {
        using var writer = new LdifWriter(new MemoryStream());
        var error = Assert.Throws<ArgumentException>(() => writer.WriteComment("a\nb"));
        Assert.Equal("text", error.ParamName);
    }

    [Fact]
    public void WriteRecord_EdgeValues_MatchesGoldenFileAndReadsBack()
    {
        var stream = new MemoryStream();
        using (var writer = new LdifWriter(stream))
        {
            writer.WriteVersion();
            writer.WriteComment("dirsync-source: golden edge values");
            foreach (var record in EdgeRecords())
            {
                writer.WriteRecord(record);
            }

            writer.WriteComment("dirsync-trailer: " + string.Join(", ", Enumerable.Repeat("long comment with ümlauts", 5)));
        }

        var bytes = stream.ToArray();
        GoldenFile.Check("edge-values.ldif", bytes);

        var expected = EdgeRecords().Select(r => LdifDump.Record(r)).ToList();
        var read = LdifDump.ReadAll(bytes, withLines: false);
        Assert.Equal(["version", "comment \"dirsync-source: golden edge values\"", .. expected, read[^1]], read);
        Assert.StartsWith("comment \"dirsync-trailer: long comment", read[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteRecord_RandomRecords_ReadBackIdentical(bool trickle)
    {
        var random = new Random(20250101);
        var records = Enumerable.Range(0, 500).Select(_ => RandomRecord(random)).ToList();
        var stream = new MemoryStream();
        using (var writer = new LdifWriter(stream))
        {
            foreach (var record in records)
            {
                writer.WriteRecord(record);
            }
        }

        var bytes = stream.ToArray();
        var read = LdifDump.ReadAll(bytes, withLines: false, trickle: trickle);
        Assert.Equal(records.Select(r => LdifDump.Record(r)), read);
        Assert.All(Encoding.UTF8.GetString(bytes).Split('\n'), line => Assert.InRange(Encoding.UTF8.GetByteCount(line), 0, 76));
    }

    private static IEnumerable<LdifRecord> EdgeRecords()
    {
        yield return new LdifRecord
        {
            Dn = "cn=Müller\\, Hans,ou=Vertrieb,o=Beispiel",
            Attributes =
            [
                new("objectClass", "person"),
                new("objectClass", "organizationalPerson"),
                new("cn", "Müller, Hans"),
                new("cn;lang-ja", "日本語"),
                new("description", "emoji 😀 👍🏽 🇩🇪"),
                new("mail", "hans.mueller@example.com"),
                new("title", "a:b, c<d #e"),
                new("info", ":leading colon"),
                new("info", "<leading angle"),
                new("info", " leading space"),
                new("info", "trailing space "),
                new("info", "line1\r\nline2\nline3"),
                new("info", ""),
                new("2.5.4.20", "+1 555 0100"),
                new("description", string.Join(' ', Enumerable.Range(0, 30).Select(i => $"word{i}"))),
            ],
        };
        yield return new LdifRecord
        {
            Dn = "cn=Added,o=x",
            ChangeType = LdifChangeType.Add,
            Attributes = [new("cn", "Added"), new("sn", "Ädded")],
        };
        yield return new LdifRecord
        {
            Dn = "cn=Mod,o=x",
            ChangeType = LdifChangeType.Modify,
            Modifications =
            [
                new(LdifModificationKind.Add, "mail", ["a@x", "b@x"]),
                new(LdifModificationKind.Delete, "telephoneNumber", []),
                new(LdifModificationKind.Delete, "mail", ["old@x"]),
                new(LdifModificationKind.Replace, "sn", ["Ünïcödé "]),
                new(LdifModificationKind.Replace, "title", []),
            ],
        };
        yield return new LdifRecord
        {
            Dn = "cn=Old,o=x",
            ChangeType = LdifChangeType.ModRdn,
            NewRdn = "cn=Néw",
            DeleteOldRdn = true,
            NewSuperior = "ou=Zürich,o=x",
        };
        yield return new LdifRecord { Dn = "cn=Stay,o=x", ChangeType = LdifChangeType.ModRdn, NewRdn = "cn=Moved" };
        yield return new LdifRecord { Dn = "cn=Gone,o=x", ChangeType = LdifChangeType.Delete };
        yield return new LdifRecord { Dn = "", ChangeType = LdifChangeType.Delete };
    }

    private static LdifRecord RandomRecord(Random random)
    {
        var dn = RandomString(random);
        switch (random.Next(5))
        {
            case 0 or 1:
                return new LdifRecord
                {
                    Dn = dn,
                    ChangeType = random.Next(2) == 0 ? LdifChangeType.None : LdifChangeType.Add,
                    Attributes = Enumerable.Range(0, random.Next(1, 20)).Select(_ => new LdifValue(RandomName(random), RandomString(random))).ToArray(),
                };
            case 2:
                return new LdifRecord
                {
                    Dn = dn,
                    ChangeType = LdifChangeType.Modify,
                    Modifications = Enumerable.Range(0, random.Next(0, 6))
                        .Select(_ => new LdifModification(
                            (LdifModificationKind)random.Next(3),
                            RandomName(random),
                            Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomString(random)).ToArray()))
                        .ToArray(),
                };
            case 3:
                return new LdifRecord
                {
                    Dn = dn,
                    ChangeType = LdifChangeType.ModRdn,
                    NewRdn = RandomString(random),
                    DeleteOldRdn = random.Next(2) == 0,
                    NewSuperior = random.Next(2) == 0 ? null : RandomString(random),
                };
            default:
                return new LdifRecord { Dn = dn, ChangeType = LdifChangeType.Delete };
        }
    }

    private static string RandomName(Random random)
    {
        while (true)
        {
            var name = new StringBuilder();
            if (random.Next(4) == 0)
            {
                name.Append(random.Next(10));
                for (var i = random.Next(0, 8); i > 0; i--)
                {
                    name.Append('.').Append(random.Next(100_000));
                }
            }
            else
            {
                const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
                const string KeyChars = Letters + "0123456789-";
                name.Append(Letters[random.Next(Letters.Length)]);
                for (var i = random.Next(0, 90); i > 0; i--)
                {
                    name.Append(KeyChars[random.Next(KeyChars.Length)]);
                }
            }

            for (var i = random.Next(3) == 0 ? random.Next(1, 3) : 0; i > 0; i--)
            {
                name.Append(";lang-").Append(random.Next(100));
            }

            var text = name.ToString();
            if (!text.Equals("dn", StringComparison.OrdinalIgnoreCase) && !text.Equals("changetype", StringComparison.OrdinalIgnoreCase)
                && !text.Equals("control", StringComparison.OrdinalIgnoreCase))
            {
                return text;
            }
        }
    }

    private static string RandomString(Random random)
    {
        var length = random.Next(20) == 0 ? random.Next(200, 3000) : random.Next(0, 40);
        var text = new StringBuilder(length);
        while (text.Length < length)
        {
            switch (random.Next(10))
            {
                case 0:
                    const string Awkward = " :<\0\r\n\t#-=,";
                    text.Append(Awkward[random.Next(Awkward.Length)]);
                    break;
                case 1:
                    // Any BMP character outside the surrogate range.
                    var c = (char)random.Next(0x80, 0xFFFE);
                    text.Append(char.IsSurrogate(c) ? 'ß' : c);
                    break;
                case 2:
                    text.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF)));
                    break;
                default:
                    text.Append((char)random.Next(0x20, 0x7F));
                    break;
            }
        }

        return text.ToString();
    }
}
