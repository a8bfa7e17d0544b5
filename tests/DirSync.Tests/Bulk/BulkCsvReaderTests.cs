using System.Text;
using DirSync.Core;
using DirSync.Core.Bulk;
using DirSync.Core.Model;

namespace DirSync.Tests.Bulk;

public sealed class BulkCsvReaderTests
{
    private static readonly BulkCsvReaderOptions Tiny = new() { ReadBlockBytes = 3 };

    private const string Header = "Obj-Class,Common-Name,Display-Name,Title,Comment\r\n";

    private static InputFormatException HeaderError(string csv) =>
        Assert.Throws<InputFormatException>(() => BulkDump.ReadAll(csv));

    public static TheoryData<string> ReadModes() => new() { "whole", "tiny blocks", "one byte per read" };

    private static List<string> ReadAll(string mode, byte[] csv) => mode switch
    {
        "whole" => BulkDump.ReadAll(csv),
        "tiny blocks" => BulkDump.ReadAll(csv, Tiny),
        _ => BulkDump.ReadAll(csv, trickle: true),
    };

    [Theory]
    [MemberData(nameof(ReadModes))]
    public void Read_Rfc4180EdgeCases_ReturnsExactFields(string mode)
    {
        var csv = "\uFEFF" + Header
            + "Mailbox,plain,Plain Name,Engineer,\r\n"
            + "Mailbox,commas,\"Doe, John\",\"a,b,c\",\r\n"
            + "Mailbox,quotes,\"Say \"\"hi\"\"\",\"\"\"\",\"\"\"quoted\"\"\"\r\n"
            + "Mailbox,lines,Lines,,\"one\ntwo\r\nthree\"\r\n"
            + "Mailbox,empty,\"\",,\"\"\n"
            + "Mailbox,spaces, Padded ,  ,x\r\n"
            + "Mailbox,unicode,Zoë Ærø,日本,\"€\"\r\n"
            + "\r\n";

        Assert.Equal(
            [
                "2: Update Mailbox plain | Display-Name=[Plain Name] | Title=[Engineer]",
                "3: Update Mailbox commas | Display-Name=[Doe, John] | Title=[a,b,c]",
                "4: Update Mailbox quotes | Display-Name=[Say \"hi\"] | Title=[\"] | Comment=[\"quoted\"]",
                "5: Update Mailbox lines | Display-Name=[Lines] | Comment=[one\\ntwo\\r\\nthree]",
                "8: Update Mailbox empty",
                "9: Update Mailbox spaces | Display-Name=[ Padded ] | Title=[  ] | Comment=[x]",
                "10: Update Mailbox unicode | Display-Name=[Zoë Ærø] | Title=[日本] | Comment=[€]",
            ],
            ReadAll(mode, Encoding.UTF8.GetBytes(csv)));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Read_LineEnds_GiveTheSameRows(string newLine)
    {
        var csv = $"Obj-Class,Common-Name,Title{newLine}Mailbox,a,x{newLine}Remote,b,\"y{newLine}z\"{newLine}dl,c,";

        Assert.Equal(
            ["2: Update Mailbox a | Title=[x]", $"3: Update CustomRecipient b | Title=[y{BulkDump.Show(newLine)}z]", "5: Update DistributionList c"],
            BulkDump.ReadAll(csv));
    }

    [Fact]
    public void Read_BlankLinesAndRowsOfCommas_AreSkippedButCounted()
    {
        var csv = "\r\nObj-Class,Common-Name,Title\r\n\r\n,,\r\nMailbox,a,x\n\n\"\",\"\",\"\"\nMailbox,b,y\n\n\n";

        using var reader = new BulkCsvReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "t.csv");
        Assert.Equal(2, reader.Header.Line);
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(BulkDump.Describe(reader.Row));
        }

