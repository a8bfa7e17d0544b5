using System.Text;
using System.Text.Json;
using DirSync.Cli;
using DirSync.Tests.Cli;
using DirSync.Tests.Support;

namespace DirSync.Tests.Bulk;

/// <summary><c>dirsync bulk import|export</c>, end to end in this process.</summary>
public sealed class BulkCommandTests : IAsyncLifetime
{
    private const string Csv = "Obj-Class,Mode,Common-Name,Display-Name,Title,Target-Address,Member\r\n"
        + "Mailbox,Create,ann,Ann A,Engineer,,\r\n"
        + "Remote,Create,ext,External,,SMTP:ext@example.com,\r\n"
        + "dl,Update,team,Team,,,ann%ext\r\n";

    private CliStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await CliStore.InitAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private string Write(string name, string csv)
    {
        var path = _store.Folder.File(name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(csv));
        return path;
    }

    private static List<(string Name, string Value)> Properties(string json) =>
        [.. CliJson.Parse(json).EnumerateObject().Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.Null ? "null" : p.Value.ToString()))];

    [Fact]
    public async Task BulkImport_File_PrintsTheCountsAndCreatesTheRecipients()
    {
        var path = Write("users.csv", Csv);

        var result = await _store.RunOkAsync("bulk", "import", path);

        Assert.Equal($"Imported 3 rows from {path}: 3 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", result.Out);
        var list = await _store.RunOkAsync("recipients", "list");
        Assert.Equal(
            "ALIAS  DISPLAY NAME  CLASS              CONTAINER   ADDRESS                      SOURCE\n"
            + "-----  ------------  -----------------  ----------  ---------------------------  ------\n"
            + "ann    Ann A         mailbox            Recipients  SMTP:ann@Site1.Testorg.com   local\n"
            + "ext    External      custom-recipient   Recipients  SMTP:ext@example.com         local\n"
            + "team   Team          distribution-list  Recipients  SMTP:team@Site1.Testorg.com  local\n"
            + "3 recipients\n",
            list.Out);
    }

    [Fact]
    public async Task BulkImport_Json_PrintsTheCounts()
    {
        var path = Write("users.csv", Csv);

        var result = await _store.RunOkAsync("bulk", "import", path, "--json");

        Assert.Equal(
            [
                ("file", path), ("rows", "3"), ("added", "3"), ("modified", "0"), ("deleted", "0"), ("unchanged", "0"), ("rejected", "0"), ("rejectFile", "null"),
                ("dryRun", "False"), ("warnings", "[]"),
            ],
            Properties(result.Out));
        Assert.EndsWith("}\n", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkImport_RelativePath_StartsFromTheCurrentFolder()
    {
        Write("users.csv", Csv);

        var result = await CliRunner.RunAsync(_store.Folder.Path, CliRunner.NoEnvironment, "--store", _store.Path, "bulk", "import", "users.csv");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"Imported 3 rows from {_store.Folder.File("users.csv")}: 3 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", result.Out);
    }

    [Fact]
    public async Task BulkImport_SkipErrors_AppliesTheGoodRowsAndNamesTheRejectFile()
    {
        var path = Write("users.csv", Csv + "Mailbox,Create,ann,Again,,,\r\nMailbox,Delete,ghost,,,,\r\n");

        var text = await _store.RunOkAsync("bulk", "import", path, "--skip-errors", "--batch-size", "2");

        Assert.Equal(
            $"Imported 5 rows from {path}: 3 added, 0 modified, 0 deleted, 0 unchanged, 2 rejected\nRejected rows, each with the reason, are in {path}.rejects.csv\n",
            text.Out);
        Assert.Equal(
            "Obj-Class,Mode,Common-Name,Display-Name,Title,Target-Address,Member,Error\r\n"
            + "Mailbox,Create,ann,Again,,,,line 5: the alias 'ann' is already used by mailbox 'ann'; Mode Create only makes new recipients (Update changes existing ones)\r\n"
            + "Mailbox,Delete,ghost,,,,,line 6: recipient 'ghost' does not exist; Mode Delete needs an existing recipient\r\n",
            await File.ReadAllTextAsync(path + ".rejects.csv"));

        var json = await _store.RunOkAsync("bulk", "import", path, "--skip-errors", "--json");
        Assert.Equal(
            [
                ("file", path), ("rows", "5"), ("added", "0"), ("modified", "0"), ("deleted", "0"), ("unchanged", "1"), ("rejected", "4"), ("rejectFile", path + ".rejects.csv"),
                ("dryRun", "False"), ("warnings", "[]"),
            ],
            Properties(json.Out));
    }

    [Fact]
    public async Task BulkImport_DryRun_PrintsTheCountsOfTheRealRunAndChangesNothing()
    {
        await _store.RunOkAsync("bulk", "import", Write("users.csv", Csv));
        var path = Write(
            "changes.csv",
            "Obj-Class,Mode,Common-Name,Display-Name,Title\r\nMailbox,Create,bob,Bob,\r\nMailbox,Modify,ann,,Manager\r\nRemote,Delete,ext,,\r\ndl,Update,team,Team,\r\n");
        var before = await _store.SnapshotAsync();

        var dry = await _store.RunOkAsync("bulk", "import", path, "--dry-run");
        var dryJson = await _store.RunOkAsync("bulk", "import", path, "--dry-run", "--json");

        Assert.Equal($"Would import 4 rows from {path}: 1 added, 1 modified, 1 deleted, 1 unchanged, 0 rejected\nDry run: the store was not changed.\n", dry.Out);
        Assert.Equal(
            [
                ("file", path), ("rows", "4"), ("added", "1"), ("modified", "1"), ("deleted", "1"), ("unchanged", "1"), ("rejected", "0"), ("rejectFile", "null"),
                ("dryRun", "True"), ("warnings", "[]"),
            ],
            Properties(dryJson.Out));
        Assert.Equal(before, await _store.SnapshotAsync());

        var real = await _store.RunOkAsync("bulk", "import", path);
        Assert.Equal($"Imported 4 rows from {path}: 1 added, 1 modified, 1 deleted, 1 unchanged, 0 rejected\n", real.Out);
        Assert.NotEqual(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task BulkImport_DryRunOfAnImportTheRealRunRefuses_SaysSoAndExitsEight()
    {
        var path = Write("users.csv", Csv + "Remote,Create,nowhere,,,,\r\n");
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync("bulk", "import", path, "--dry-run");

        CommandRunnerTests.AssertError(result, 8, $"{path}:5: a Remote row needs a Target-Address (TYPE:address) to create the custom recipient 'nowhere'");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task BulkImport_DryRunSkippingErrors_SeesEarlierRowsAcrossBatchesAndWritesTheRejectFileTheRealRunWould()
    {
        // The list on line 4 needs the mailbox of line 2, which a batch of one row would have committed before it.
        var path = Write("users.csv", "Obj-Class,Common-Name,Member\r\nMailbox,ann,\r\nMailbox,ann,ghost\r\ndl,team,ann\r\n");
        var before = await _store.SnapshotAsync();

        var dry = await _store.RunOkAsync("bulk", "import", path, "--dry-run", "--skip-errors", "--batch-size", "1");
        var dryRejects = await File.ReadAllTextAsync(path + ".rejects.csv");
        Assert.Equal(before, await _store.SnapshotAsync());
        File.Delete(path + ".rejects.csv");
        var real = await _store.RunOkAsync("bulk", "import", path, "--skip-errors", "--batch-size", "1");

        var counts = $"3 rows from {path}: 2 added, 0 modified, 0 deleted, 0 unchanged, 1 rejected\nRejected rows, each with the reason, are in {path}.rejects.csv\n";
        Assert.Equal($"Would import {counts}Dry run: the store was not changed.\n", dry.Out);
        Assert.Equal($"Imported {counts}", real.Out);
        Assert.Equal(
            "Obj-Class,Common-Name,Member,Error\r\nMailbox,ann,ghost,line 3: only a distribution list has members; 'ann' is a mailbox\r\n",
            dryRejects);
        Assert.Equal(dryRejects, await File.ReadAllTextAsync(path + ".rejects.csv"));
    }

    [Theory]
    [InlineData(false, "were", "nothing was")]
    [InlineData(true, "would be", "nothing would be")]
    public async Task BulkImport_SkipErrorsRejectingEveryRow_ExitsEightWithOneLine(bool dryRun, string were, string nothing)
    {
        var path = Write("users.csv", "Obj-Class,Mode,Common-Name\r\nMailbox,Delete,ghost\r\nPerson,Create,who\r\n");
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync(["bulk", "import", path, "--skip-errors", .. dryRun ? new[] { "--dry-run" } : []]);

        CommandRunnerTests.AssertError(
            result,
            8,
            $"{path}: all 2 rows {were} rejected, so {nothing} imported; each row's reason is in {path}.rejects.csv "
                + "(the first, line 2: recipient 'ghost' does not exist; Mode Delete needs an existing recipient)");
        Assert.Equal(before, await _store.SnapshotAsync());
        Assert.Equal(
            "Obj-Class,Mode,Common-Name,Error\r\n"
                + "Mailbox,Delete,ghost,line 2: recipient 'ghost' does not exist; Mode Delete needs an existing recipient\r\n"
                + "Person,Create,who,\"line 3: Obj-Class: unknown class 'Person'; use Mailbox, Remote or dl\"\r\n",
            await File.ReadAllTextAsync(path + ".rejects.csv"));
    }

    [Fact]
    public async Task BulkImport_SkipErrorsOnAFileWithNoRows_ImportsNothingAndSucceeds()
    {
        var path = Write("users.csv", "Obj-Class,Common-Name\r\n");

        var result = await _store.RunOkAsync("bulk", "import", path, "--skip-errors");

        Assert.Equal($"Imported 0 rows from {path}: 0 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", result.Out);
    }

    [Fact]
    public async Task BulkImport_BadRow_ExitsEightWithOneLineAndLeavesTheStoreUnchanged()
    {
        var path = Write("users.csv", Csv + "Mailbox,Create,multi,Multi,\"two\r\nlines\",,\r\nRemote,Create,nowhere,,,,\r\n");
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync("bulk", "import", path);

        CommandRunnerTests.AssertError(result, 8, $"{path}:7: a Remote row needs a Target-Address (TYPE:address) to create the custom recipient 'nowhere'");
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task BulkImport_BadValueInARow_ShowsTheLineBreakItQuotes()
    {
        var path = Write("users.csv", "Obj-Class,Common-Name,Display-Name\r\nMailbox,a,\"two\r\nlines\"\r\n");

        var result = await _store.RunAsync("bulk", "import", path, "--stop-on-error");

        CommandRunnerTests.AssertError(result, 8, $"{path}:2: invalid display name 'two\\r\\nlines': a display name cannot contain control characters");
    }

    [Fact]
    public async Task BulkImport_BadHeader_ExitsEightEvenWhenSkippingErrors()
    {
        var path = Write("users.csv", "Obj-Class,Common-Name,Titel\r\nMailbox,a,x\r\n");

        var result = await _store.RunAsync("bulk", "import", path, "--skip-errors");

        CommandRunnerTests.AssertError(
            result, 8, $"{path}:1:3: unknown column 'Titel'; did you mean 'Title'? (or add --ignore-unknown-columns to pass over the columns DirSync does not know)");
        Assert.False(File.Exists(path + ".rejects.csv"));
    }

    [Fact]
    public async Task BulkImport_MissingFile_ExitsEleven()
    {
        var path = _store.Folder.File("missing.csv");

        var result = await _store.RunAsync("bulk", "import", path);

        CommandRunnerTests.AssertError(result, 11, $"the bulk CSV file '{path}' does not exist");
    }

    [Fact]
    public async Task BulkImport_MissingContainer_ExitsFour()
    {
        var path = Write("users.csv", Csv);

        var result = await _store.RunAsync("bulk", "import", path, "--container", "Recipients/Nowhere");

        CommandRunnerTests.AssertError(result, 4, "container 'Recipients/Nowhere' does not exist; create it with 'dirsync container add Recipients/Nowhere'");
    }

    [Fact]
    public async Task BulkImport_Container_CreatesTheRecipientsThere()
    {
        await _store.RunOkAsync("container", "add", "Recipients/Sales");
        var path = Write("users.csv", Csv);

        await _store.RunOkAsync("bulk", "import", path, "--container", "Recipients/Sales");

        var list = await _store.RunOkAsync("recipients", "list", "--container", "Recipients/Sales", "--json");
        Assert.Equal(["ann", "ext", "team"], CliJson.Parse(list.Out).EnumerateArray().Select(r => r.GetProperty("alias").GetString()));
    }

    public static TheoryData<string[], string> UsageErrors() => new()
    {
        { ["bulk", "import", "x.csv", "--stop-on-error", "--skip-errors"], "give --stop-on-error or --skip-errors, not both (see 'dirsync bulk import --help')" },
        { ["bulk", "import", "x.csv", "--batch-size", "10"], "--batch-size applies only with --skip-errors; without it the whole file is one transaction (see 'dirsync bulk import --help')" },
        { ["bulk", "import", "x.csv", "--skip-errors", "--batch-size", "0"], "--batch-size must be a number of rows from 1 up (see 'dirsync bulk import --help')" },
        { ["bulk", "import", "x.csv", "--skip-errors", "--batch-size", "many"], "cannot parse argument 'many' for option '--batch-size' as expected type 'System.Int32' (see 'dirsync bulk import --help')" },
        { ["bulk", "import"], "required argument 'file' missing for command: 'import' (see 'dirsync bulk import --help')" },
        { ["bulk", "import", "x.csv", "--skip-error"], "unknown option '--skip-error' for 'dirsync bulk import'; did you mean '--skip-errors'? (see 'dirsync bulk import --help')" },
        { ["bulk", "exprot", "x.csv"], "unknown command 'exprot' for 'dirsync bulk'; did you mean 'export'? (see 'dirsync bulk --help')" },
        { ["bulk", "export", "x.csv", "--class", "bogus"], "argument 'bogus' not recognized. Must be one of: 'mailbox', 'custom-recipient', 'dl', 'distribution-list', 'remote' (see 'dirsync bulk export --help')" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Bulk_UsageError_ExitsTwoWithOneLine(string[] args, string message)
    {
        var before = await _store.SnapshotAsync();

        var result = await _store.RunAsync(args);

        CommandRunnerTests.AssertError(result, 2, message);
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task BulkExport_File_PrintsTheCounts()
    {
        await _store.RunOkAsync("bulk", "import", Write("users.csv", Csv));
        var path = _store.Folder.File("out.csv");

        var text = await _store.RunOkAsync("bulk", "export", path);
        var json = await _store.RunOkAsync("bulk", "export", path, "--class", "remote", "--json");

        Assert.Equal($"Exported 3 recipients to {path}: 1 mailbox, 1 custom recipient, 1 distribution list\n", text.Out);
        Assert.Equal(
            [("file", path), ("recipients", "1"), ("mailboxes", "0"), ("customRecipients", "1"), ("distributionLists", "0")],
            Properties(json.Out));
    }

    [Fact]
    public async Task BulkExportThenImport_IntoANewStore_RecreatesTheRecipients()
    {
        await _store.RunOkAsync("bulk", "import", Write("users.csv", Csv));
        var path = _store.Folder.File("out.csv");
        await _store.RunOkAsync("bulk", "export", path, "--container", "Recipients", "--subcontainers");
        using var other = await CliStore.InitAsync("Testorg", "Site2", "Server2");

        var result = await other.RunOkAsync("bulk", "import", path);

        Assert.Equal($"Imported 3 rows from {path}: 3 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", result.Out);
        static async Task<List<string>> DescribeAsync(CliStore store) =>
            [.. CliJson.Parse((await store.RunOkAsync("recipients", "list", "--json")).Out).EnumerateArray().Select(CliJson.DescribeRecipient)];
        Assert.Equal(
            [
                "ann | Ann A | mailbox | Recipients | EDK:ann@Site1.Testorg.com,SMTP:ann@Site1.Testorg.com | (no target) | (local) | title=Engineer |  | 1/1",
                "ext | External | custom-recipient | Recipients | SMTP:ext@example.com,EDK:ext@Site1.Testorg.com | SMTP:ext@example.com | (local) | (no attributes) |  | 2/2",
                "team | Team | distribution-list | Recipients | EDK:team@Site1.Testorg.com,SMTP:team@Site1.Testorg.com | (no target) | (local) | (no attributes) | ann,ext | 3/3",
            ],
            await DescribeAsync(_store));
        Assert.Equal(await DescribeAsync(_store), await DescribeAsync(other));
    }

    [Fact]
    public async Task BulkExport_UnwritableValue_ExitsThreeAndWritesNoFile()
    {
        await _store.RunOkAsync("mailbox", "add", "pct", "--attr", "Title=~del");
        var path = _store.Folder.File("out.csv");

        var result = await _store.RunAsync("bulk", "export", path);

        CommandRunnerTests.AssertError(result, 3, "cannot export mailbox 'pct': Title cannot be written in a bulk CSV, as its value '~del' would read back as the ~DEL that clears it");
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task BulkExport_MissingContainer_ExitsFour()
    {
        var result = await _store.RunAsync("bulk", "export", _store.Folder.File("out.csv"), "--container", "Nowhere");

        CommandRunnerTests.AssertError(result, 4, "container 'Nowhere' does not exist; see 'dirsync container list'");
    }

    [Fact]
    public async Task BulkExport_MissingFolder_ExitsEleven()
    {
        var path = _store.Folder.File(Path.Combine("missing", "out.csv"));

        var result = await _store.RunAsync("bulk", "export", path);

        CommandRunnerTests.AssertError(result, 11, $"cannot write '{path}': the folder '{_store.Folder.File("missing")}' does not exist");
    }

    [Fact]
    public async Task BulkImport_OnATerminal_DrawsProgressOnStderrAndClearsIt()
    {
        var path = Write("users.csv", Csv);
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var io = new CliIo(stdout, stderr, _ => null, _store.Folder.Path) { ErrorIsTerminal = true };

        var exit = await DirSyncCommand.RunAsync(["--store", _store.Path, "bulk", "import", path], io);

        Assert.Equal(0, exit);
        Assert.Equal($"Imported 3 rows from {path}: 3 added, 0 modified, 0 deleted, 0 unchanged, 0 rejected\n", Encoding.UTF8.GetString(stdout.ToArray()));
        var progress = $"Importing [########################] 100%  3 rows (0.0 of 0.0 MB)";
        Assert.Equal($"\r{progress}\r{new string(' ', progress.Length)}\r", stderr.ToString());
    }

    [Fact]
    public async Task BulkImport_OnATerminalWithABadRow_ClearsTheProgressBeforeTheError()
    {
        var rows = string.Concat(Enumerable.Range(0, 1100).Select(i => FormattableString.Invariant($"Mailbox,m{i}\r\n")));
        var path = Write("users.csv", "Obj-Class,Common-Name\r\n" + rows + "Remote,ext\r\n");
        var stderr = new StringWriter();
        var io = new CliIo(new MemoryStream(), stderr, _ => null, _store.Folder.Path) { ErrorIsTerminal = true };

        var exit = await DirSyncCommand.RunAsync(["--store", _store.Path, "bulk", "import", path], io);

        Assert.Equal(8, exit);
        var text = stderr.ToString();
        var progress = text[1..text.IndexOf('\r', 1)];
        Assert.Equal("Importing [######################..]  92%  1,024 rows (0.0 of 0.0 MB)", progress);
        Assert.Equal(
            $"\r{progress}\r{new string(' ', progress.Length)}\rdirsync: {path}:1102: a Remote row needs a Target-Address (TYPE:address) to create the custom recipient 'ext'\n",
            text);
    }
}
