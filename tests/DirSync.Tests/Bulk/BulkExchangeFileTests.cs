using System.Text;
using DirSync.Tests.Cli;
using DirSync.Tests.Support;

namespace DirSync.Tests.Bulk;

/// <summary>
/// <c>dirsync bulk import|export</c> on files in the shapes Exchange writes (TestData/Bulk/exchange*.csv): its escapes
/// inside multi-valued fields, the 5.5 administrator's column names, its Unicode export; the main cases run the real
/// <c>dirsync</c> process.
/// </summary>
public sealed class BulkExchangeFileTests : IAsyncLifetime
{
    private const string NotKeptWarning =
        "passing over 3 columns DirSync does not keep: 'Primary Windows NT Account' (column 7), 'Home-Server' (column 8), 'Hide from AB' (column 13)";

    // The recipients exchange55-admin.csv makes, as CliJson.DescribeRecipient writes them.
    private static readonly string[] AdminRecipients =
    [
        "all | Everyone | distribution-list | Recipients | EDK:all@Site1.Testorg.com,SMTP:all@Site1.Testorg.com | (no target) | (local) | (no attributes) | marketing,partner,zoe | 7/7",
        "dougd | Dosdall, Doug | mailbox | Recipients/Letters | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | givenName=Doug;sn=Dosdall |  | 2/2",
        "joe | Joe Outside | custom-recipient | Recipients | SMTP:joe@example.net,EDK:joe@Site1.Testorg.com | SMTP:joe@example.net | (local) | (no attributes) |  | 4/4",
        "MariaB | Black, Maria | mailbox | Recipients/Letters | SMTP:MariaB@Site1.Testorg.com,CUSTOM:Black, Maria at \\\\SANFRANCISCO01,EDK:MariaB@Site1.Testorg.com | (no target) | (local) | givenName=Maria;sn=Black |  | 1/1",
        "marketing | Marketing | distribution-list | Recipients | EDK:marketing@Site1.Testorg.com,SMTP:marketing@Site1.Testorg.com | (no target) | (local) | (no attributes) | dougd,joe,MariaB | 6/6",
        "partner | Partner Desk | custom-recipient | Recipients | CUSTOM:Partner at \\\\HOST,EDK:partner@Site1.Testorg.com,SMTP:partner@Site1.Testorg.com | CUSTOM:Partner at \\\\HOST | (local) | (no attributes) |  | 5/5",
        "zoe | Zoë Ærø | mailbox | Recipients | EDK:zoe@Site1.Testorg.com,SMTP:zoe@Site1.Testorg.com | (no target) | (local) | givenName=Zoë;sn=Ærø |  | 3/3",
    ];

    private CliStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await CliStore.InitAsync();
        await _store.RunOkAsync("container", "add", "Recipients/Letters");
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private static byte[] TestFile(string name) => File.ReadAllBytes(BulkGoldenFile.PathOf(name));