        Assert.Equal(["5: Update Mailbox a | Title=[x]", "8: Update Mailbox b | Title=[y]"], rows);
        Assert.Equal(Encoding.UTF8.GetByteCount(csv), reader.BytesRead);
    }

    [Fact]
    public void Read_HeaderOnly_HasNoRows()
    {
        Assert.Empty(BulkDump.ReadAll("Obj-Class,Common-Name"));
        Assert.Empty(BulkDump.ReadAll("Obj-Class,Common-Name\r\n\r\n"));
    }

    [Fact]
    public void Header_EitherSpellingAndModeAnywhere_AreRecognised()
    {
        using var reader = new BulkCsvReader(new MemoryStream("objectClass, cn ,MODE,displayName,Telephone-Office2,info\r\n"u8.ToArray()), "t.csv");
        var header = reader.Header;

        Assert.Equal(["objectClass", "cn", "MODE", "displayName", "Telephone-Office2", "info"], header.Columns.Select(c => c.Name));
        Assert.Equal(1, header.Alias.Index);
        Assert.Equal(2, header.Mode!.Index);
        Assert.Equal(
            [AttributeCatalog.ObjectClass, AttributeCatalog.Alias, null, AttributeCatalog.DisplayName, AttributeCatalog.Get("otherTelephone"), AttributeCatalog.Get("Comment")],
            header.Columns.Select(c => c.Attribute));
        Assert.Equal("objectClass, cn ,MODE,displayName,Telephone-Office2,info", Encoding.UTF8.GetString(header.Text.Span));
        Assert.Equal("\r\n", header.NewLine);
    }

    [Fact]
    public void Header_LineFeedFileWithByteOrderMark_KeepsTextWithoutTheMark()
    {
        using var reader = new BulkCsvReader(new MemoryStream("\uFEFFObj-Class,Common-Name\nMailbox,a\n"u8.ToArray()), "t.csv");

        Assert.Equal("Obj-Class,Common-Name", Encoding.UTF8.GetString(reader.Header.Text.Span));
        Assert.Equal("\n", reader.Header.NewLine);
        Assert.Equal(1, reader.Header.Line);
    }

    public static TheoryData<string, string> HeaderErrors() => new()
    {
        { "", "t.csv: the file is empty; its first line must be the header, such as Obj-Class,Common-Name,Display-Name" },
        { "\r\n\r\n", "t.csv: the file is empty; its first line must be the header, such as Obj-Class,Common-Name,Display-Name" },
        { "Common-Name,Obj-Class\r\n", "t.csv:1:1: the first column must be Obj-Class (or objectClass), not 'Common-Name'" },
        { ",Obj-Class,Common-Name\r\n", "t.csv:1:1: the first column must be Obj-Class (or objectClass), not an empty name" },
        { "\r\nMode,Obj-Class,Common-Name\r\n", "t.csv:2:1: the first column must be Obj-Class (or objectClass), not 'Mode'" },
        { "Obj-Class,Common-Name,Titel\r\n", "t.csv:1:3: unknown column 'Titel'; did you mean 'Title'? (or add --ignore-unknown-columns to pass over the columns DirSync does not know)" },
        { "Obj-Class,Common-Name,Display-Nmae\r\n", "t.csv:1:3: unknown column 'Display-Nmae'; did you mean 'Display-Name' or 'Display Name'? (or add --ignore-unknown-columns to pass over the columns DirSync does not know)" },
        { "Obj-Class,Common-Name,First Nmae\r\n", "t.csv:1:3: unknown column 'First Nmae'; did you mean 'First Name'? (or add --ignore-unknown-columns to pass over the columns DirSync does not know)" },
        { "Obj-Class,Common-Name,Favourite-Colour\r\n", "t.csv:1:3: unknown column 'Favourite-Colour'; see 'dirsync attributes' for the names DirSync keeps, or add --ignore-unknown-columns to pass over the columns it does not know" },
        { "Obj-Class,Common-Name,Modes\r\n", "t.csv:1:3: unknown column 'Modes'; did you mean 'Mode' or 'Notes'? (or add --ignore-unknown-columns to pass over the columns DirSync does not know)" },
        { "Obj-Class,Common-Name,USN-Created\r\n", "t.csv:1:3: 'USN-Created' is kept by the directory and cannot be imported" },
        { "Obj-Class,Common-Name,,Title\r\n", "t.csv:1:3: column 3 has no name" },
        { "Obj-Class,Common-Name,Title,title\r\n", "t.csv:1:4: duplicate column 'title': already column 3" },
        { "Obj-Class,Common-Name,Display-Name,displayName\r\n", "t.csv:1:4: duplicate column 'displayName' (the same attribute as 'Display-Name'): already column 3" },
        { "Obj-Class,cn,Common-Name\r\n", "t.csv:1:3: duplicate column 'Common-Name' (the same attribute as 'cn'): already column 2" },
        { "Obj-Class,Alias Name,Mail-Nickname\r\n", "t.csv:1:3: duplicate column 'Mail-Nickname' (the same attribute as 'Alias Name'): already column 2" },
        { "Obj-Class,Directory Name,Common-Name\r\n", "t.csv:1:3: duplicate column 'Common-Name' (the same attribute as 'Directory Name'): already column 2" },
        { "Obj-Class,Common-Name,Obj-Container,obj-container\r\n", "t.csv:1:4: duplicate column 'obj-container': already column 3" },
        { "Obj-Class,Common-Name,First Name,Given-Name\r\n", "t.csv:1:4: duplicate column 'Given-Name' (the same attribute as 'First Name'): already column 3" },
        { "Obj-Class,Common-Name,objectClass\r\n", "t.csv:1:3: duplicate column 'objectClass' (the same attribute as 'Obj-Class'): already column 1" },
        { "Obj-Class,Mode,Common-Name,mode\r\n", "t.csv:1:4: duplicate column 'mode': Mode is already column 2" },
        { "Obj-Class,Display-Name,Title\r\n", "t.csv:1: the header has no Common-Name column (also spelled cn, Directory Name, Mail-Nickname or Alias Name); every row names its recipient by alias" },
        { "Obj-Class,Home-Server,Display-Name\r\n", "t.csv:1: the header has no Common-Name column (also spelled cn, Directory Name, Mail-Nickname or Alias Name); every row names its recipient by alias" },
        { "Obj-Class,Common-Name,\"Title\r\n", "t.csv:1:3: the quoted value is not closed; a quote inside a value is written as two quotes (\"\")" },
    };

    [Theory]
    [MemberData(nameof(HeaderErrors))]
    public void Header_Invalid_ThrowsWithFileLineAndColumn(string csv, string message)
    {
        Assert.Equal(message, HeaderError(csv).Message);
    }

    [Fact]
    public void Read_MultiValuedFields_SplitOnPercentAndOthersKeepIt()
    {
        var csv = "Obj-Class,Common-Name,Display-Name,Proxy-Addresses,Member,Telephone-Office2,Title\r\n"
            + "Mailbox,a,50% off,SMTP:a@x.com%smtp:b@x.com,,+1 1%+1 2%+1 3,100%\r\n"
            + "dl,l,List,,a%b%c,,\r\n";

        Assert.Equal(
            [
                "2: Update Mailbox a | Display-Name=[50% off] | Proxy-Addresses=[SMTP:a@x.com][smtp:b@x.com] | Telephone-Office2=[+1 1][+1 2][+1 3] | Title=[100%]",
                "3: Update DistributionList l | Display-Name=[List] | Member=[a][b][c]",
            ],
            BulkDump.ReadAll(csv));
    }

    [Theory]
    [MemberData(nameof(ReadModes))]
    public void Read_ExchangeEscapesInMultiValuedFields_AreUndone(string mode)
    {
        // The escapes as Exchange's documentation shows them: a backslash before a '%' or a '\' inside a multi-valued field.
        var csv = "Obj-Class,Common-Name,Telephone-Office2,Proxy-Addresses,Title\r\n"
            + "Mailbox,a,\"v\\%1%v,2%v,3\",\"CUSTOM:Black, Maria at \\\\\\\\SANFRANCISCO01%SMTP:a@x.com\",50\\% \\\\ off\r\n";

        Assert.Equal(
            [
                "2: Update Mailbox a | Telephone-Office2=[v%1][v,2][v,3] | Proxy-Addresses=[CUSTOM:Black, Maria at \\\\SANFRANCISCO01][SMTP:a@x.com] | Title=[50\\% \\\\ off]",
            ],
            ReadAll(mode, Encoding.UTF8.GetBytes(csv)));
    }

    public static TheoryData<string, string[]> MultiValuedFields() => new()
    {
        { "plain", ["plain"] },
        { "a%b%c", ["a", "b", "c"] },
        { "v\\%1%v,2%v,3", ["v%1", "v,2", "v,3"] },
        { "\\\\\\\\SERVER%x", ["\\\\SERVER", "x"] },
        { "a\\\\%b", ["a\\", "b"] },
        { "a\\\\\\%b", ["a\\%b"] },
        { "\\%", ["%"] },
        { "C:\\path\\x", ["C:\\path\\x"] },
        { "ends\\", ["ends\\"] },
        { new string('x', 300) + "\\%" + new string('y', 300) + "%z", [new string('x', 300) + "%" + new string('y', 300), "z"] },
    };

    [Theory]
    [MemberData(nameof(MultiValuedFields))]
    public void SplitValues_ExchangeEscapes_GiveTheValuesAndJoinBackToTheSameText(string text, string[] values)
    {
        Assert.True(BulkCsvSyntax.TrySplitValues(text, out var split));
        Assert.Equal(values, split);

        // Writing gives Exchange's form, which reads back to the same values; a lone backslash comes back escaped.
        var joined = BulkCsvSyntax.JoinValues(values);
        Assert.True(BulkCsvSyntax.TrySplitValues(joined, out var again));
        Assert.Equal(values, again);
        Assert.Equal(text.Replace("C:\\path\\x", "C:\\\\path\\\\x", StringComparison.Ordinal).Replace("ends\\", "ends\\\\", StringComparison.Ordinal), joined);
    }

    [Theory]
    [InlineData("a%%b")]
    [InlineData("%a")]
    [InlineData("a%")]
    [InlineData("\\%%")]
    public void SplitValues_EmptyValue_IsRefused(string text)
    {
        Assert.False(BulkCsvSyntax.TrySplitValues(text, out _));
    }

    [Fact]
    public void Header_ExchangeAdminDisplayNames_NameTheSameAttributesAsTheSchemaNames()
    {
        var header = "Obj-Class,First Name,Last name,Display Name,Alias Name,Directory Name,Primary Windows NT Account,Home-Server,"
            + "E-mail address,E-mail Addresses,Members,Obj-Container,Hide from AB,OFFICE,phone number,Notes,Custom Attribute 15,Text-Country,Physical-Delivery-Office-Name\r\n";
        using var reader = new BulkCsvReader(new MemoryStream(Encoding.UTF8.GetBytes(header.Replace("Physical-Delivery-Office-Name", "Mode", StringComparison.Ordinal))), "t.csv");

        Assert.Equal(
            [
                "Obj-Class: Attribute objectClass", "First Name: Attribute givenName", "Last name: Attribute sn", "Display Name: Attribute displayName",
                "Alias Name: MailNickname cn", "Directory Name: Attribute cn", "Primary Windows NT Account: NotKept -", "Home-Server: NotKept -",
                "E-mail address: Attribute targetAddress", "E-mail Addresses: Attribute proxyAddresses", "Members: Attribute member", "Obj-Container: Container -",
                "Hide from AB: NotKept -", "OFFICE: Attribute physicalDeliveryOfficeName", "phone number: Attribute telephoneNumber", "Notes: Attribute info",
                "Custom Attribute 15: Attribute extensionAttribute15", "Text-Country: Attribute co", "Mode: Mode -",
            ],
            reader.Header.Columns.Select(c => $"{c.Name}: {c.Kind} {c.Attribute?.LdapName ?? "-"}"));
        Assert.Equal((5, 4, 11, 18), (reader.Header.Alias.Index, reader.Header.Nickname!.Index, reader.Header.Container!.Index, reader.Header.Mode!.Index));
        Assert.Equal(
            ["t.csv:1: passing over 3 columns DirSync does not keep: 'Primary Windows NT Account' (column 7), 'Home-Server' (column 8), 'Hide from AB' (column 13)"],
            reader.Header.Warnings);
        var duplicate = HeaderError(header.Replace("Text-Country", "Country", StringComparison.Ordinal) + "\r\n");
        Assert.Equal("t.csv:1:19: duplicate column 'Physical-Delivery-Office-Name' (the same attribute as 'OFFICE'): already column 14", duplicate.Message);
    }

    [Theory]
    [InlineData("Obj-Class,Mail-Nickname,Display-Name", 1)]
    [InlineData("Obj-Class,Display-Name,Alias Name", 2)]
    [InlineData("Obj-Class,Directory Name", 1)]
    public void Header_OneAliasColumnInAnySpelling_NamesTheRecipient(string header, int index)
    {
        using var reader = new BulkCsvReader(new MemoryStream(Encoding.UTF8.GetBytes(header + "\r\n")), "t.csv");

        Assert.Equal((index, BulkColumnKind.Attribute), (reader.Header.Alias.Index, reader.Header.Alias.Kind));
        Assert.Null(reader.Header.Nickname);
        Assert.Empty(reader.Header.Warnings);
    }

    [Fact]
    public void Read_AliasBesideDirectoryName_MustAgreeInAnyCase()
    {
        var csv = "Obj-Class,Alias Name,Directory Name,Title\r\nMailbox,annb,AnnB,x\r\nMailbox,,dougd,y\r\nMailbox,jsmith,SMITHJ,z\r\n";

        Assert.Equal(
            [
                "2: Update Mailbox AnnB | Title=[x]",
                "3: Update Mailbox dougd | Title=[y]",
                "4: error t.csv:4:2: Alias Name: the alias 'jsmith' differs from the directory name 'SMITHJ' (Directory Name); DirSync keeps one name for both, so make them the same or leave the Alias Name column out",
            ],
            BulkDump.ReadAll(csv));
    }

    [Fact]
    public void Read_PassedOverColumns_AreNeitherDecodedNorChecked()
    {
        byte[] csv = [.. "Obj-Class,Common-Name,Home-Server,Favourite\r\nMailbox,a,\"x\"\"y\","u8, 0xFF, .. "\r\n"u8];
        using var reader = new BulkCsvReader(new MemoryStream(csv), "t.csv", new BulkCsvReaderOptions { IgnoreUnknownColumns = true });

        Assert.True(reader.Read());
        Assert.Equal("2: Update Mailbox a", BulkDump.Describe(reader.Row));
        Assert.Equal([BulkColumnKind.Attribute, BulkColumnKind.Attribute, BulkColumnKind.NotKept, BulkColumnKind.Unknown], reader.Header.Columns.Select(c => c.Kind));
    }

    [Theory]
    [InlineData("/o=Testorg/ou=Site1/cn=Recipients", "Recipients")]
    [InlineData("/o=Testorg/ou=Site1/cn=Recipients/cn=Letters", "Recipients/Letters")]
    [InlineData("/ou=US/cn=Recipients", "Recipients")]
    [InlineData("cn=Recipients/cn=Sales", "Recipients/Sales")]
    [InlineData("Recipients/Sales", "Recipients/Sales")]
    [InlineData("Recipients/cn=Sales/", "Recipients/Sales")]
    public void ParseContainer_ExchangeAndPathForms_GiveThePath(string text, string path)
    {
        Assert.True(BulkCsvSyntax.TryParseContainer(text, out var container));
        Assert.Equal(path, container.Value);
    }

    [Theory]
    [InlineData("/o=Testorg/ou=Site1")]
    [InlineData("/o=Testorg/cn=Recipients/ou=Site1")]
    [InlineData("/o=Testorg/ou=Site1/dc=Recipients")]
    [InlineData("Recipients/cn=")]
    [InlineData("/")]
    public void ParseContainer_NoContainer_IsRefused(string text)
    {
        Assert.False(BulkCsvSyntax.TryParseContainer(text, out _));
    }

    [Theory]
    [InlineData("marketing", "marketing")]
    [InlineData("Recipients/cn=Letters/cn=marketing", "marketing")]
    [InlineData("/o=Testorg/ou=Site1/cn=Recipients/cn=joe", "joe")]
    [InlineData("Recipients/CN=Sales Team", "Sales Team")]
    public void ParseMember_AliasOrDirectoryPath_GivesTheAlias(string text, string alias)
    {
        Assert.True(BulkCsvSyntax.TryParseMember(text, out var parsed));
        Assert.Equal(alias, parsed);
    }

    [Theory]
    [InlineData("Recipients/marketing")]
    [InlineData("Recipients/cn=")]
    public void ParseMember_PathWithoutTheMembersCn_IsRefused(string text)
    {
        Assert.False(BulkCsvSyntax.TryParseMember(text, out _));
    }

    public static TheoryData<string, string> Encodings() => new()
    {
        { "UTF-16LE", "whole" }, { "UTF-16LE", "tiny blocks" }, { "UTF-16LE", "one byte per read" },
        { "UTF-16BE", "whole" }, { "UTF-16BE", "one byte per read" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Read_Utf16WithByteOrderMark_GivesTheRowsUtf8Gives(string encoding, string mode)
    {
        var csv = Header + "Mailbox,a,\"Zoë Ærø, 日本\",x,\"two\r\nlines\"\r\nRemote-Address,b,😀,,\r\n";
        var utf16 = encoding == "UTF-16LE" ? Encoding.Unicode : Encoding.BigEndianUnicode;
        byte[] bytes = [.. utf16.GetPreamble(), .. utf16.GetBytes(csv)];

        var rows = ReadAll(mode, bytes);

        Assert.Equal(ReadAll("whole", Encoding.UTF8.GetBytes(csv)), rows);
        Assert.Equal(["2: Update Mailbox a | Display-Name=[Zoë Ærø, 日本] | Title=[x] | Comment=[two\\r\\nlines]", "4: Update CustomRecipient b | Display-Name=[😀]"], rows);
    }

    [Fact]
    public void Read_Utf16_RowTextIsUtf8AndBytesReadFollowTheFile()
    {
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("Obj-Class,Common-Name\r\nMailbox,é\r\n")];
        using var reader = new BulkCsvReader(new MemoryStream(bytes), "t.csv");

        Assert.Equal("Obj-Class,Common-Name"u8.ToArray(), reader.Header.Text.ToArray());
        Assert.True(reader.Read());
        Assert.Equal("Mailbox,é"u8.ToArray(), reader.Row.Text.ToArray());
        Assert.False(reader.Read());
        Assert.Equal(bytes.Length, reader.BytesRead);
    }

    public static TheoryData<byte[], string> EncodingErrors() => new()
    {
        {
            Encoding.Unicode.GetBytes("Obj-Class,Common-Name\r\nMailbox,a\r\n"),
            "t.csv:1: the header holds NUL bytes, so the file looks like UTF-16 (Unicode) without a byte order mark; save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)"
        },
        {
            Encoding.BigEndianUnicode.GetBytes("Obj-Class,Common-Name\r\n"),
            "t.csv:1: the header holds NUL bytes, so the file looks like UTF-16 (Unicode) without a byte order mark; save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)"
        },
        {
            [0xFF, 0xFE, 0, 0, .. Encoding.UTF32.GetBytes("Obj-Class,Common-Name\r\n")],
            "t.csv: the file is UTF-32, which is not read; save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)"
        },
        {
            [.. Encoding.Latin1.GetBytes("Obj-Class,Common-Name,Pr\u00E9nom\r\n")],
            "t.csv:1:3: the header: byte 0xE9 is not UTF-8, so the file seems to be in another encoding, such as an ANSI code page; save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)"
        },
        {
            [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("Obj-Class,Common-Name\r\nMailbox,"), 0x00, 0xD8, .. Encoding.Unicode.GetBytes("\r\n")],
            "t.csv: the file starts with a UTF-16 byte order mark but holds bytes that are not UTF-16 text (a lone surrogate, or an odd byte at the end); save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)"
        },
        {
            [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("Obj-Class,Common-Name\r\nMailbox,a\r\n"), 0x00],
            "t.csv: the file starts with a UTF-16 byte order mark but holds bytes that are not UTF-16 text (a lone surrogate, or an odd byte at the end); save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)"
        },
    };

    [Theory]
    [MemberData(nameof(EncodingErrors))]
    public void Read_OtherEncodings_FailNamingTheProblemAndTheFix(byte[] bytes, string message)
    {
        var error = Assert.Throws<InputFormatException>(() => BulkDump.ReadAll(bytes));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Read_DelInAnyCase_ClearsClearableAttributes()
    {
        var csv = "Obj-Class,Common-Name,Title,Proxy-Addresses,Member,Telephone-Office2,Comment\r\n"
            + "Mailbox,a,~DEL,~del,~Del,~DEL,\"~DEL\"\r\n"
            + "Mailbox,b,~DELETE,x~DEL,,~DEL%x,\r\n";

        Assert.Equal(
            [
                "2: Update Mailbox a | Title=~DEL | Proxy-Addresses=~DEL | Member=~DEL | Telephone-Office2=~DEL | Comment=~DEL",
                "3: Update Mailbox b | Title=[~DELETE] | Proxy-Addresses=[x~DEL] | Telephone-Office2=[~DEL][x]",
            ],
            BulkDump.ReadAll(csv));
    }

    [Fact]
    public void Read_EveryModeAndClassSpelling_IsRead()
    {
        var csv = "Obj-Class,Mode,Common-Name\r\n"
            + "Mailbox,Create,a\r\nmailbox,modify,b\r\nREMOTE,DELETE,c\r\nRemote,Update,d\r\ndl, update ,e\r\nDL,,f\r\n custom-recipient ,Create,g\r\n";

        Assert.Equal(
            [
                "2: Create Mailbox a", "3: Modify Mailbox b", "4: Delete CustomRecipient c", "5: Update CustomRecipient d",
                "6: Update DistributionList e", "7: Update DistributionList f", "8: Create CustomRecipient g",
            ],
            BulkDump.ReadAll(csv));
    }

    [Fact]
    public void Read_BadRows_ReportTheLineEachStartsOnAndGoOn()
    {
        var csv = "Obj-Class,Mode,Common-Name,Display-Name,Comment,Proxy-Addresses\r\n"   // 1
            + "Mailbox,,ok1,\"Two\r\nline\",\"and\r\nthree\r\nlines\",\r\n"                // 2-5
            + "Mailbox,,few,Few\r\n"                                                        // 6
            + "Mailbox,,many,Many,,,\r\n"                                                   // 7
            + "Mailbox,,quote,Quo\"te,,\r\n"                                                // 8
            + "Mailbox,,after,\"Closed\"x,,\r\n"                                            // 9
            + "Mailbox,,ok2,\"Multi\nline\",,\r\n"                                          // 10-11
            + "Mailbox,,cr,A\rB,,\r\n"                                                      // 12
            + "Person,,cls,Cls,,\r\n"                                                       // 13
            + ",,nocls,No class,,\r\n"                                                      // 14
            + "Mailbox,Replace,mode,Mode,,\r\n"                                             // 15
            + "Mailbox,,,No alias,,\r\n"                                                    // 16
            + "Mailbox,,~DEL,Del alias,,\r\n"                                               // 17
            + "Mailbox,,dn,~DEL,,\r\n"                                                      // 18
            + "Mailbox,,pct,Pct,,SMTP:a@x.com%%SMTP:b@x.com\r\n"                            // 19
            + "Mailbox,,pct2,Pct,,SMTP:a@x.com%\r\n"                                        // 20
            + "Mailbox,,ok3,\"\"\"\r\n\"\"\",,\r\n"                                         // 21-22
            + "Mailbox,,open,\"never closed,,\r\n"                                          // 23
            + "Mailbox,,ok4,Four,,\r\n";                                                    // 24

        Assert.Equal(
            [
                "2: Update Mailbox ok1 | Display-Name=[Two\\r\\nline] | Comment=[and\\r\\nthree\\r\\nlines]",
                "6: error t.csv:6: the row has 4 fields; the header has 6",
                "7: error t.csv:7: the row has 7 fields; the header has 6",
                "8: error t.csv:8:4: a quote inside an unquoted value; quote the whole value and write the quote as two quotes (\"\")",
                "9: error t.csv:9:4: text follows the closing quote; quote the whole value, writing a quote inside it as two quotes (\"\")",
                "10: Update Mailbox ok2 | Display-Name=[Multi\\nline]",
                "12: error t.csv:12:4: a carriage return without a line feed outside quotes; lines end with CR LF or LF",
                "13: error t.csv:13:1: Obj-Class: unknown class 'Person'; use Mailbox, Remote or dl",
                "14: error t.csv:14:1: Obj-Class: the class is empty; use Mailbox, Remote or dl",
                "15: error t.csv:15:2: Mode: unknown mode 'Replace'; use Create, Modify, Delete or Update",
                "16: error t.csv:16:3: Common-Name: every row needs the alias of its recipient",
                "17: error t.csv:17:3: Common-Name: every row needs the alias of its recipient",
                "18: error t.csv:18:4: Display-Name: ~DEL cannot clear it: every recipient has a display name",
                "19: error t.csv:19:6: Proxy-Addresses: an empty value between '%' separators ('SMTP:a@x.com%%SMTP:b@x.com')",
                "20: error t.csv:20:6: Proxy-Addresses: an empty value between '%' separators ('SMTP:a@x.com%')",
                "21: Update Mailbox ok3 | Display-Name=[\"\\r\\n\"]",
                "23: error t.csv:23:4: the quoted value is not closed; a quote inside a value is written as two quotes (\"\")",
                "24: Update Mailbox ok4 | Display-Name=[Four]",
            ],
            BulkDump.ReadAll(csv));
    }

    [Fact]
    public void Read_InvalidUtf8_IsABadRowNamingTheField()
    {
        byte[] csv = [.. "Obj-Class,Common-Name,Title\r\nMailbox,a,"u8, 0xff, .. "\r\nMailbox,b,ok\r\n"u8];

        Assert.Equal(
            ["2: error t.csv:2:3: Title: byte 0xFF is not UTF-8, so the file seems to be in another encoding, such as an ANSI code page; save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)", "3: Update Mailbox b | Title=[ok]"],
            BulkDump.ReadAll(csv));
    }

    [Fact]
    public void RowText_IsTheRowAsTheFileHoldsIt()
    {
        var csv = "Obj-Class,Common-Name,Comment\r\nMailbox,a,\"x\r\ny\"\r\nMailbox,\"b\",,\nMailbox,c,\"open";
        using var reader = new BulkCsvReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "t.csv", Tiny);
        var texts = new List<string>();
        while (reader.Read())
        {
            texts.Add(Encoding.UTF8.GetString(reader.Row.Text));
        }

        Assert.Equal(["Mailbox,a,\"x\r\ny\"", "Mailbox,\"b\",,", "Mailbox,c,\"open"], texts);
    }

    [Fact]
    public void Read_RowLongerThanTheLimit_Throws()
    {
        var csv = "Obj-Class,Common-Name,Comment\r\nMailbox,a,short\r\nMailbox,b,\"" + new string('x', 200) + "\"\r\n";
        using var reader = new BulkCsvReader(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "t.csv", new BulkCsvReaderOptions { MaxRowBytes = 100, ReadBlockBytes = 16 });

        Assert.True(reader.Read());
        var error = Assert.Throws<InputFormatException>(() => reader.Read());
        Assert.Equal("t.csv:3: the row is longer than the limit of 100 bytes; is a quote left open in it?", error.Message);
    }

    [Fact]
    public void Row_Find_ReturnsTheFieldOfAnAttribute()
    {
        using var reader = new BulkCsvReader(new MemoryStream("Obj-Class,Common-Name,Title,Comment\r\nMailbox,a,,c\r\n"u8.ToArray()), "t.csv");
        Assert.True(reader.Read());

        Assert.Null(reader.Row.Find(AttributeCatalog.Get("Title")));
        Assert.Equal(["c"], reader.Row.Find(AttributeCatalog.Get("info"))!.Value.Values);
    }
}