    private string Write(string name, byte[] bytes)
    {
        var path = _store.Folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Write(string name, string csv) => Write(name, Encoding.UTF8.GetBytes(csv));

    private static Task<CliResult> RunProcessAsync(CliStore store, params string[] args) =>
        CliRunner.RunProcessAsync(store.Folder.Path, CliRunner.NoEnvironment, ["--store", store.Path, .. args]);

    private static async Task<List<string>> DescribeAsync(CliStore store) =>
        [.. CliJson.Parse((await store.RunOkAsync("recipients", "list", "--json")).Out).EnumerateArray().Select(CliJson.DescribeRecipient)];

    [Fact]
    public async Task ExchangeEscapes_ImportThenExportThenImport_IsExact()
    {
        var input = Write("exchange-escapes.csv", TestFile("exchange-escapes.csv"));

        var imported = await RunProcessAsync(_store, "bulk", "import", input);

        Assert.Equal((0, $"Imported 3 rows from {input}: 3 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", ""), (imported.ExitCode, imported.Out, imported.Error));
        Assert.Equal(
            [
                "annb | Ann Beebe | mailbox | Recipients | EDK:annb@Site1.Testorg.com,SMTP:annb@Site1.Testorg.com | (no target) | (local) | otherTelephone=+1 425 555 0100\\ext 12,+1 425 555 0101 |  | 2/2",
                "MariaB | Black, Maria | mailbox | Recipients | CCMAIL:Black, Maria at California,CUSTOM:Black, Maria at \\\\SANFRANCISCO01,MS:FERGUSONBA/NAMERICA-W/MARIAB,"
                    + "SMTP:MariaB@California.example.com,X400:c=US;a= ;p=Ferguson;o=California;s=Black;g=Maria;,EDK:MariaB@Site1.Testorg.com | (no target) | (local) | "
                    + "otherTelephone=v%1,v,2,v,3;info=50% of the time \\ in Maria's words |  | 1/1",
                "share | Share Desk | custom-recipient | Recipients | CUSTOM:Share at \\\\HOST\\desk,EDK:share@Site1.Testorg.com,SMTP:share@Site1.Testorg.com | CUSTOM:Share at \\\\HOST\\desk | (local) | (no attributes) |  | 3/3",
            ],
            await DescribeAsync(_store));

        var first = _store.Folder.File("first.csv");
        Assert.Equal(0, (await RunProcessAsync(_store, "bulk", "export", first)).ExitCode);
        var rows = (await File.ReadAllTextAsync(first)).Split("\r\n");
        Assert.Equal(
            "Mailbox,MariaB,\"Black, Maria\",\"CCMAIL:Black, Maria at California%CUSTOM:Black, Maria at \\\\\\\\SANFRANCISCO01%MS:FERGUSONBA/NAMERICA-W/MARIAB"
                + "%SMTP:MariaB@California.example.com%X400:c=US;a= ;p=Ferguson;o=California;s=Black;g=Maria;%EDK:MariaB@Site1.Testorg.com\",,,,,,,,,,,\"v\\%1%v,2%v,3\""
                + ",,,,,,,,,,50% of the time \\ in Maria's words,,,,,,,,,,,,,,,",
            rows[2]);
        Assert.StartsWith("Remote,share,Share Desk,CUSTOM:Share at \\\\\\\\HOST\\\\desk%EDK:share@Site1.Testorg.com%SMTP:share@Site1.Testorg.com,CUSTOM:Share at \\\\HOST\\desk,", rows[3], StringComparison.Ordinal);

        using var other = await CliStore.InitAsync();
        var again = await RunProcessAsync(other, "bulk", "import", first);
        Assert.Equal((0, ""), (again.ExitCode, again.Error));
        static IEnumerable<string> WithoutUsns(List<string> described) => described.Select(d => d[..d.LastIndexOf(" | ", StringComparison.Ordinal)]);
        Assert.Equal(WithoutUsns(await DescribeAsync(_store)), WithoutUsns(await DescribeAsync(other)));
        var second = _store.Folder.File("second.csv");
        Assert.Equal(0, (await RunProcessAsync(other, "bulk", "export", second)).ExitCode);
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
    }

    [Fact]
    public async Task AdminExport_UnicodeWithDisplayNames_ImportsWithOneWarningForTheColumnsPassedOver()
    {
        var input = Write("exchange55-admin.csv", TestFile("exchange55-admin.csv"));

        var result = await RunProcessAsync(_store, "bulk", "import", input);

        Assert.Equal(
            (0, $"Imported 7 rows from {input}: 7 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", $"dirsync: warning: {input}:1: {NotKeptWarning}\n"),
            (result.ExitCode, result.Out, result.Error));
        Assert.Equal(AdminRecipients, await DescribeAsync(_store));
    }

    public static TheoryData<string> OtherUnicodeForms() => new() { "UTF-8 with a byte order mark", "UTF-8", "UTF-16 big-endian with a byte order mark" };

    [Theory]
    [MemberData(nameof(OtherUnicodeForms))]
    public async Task AdminExport_InOtherUnicodeForms_ImportsTheSame(string form)
    {
        var text = Encoding.Unicode.GetString(TestFile("exchange55-admin.csv").AsSpan(2));
        byte[] bytes = form switch
        {
            "UTF-8 with a byte order mark" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
            "UTF-8" => Encoding.UTF8.GetBytes(text),
            _ => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
        };
        var input = Write("admin.csv", bytes);

        var result = await _store.RunAsync("bulk", "import", input);

        Assert.Equal((0, $"dirsync: warning: {input}:1: {NotKeptWarning}\n"), (result.ExitCode, result.Error));
        Assert.Equal(AdminRecipients, await DescribeAsync(_store));
    }

    [Theory]
    [InlineData("--stop-on-error")]
    [InlineData("--skip-errors")]
    public async Task AdminExport_Utf16WithoutByteOrderMark_FailsNamingTheEncodingAndTheFix(string policy)
    {
        var input = Write("admin.csv", TestFile("exchange55-admin.csv")[2..]);
        var before = await _store.SnapshotAsync();

        var result = await RunProcessAsync(_store, "bulk", "import", input, policy);

        CommandRunnerTests.AssertError(
            result,
            8,
            $"{input}:1: the header holds NUL bytes, so the file looks like UTF-16 (Unicode) without a byte order mark; save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)");
        Assert.Equal(before, await _store.SnapshotAsync());
        Assert.False(File.Exists(input + ".rejects.csv"));
    }

    [Fact]
    public async Task AdminExport_InAnAnsiCodePage_FailsNamingTheByteAndTheFix()
    {
        var text = Encoding.Unicode.GetString(TestFile("exchange55-admin.csv").AsSpan(2));
        var input = Write("admin.csv", Encoding.Latin1.GetBytes(text));
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync("bulk", "import", input);

        // The header is read (and its warning given) before the rows.
        Assert.Equal(
            (8, "", $"dirsync: warning: {input}:1: {NotKeptWarning}\n"
                + $"dirsync: {input}:4:2: First Name: byte 0xEB is not UTF-8, so the file seems to be in another encoding, such as an ANSI code page; save it as UTF-8, or export it from Exchange as Unicode (UTF-16 with a byte order mark)\n"),
            (result.ExitCode, result.Out, result.Error));
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task UnknownColumn_IsAnErrorNamingItACloseMatchAndTheOption_WhateverTheRowPolicy()
    {
        var input = Write("users.csv", "Obj-Class,Directory Name,First Nmae,Home-Server\r\nMailbox,ann,Ann,SERVER1\r\n");
        var before = await _store.SnapshotAsync();

        foreach (var policy in new[] { "--stop-on-error", "--skip-errors" })
        {
            var result = await _store.RunAsync("bulk", "import", input, policy);

            CommandRunnerTests.AssertError(
                result,
                8,
                $"{input}:1:3: unknown column 'First Nmae'; did you mean 'First Name'? (or add --ignore-unknown-columns to pass over the columns DirSync does not know)");
        }

        Assert.Equal(before, await _store.SnapshotAsync());
        Assert.False(File.Exists(input + ".rejects.csv"));
    }

    [Fact]
    public async Task UnknownColumn_WithIgnoreUnknownColumns_IsPassedOverWithOneWarning()
    {
        var input = Write("users.csv", "Obj-Class,Directory Name,Frist Name,Home-Server,Shoe Size\r\nMailbox,ann,Ann,SERVER1,9\r\nMailbox,bob,Bob,SERVER1,10\r\n");

        var text = await _store.RunAsync("bulk", "import", input, "--ignore-unknown-columns");
        var json = await _store.RunAsync("bulk", "import", input, "--ignore-unknown-columns", "--json");

        var notKept = $"{input}:1: passing over 1 column DirSync does not keep: 'Home-Server' (column 4)";
        var unknown = $"{input}:1: passing over 2 columns DirSync does not know (--ignore-unknown-columns): 'Frist Name' (column 3), 'Shoe Size' (column 5)";
        Assert.Equal(
            (0, $"Imported 2 rows from {input}: 2 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", $"dirsync: warning: {notKept}\ndirsync: warning: {unknown}\n"),
            (text.ExitCode, text.Out, text.Error));
        Assert.Equal((0, $"dirsync: warning: {notKept}\ndirsync: warning: {unknown}\n"), (json.ExitCode, json.Error));
        var document = CliJson.Parse(json.Out);
        Assert.Equal((0, 2), (document.GetProperty("added").GetInt32(), document.GetProperty("unchanged").GetInt32()));
        Assert.Equal([notKept, unknown], CliJson.Strings(document.GetProperty("warnings")));
        Assert.Equal(
            [
                "ann | ann | mailbox | Recipients | EDK:ann@Site1.Testorg.com,SMTP:ann@Site1.Testorg.com | (no target) | (local) | (no attributes) |  | 1/1",
                "bob | bob | mailbox | Recipients | EDK:bob@Site1.Testorg.com,SMTP:bob@Site1.Testorg.com | (no target) | (local) | (no attributes) |  | 2/2",
            ],
            await DescribeAsync(_store));
    }

    [Fact]
    public async Task AliasAndDirectoryName_BothGiven_NameOneRecipientAndMustAgree()
    {
        var input = Write(
            "users.csv",
            "Obj-Class,Mail-Nickname,Common-Name,Display-Name\r\nMailbox,annb,AnnB,Ann Beebe\r\nMailbox,jsmith,SMITHJ,John Smith\r\nMailbox,,dougd,Doug\r\n");

        var result = await _store.RunAsync("bulk", "import", input, "--skip-errors");

        Assert.Equal((0, $"Imported 3 rows from {input}: 2 added, 0 modified, 0 deleted, 0 unchanged, 1 rejected\nRejected rows, each with the reason, are in {input}.rejects.csv\n"), (result.ExitCode, result.Out));
        Assert.Equal(
            "Obj-Class,Mail-Nickname,Common-Name,Display-Name,Error\r\n"
                + "Mailbox,jsmith,SMITHJ,John Smith,\"line 3: Mail-Nickname: the alias 'jsmith' differs from the directory name 'SMITHJ' (Common-Name); "
                + "DirSync keeps one name for both, so make them the same or leave the Mail-Nickname column out\"\r\n",
            await File.ReadAllTextAsync(input + ".rejects.csv"));
        Assert.Equal(
            [
                "AnnB | Ann Beebe | mailbox | Recipients | EDK:AnnB@Site1.Testorg.com,SMTP:AnnB@Site1.Testorg.com | (no target) | (local) | (no attributes) |  | 1/1",
                "dougd | Doug | mailbox | Recipients | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | (no attributes) |  | 2/2",
            ],
            await DescribeAsync(_store));
    }

    public static TheoryData<string, string> BadExchangeValues() => new()
    {
        {
            "dl,list,List,Recipients/cn=Letters/marketing,",
            "users.csv:2:4: Members: the member 'Recipients/cn=Letters/marketing' is a directory path that does not end in the member's cn=, such as Recipients/cn=Sales/cn=annb"
        },
        {
            "dl,list,List,/o=Testorg/ou=Site1/cn=Recipients/cn=nobody,",
            "users.csv:2: recipient 'nobody' does not exist; a member must exist before it is added to a list"
        },
        {
            "Mailbox,ann,Ann,,/o=Testorg/ou=Site1/cn=Recipients/cn=Nowhere",
            "users.csv:2: container 'Recipients/Nowhere' does not exist; create it with 'dirsync container add Recipients/Nowhere'"
        },
        {
            "Mailbox,ann,Ann,,/o=Testorg/cn=Recipients/ou=Site1",
            "users.csv:2:5: Obj-Container: '/o=Testorg/cn=Recipients/ou=Site1' is not a container; write it as Exchange does (/o=Org/ou=Site/cn=Recipients/cn=Sales) or as a path (Recipients/Sales)"
        },
    };

    [Theory]
    [MemberData(nameof(BadExchangeValues))]
    public async Task BadMemberPathOrContainer_IsABadRowNamingIt(string row, string message)
    {
        var input = Write("users.csv", "Obj-Class,Directory Name,Display Name,Members,Obj-Container\r\n" + row + "\r\n");
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync("bulk", "import", input);

        CommandRunnerTests.AssertError(result, 8, _store.Folder.File(message));
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task ObjContainer_PlacesNewRecipientsAndLeavesExistingOnesWhereTheyAre()
    {
        await _store.RunOkAsync("mailbox", "add", "ann");
        var input = Write(
            "users.csv",
            "Obj-Class,Directory Name,Title,Obj-Container\r\n"
                + "Mailbox,ann,Engineer,/o=Testorg/ou=Site1/cn=Recipients/cn=Letters\r\n"
                + "Mailbox,bob,,Recipients/Letters\r\n"
                + "Mailbox,cat,,/ou=Site1/cn=Recipients\r\n"
                + "Mailbox,dan,,\r\n");

        await _store.RunOkAsync("bulk", "import", input, "--container", "Recipients/Letters");

        Assert.Equal(
            ["ann | Recipients | title=Engineer", "bob | Recipients/Letters | (no attributes)", "cat | Recipients | (no attributes)", "dan | Recipients/Letters | (no attributes)"],
            (await DescribeAsync(_store)).Select(r => r.Split(" | ")).Select(f => $"{f[0]} | {f[3]} | {f[7]}"));
    }
}
