using System.Text;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Bulk;
using DirSync.Core.Model;
using DirSync.Tests.Support;

namespace DirSync.Tests.Bulk;

public sealed class BulkImporterTests : IAsyncLifetime
{
    private const string Header = "Obj-Class,Mode,Common-Name,Display-Name,Title,Department,Telephone-Office2,Target-Address,Member\r\n";

    private static readonly BulkImportOptions SkipErrors = new() { OnError = BulkErrorPolicy.SkipErrors };

    private BulkStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await BulkStore.CreateAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Counts(BulkImportResult result) =>
        $"rows {result.Rows}: added {result.Added}, modified {result.Modified}, deleted {result.Deleted}, unchanged {result.Unchanged}, rejected {result.Rejected}";

    private async Task<InputFormatException> ImportErrorAsync(string csv, BulkImportOptions? options = null) =>
        await Assert.ThrowsAsync<InputFormatException>(() => _store.ImportTextAsync(csv, options));

    /// <summary>Three mailboxes, a custom recipient and a list, made the way the commands make them.</summary>
    private async Task SeedAsync()
    {
        await _store.RunAsync(async store =>
        {
            var admin = new DirectoryAdmin(store);
            await admin.AddRecipientAsync(ObjectClass.Mailbox, "ann", Changes.Of("Title=Engineer", "Department=R&D", "otherTelephone=1", "otherTelephone=2"));
            await admin.AddRecipientAsync(ObjectClass.Mailbox, "bob", Changes.Of("displayName=Bob B"));
            await admin.AddRecipientAsync(ObjectClass.CustomRecipient, "ext", Changes.Of("targetAddress=SMTP:ext@example.com"));
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "team", Changes.Of("member=ann", "member=ext"));
        });
    }

    [Fact]
    public async Task Import_GoldenInput_MatchesExpectedRecipients()
    {
        var result = await _store.ImportAsync(BulkGoldenFile.PathOf("import.csv"));

        Assert.Equal("rows 11: added 7, modified 3, deleted 1, unchanged 0, rejected 0", Counts(result));
        Assert.Null(result.RejectFile);
        BulkGoldenFile.Check("import.expected.json", await _store.ToJsonAsync());
    }

    [Fact]
    public async Task Import_CreateMailbox_MatchesTheMailboxCommand()
    {
        var result = await _store.ImportTextAsync(Header + "Mailbox,Create,Mailbox11,,,,,,\r\n");

        Assert.Equal("rows 1: added 1, modified 0, deleted 0, unchanged 0, rejected 0", Counts(result));
        Assert.Equal(["Mailbox11 | Mailbox11 | mailbox | Recipients | EDK:Mailbox11@Site1.Testorg.com,SMTP:Mailbox11@Site1.Testorg.com | - | - |  | 1/1"], await _store.DescribeAsync());
    }

    [Fact]
    public async Task Import_CreateOfAnExistingAlias_FailsTheRow()
    {
        await SeedAsync();

        var error = await ImportErrorAsync(Header + "Mailbox,Create,new,,,,,,\r\nMailbox,Create,ANN,,,,,,\r\n");

        Assert.Equal(3, error.Line);
        Assert.Null(error.Column);
        Assert.Equal("the alias 'ANN' is already used by mailbox 'ann'; Mode Create only makes new recipients (Update changes existing ones)", error.Reason);
    }

    [Theory]
    [InlineData("Modify", "recipient 'ghost' does not exist; Mode Modify needs an existing recipient (Update creates one)")]
    [InlineData("Delete", "recipient 'ghost' does not exist; Mode Delete needs an existing recipient")]
    public async Task Import_ModifyOrDeleteOfAMissingAlias_FailsTheRow(string mode, string reason)
    {
        var error = await ImportErrorAsync(Header + $"Mailbox,{mode},ghost,,,,,,\r\n");

        Assert.Equal($"{_store.Folder.File("input.csv")}:2: {reason}", error.Message);
    }

    [Fact]
    public async Task Import_Modify_ChangesOnlyTheGivenFieldsAndDelClears()
    {
        await SeedAsync();

        var result = await _store.ImportTextAsync(Header + "Mailbox,Modify,ann,,~DEL,Research,,,\r\nMailbox,Modify,bob,,,,,,\r\n");

        Assert.Equal("rows 2: added 0, modified 1, deleted 0, unchanged 1, rejected 0", Counts(result));
        Assert.Equal(
            [
                "ann | ann | mailbox | Recipients | EDK:ann@Site1.Testorg.com,SMTP:ann@Site1.Testorg.com | - | department=Research;otherTelephone=1,2 |  | 1/5",
                "bob | Bob B | mailbox | Recipients | EDK:bob@Site1.Testorg.com,SMTP:bob@Site1.Testorg.com | - | - |  | 2/2",
                "ext | ext | custom-recipient | Recipients | SMTP:ext@example.com,EDK:ext@Site1.Testorg.com | SMTP:ext@example.com | - |  | 3/3",
                "team | team | distribution-list | Recipients | EDK:team@Site1.Testorg.com,SMTP:team@Site1.Testorg.com | - | - | ann,ext | 4/4",
            ],
            await _store.DescribeAsync());
    }

    [Fact]
    public async Task Import_ModifyOfMultiValues_ReplacesOrClearsTheList()
    {
        await SeedAsync();

        await _store.ImportTextAsync(Header + "Mailbox,Modify,ann,,,,3%4%5,,\r\ndl,Modify,team,,,,,,bob%ann\r\n");
        await _store.ImportTextAsync(Header + "dl,Modify,team,Team,,,,,~DEL\r\n");

        Assert.Equal(
            [
                "ann | ann | mailbox | Recipients | EDK:ann@Site1.Testorg.com,SMTP:ann@Site1.Testorg.com | - | title=Engineer;department=R&D;otherTelephone=3,4,5 |  | 1/5",
                "bob | Bob B | mailbox | Recipients | EDK:bob@Site1.Testorg.com,SMTP:bob@Site1.Testorg.com | - | - |  | 2/2",
                "ext | ext | custom-recipient | Recipients | SMTP:ext@example.com,EDK:ext@Site1.Testorg.com | SMTP:ext@example.com | - |  | 3/3",
                "team | Team | distribution-list | Recipients | EDK:team@Site1.Testorg.com,SMTP:team@Site1.Testorg.com | - | - |  | 4/7",
            ],
            await _store.DescribeAsync());
    }

    [Fact]
    public async Task Import_Delete_LeavesATombstoneAndDropsTheMembership()
    {
        await SeedAsync();

        var result = await _store.ImportTextAsync(Header + "Remote,Delete,ext,ignored,ignored,,,,\r\n");

        Assert.Equal("rows 1: added 0, modified 0, deleted 1, unchanged 0, rejected 0", Counts(result));
        Assert.Equal(
            [
                "ann | ann | mailbox | Recipients | EDK:ann@Site1.Testorg.com,SMTP:ann@Site1.Testorg.com | - | title=Engineer;department=R&D;otherTelephone=1,2 |  | 1/1",
                "bob | Bob B | mailbox | Recipients | EDK:bob@Site1.Testorg.com,SMTP:bob@Site1.Testorg.com | - | - |  | 2/2",
                "team | team | distribution-list | Recipients | EDK:team@Site1.Testorg.com,SMTP:team@Site1.Testorg.com | - | - | ann | 4/5",
            ],
            await _store.DescribeAsync());
        await _store.RunAsync(async store =>
        {
            var tombstone = await store.GetChangesSinceAsync(5).SingleAsync();
            Assert.Equal(("ext", true, 6L), (tombstone.Alias, tombstone.IsDeleted, tombstone.UsnChanged));
        });
    }

    [Fact]
    public async Task Import_UpdateAndNoModeColumn_CreateOrModify()
    {
        await SeedAsync();

        var result = await _store.ImportTextAsync(
            "Obj-Class,Common-Name,Title\r\nMailbox,ann,Boss\r\nMailbox,carol,Clerk\r\nMailbox,bob,\r\n");

        Assert.Equal("rows 3: added 1, modified 1, deleted 0, unchanged 1, rejected 0", Counts(result));
        Assert.Equal(
            [
                "ann | ann | mailbox | Recipients | EDK:ann@Site1.Testorg.com,SMTP:ann@Site1.Testorg.com | - | title=Boss;department=R&D;otherTelephone=1,2 |  | 1/5",
                "bob | Bob B | mailbox | Recipients | EDK:bob@Site1.Testorg.com,SMTP:bob@Site1.Testorg.com | - | - |  | 2/2",
                "carol | carol | mailbox | Recipients | EDK:carol@Site1.Testorg.com,SMTP:carol@Site1.Testorg.com | - | title=Clerk |  | 6/6",
                "ext | ext | custom-recipient | Recipients | SMTP:ext@example.com,EDK:ext@Site1.Testorg.com | SMTP:ext@example.com | - |  | 3/3",
                "team | team | distribution-list | Recipients | EDK:team@Site1.Testorg.com,SMTP:team@Site1.Testorg.com | - | - | ann,ext | 4/4",
            ],
            await _store.DescribeAsync());
    }

    [Fact]
    public async Task Import_SameUpdatesTwice_SecondRunChangesNothing()
    {
        var csv = "Obj-Class,Common-Name,Display-Name,Title,Target-Address,Member\r\nMailbox,a,A,T,,\r\nRemote,r,R,,SMTP:r@example.com,\r\ndl,l,L,,,a%r\r\n";
        await _store.ImportTextAsync(csv);
        var before = await _store.DescribeAsync();

        var again = await _store.ImportTextAsync(csv);

        Assert.Equal("rows 3: added 0, modified 0, deleted 0, unchanged 3, rejected 0", Counts(again));
        Assert.Equal(before, await _store.DescribeAsync());
    }

    public static TheoryData<string, string> BadRows() => new()
    {
        { "Remote,Update,ann,,,,,,", "'ann' is a Mailbox (mailbox), not a Remote; a recipient's class cannot change" },
        { "dl,Delete,ann,,,,,,", "'ann' is a Mailbox (mailbox), not a dl; a recipient's class cannot change" },
        { "Remote,Create,r,,,,,,", "a Remote row needs a Target-Address (TYPE:address) to create the custom recipient 'r'" },
        { "Mailbox,Create,m,,,,,SMTP:m@example.com,", "only a custom recipient has a target address; 'm' is a mailbox" },
        { "Mailbox,Update,ann,,,,,,bob", "only a distribution list has members; 'ann' is a mailbox" },
        { "dl,Create,l,,,,,,bob%nobody", "recipient 'nobody' does not exist; a member must exist before it is added to a list" },
        { "Mailbox,Create,bad/alias,,,,,,", "invalid alias 'bad/alias': an alias cannot contain control characters, '/' or '\\'" },
        { "Mailbox,Create,long,,T234567890123456789012345678901234567890123456789012345678901234567890,,,,", "the value of title is 70 characters; the limit is 64" },
        { "Mailbox,Create,dup,,,,1%1,,", "otherTelephone has the value '1' twice" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public async Task Import_BadRow_NamesItsLineAndTheReason(string row, string reason)
    {
        await SeedAsync();

        var error = await ImportErrorAsync(Header + "Mailbox,Create,fine,,,,,,\r\n" + row + "\r\n");

        Assert.Equal(3, error.Line);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public async Task Import_BadTargetAddress_NamesTheColumn()
    {
        var error = await ImportErrorAsync(Header + "Remote,Create,r,,,,,no-colon,\r\n");

        Assert.Equal($"{_store.Folder.File("input.csv")}:2:8: Target-Address: invalid address 'no-colon': expected TYPE:address, such as SMTP:joe@example.com", error.Message);
    }

    [Fact]
    public async Task Import_DelOnANewRecipient_AsksForNothing()
    {
        await _store.ImportTextAsync(Header + "Mailbox,Update,new,,~DEL,Sales,~DEL,,~DEL\r\n");

        Assert.Equal(["new | new | mailbox | Recipients | EDK:new@Site1.Testorg.com,SMTP:new@Site1.Testorg.com | - | department=Sales |  | 1/1"], await _store.DescribeAsync());
    }

    [Fact]
    public async Task Import_ProxyAddressesColumn_KeepsThemAndGeneratesOnlyMissingTypes()
    {
        await _store.ImportTextAsync("Obj-Class,Common-Name,Proxy-Addresses\r\nMailbox,a,SMTP:first.last@example.com%smtp:a@old.example.com%X400:c=US;a= ;p=Org;s=a\r\n");

        Assert.Equal(
            ["a | a | mailbox | Recipients | SMTP:first.last@example.com,smtp:a@old.example.com,X400:c=US;a= ;p=Org;s=a,EDK:a@Site1.Testorg.com | - | - |  | 1/1"],
            await _store.DescribeAsync());
    }

    [Fact]
    public async Task Import_AddressOfAnotherRecipient_FailsTheRowBeforeAnythingIsWritten()
    {
        await SeedAsync();
        var csv = "Obj-Class,Common-Name,Proxy-Addresses,Target-Address\r\n"
            + "Mailbox,m1,SMTP:m1@example.com,\r\n"
            + "Mailbox,m2,SMTP:ann@Site1.Testorg.com,\r\n"
            + "Remote,r1,,SMTP:m1@example.com\r\n"
            + "Mailbox,bob,smtp:ANN@site1.testorg.com,\r\n"
            + "Mailbox,m3,,\r\n";

        var result = await _store.ImportTextAsync(csv, SkipErrors);

        Assert.Equal("rows 5: added 2, modified 0, deleted 0, unchanged 0, rejected 3", Counts(result));
        Assert.Equal(
            "Obj-Class,Common-Name,Proxy-Addresses,Target-Address,Error\r\n"
            + "Mailbox,m2,SMTP:ann@Site1.Testorg.com,,line 3: the address SMTP:ann@Site1.Testorg.com is already used by mailbox 'ann'\r\n"
            + "Remote,r1,,SMTP:m1@example.com,line 4: the address SMTP:m1@example.com is already used by mailbox 'm1'\r\n"
            + "Mailbox,bob,smtp:ANN@site1.testorg.com,,line 5: the address smtp:ANN@site1.testorg.com is already used by mailbox 'ann'\r\n",
            await File.ReadAllTextAsync(result.RejectFile!));

        // No USN went to a rejected row: the two new mailboxes took the next two.
        Assert.Equal(
            [
                "m1 | m1 | mailbox | Recipients | SMTP:m1@example.com,EDK:m1@Site1.Testorg.com | - | - |  | 5/5",
                "m3 | m3 | mailbox | Recipients | EDK:m3@Site1.Testorg.com,SMTP:m3@Site1.Testorg.com | - | - |  | 6/6",
            ],
            (await _store.DescribeAsync()).Where(line => line.StartsWith('m')));
    }

    [Fact]
    public async Task Import_StopOnError_BadRowAfterAMultiLineValue_LeavesTheStoreUnchanged()
    {
        await SeedAsync();
        var before = await StoreSnapshot.TakeAsync(_store.Path);
        var csv = "Obj-Class,Common-Name,Comment,Title\r\n"
            + "Mailbox,new1,\"one\r\ntwo\r\nthree\",T\r\n"
            + "Mailbox,ann,changed,Boss\r\n"
            + "Remote,new2,\"a\nb\",\r\n";

        var error = await ImportErrorAsync(csv);

        Assert.Equal($"{_store.Folder.File("input.csv")}:6: a Remote row needs a Target-Address (TYPE:address) to create the custom recipient 'new2'", error.Message);
        Assert.Equal(before, await StoreSnapshot.TakeAsync(_store.Path));
    }

    [Fact]
    public async Task Import_StopOnError_MalformedLastRow_LeavesTheStoreUnchanged()
    {
        var before = await StoreSnapshot.TakeAsync(_store.Path);

        var error = await ImportErrorAsync(Header + "Mailbox,Create,a,,,,,,\r\nMailbox,Create,b,\"unclosed,,,,,\r\n");

        Assert.Equal(3, error.Line);
        Assert.Equal(4, error.Column);
        Assert.Equal(before, await StoreSnapshot.TakeAsync(_store.Path));
    }

    [Fact]
    public async Task Import_SkipErrors_AppliesTheGoodRowsAndWritesAnExactRejectFile()
    {
        await SeedAsync();
        var csv = "Obj-Class,Mode,Common-Name,Title,Comment\r\n"        // 1
            + "Mailbox,Create,good1,T,\r\n"                            // 2
            + "Mailbox,Create,ann,T,\"already\r\nthere\"\r\n"           // 3-4
            + "Mailbox,Create,good2,,\"two\r\nlines\"\r\n"              // 5-6
            + "Mailbox,Create,bad\"quote,,\r\n"                         // 7
            + "Mailbox,Remove,x,,\r\n"                                 // 8
            + "Mailbox,Modify,ghost,,\r\n"                             // 9
            + "\r\n"                                                   // 10
            + "Mailbox,Update,good3,,\r\n"                             // 11
            + "Mailbox,Create,short\r\n";                              // 12

        var result = await _store.ImportTextAsync(csv, SkipErrors);

        Assert.Equal("rows 8: added 3, modified 0, deleted 0, unchanged 0, rejected 5", Counts(result));
        Assert.Equal(_store.Folder.File("input.csv.rejects.csv"), result.RejectFile);
        Assert.Equal(
            "Obj-Class,Mode,Common-Name,Title,Comment,Error\r\n"
            + "Mailbox,Create,ann,T,\"already\r\nthere\",line 3: the alias 'ann' is already used by mailbox 'ann'; Mode Create only makes new recipients (Update changes existing ones)\r\n"
            + "Mailbox,Create,bad\"quote,,,\"line 7: a quote inside an unquoted value; quote the whole value and write the quote as two quotes (\"\"\"\")\"\r\n"
            + "Mailbox,Remove,x,,,\"line 8: Mode: unknown mode 'Remove'; use Create, Modify, Delete or Update\"\r\n"
            + "Mailbox,Modify,ghost,,,line 9: recipient 'ghost' does not exist; Mode Modify needs an existing recipient (Update creates one)\r\n"
            + "Mailbox,Create,short,line 12: the row has 3 fields; the header has 5\r\n",
            await File.ReadAllTextAsync(result.RejectFile!));
        Assert.Equal(
            ["ann", "bob", "ext", "good1", "good2", "good3", "team"],
            (await _store.DescribeAsync()).Select(line => line.Split(" | ")[0]));
    }

    [Fact]
    public async Task Import_SkipErrors_RejectFileKeepsTheInputsLineEnds()
    {
        var result = await _store.ImportTextAsync("Obj-Class,Common-Name,Title\nMailbox,a,ok\nPerson,b,x\n", SkipErrors with { RejectPath = _store.Folder.File("bad.csv") });

        Assert.Equal(_store.Folder.File("bad.csv"), result.RejectFile);
        Assert.Equal(
            "Obj-Class,Common-Name,Title,Error\nPerson,b,x,\"line 3: Obj-Class: unknown class 'Person'; use Mailbox, Remote or dl\"\n",
            await File.ReadAllTextAsync(result.RejectFile!));
    }

    [Fact]
    public async Task Import_SkipErrors_NoBadRow_WritesNoRejectFile()
    {
        var result = await _store.ImportTextAsync(Header + "Mailbox,Create,a,,,,,,\r\n", SkipErrors);

        Assert.Null(result.RejectFile);
        Assert.False(File.Exists(_store.Folder.File("input.csv.rejects.csv")));
        Assert.Equal([_store.Folder.File("dirsync.db"), _store.Folder.File("input.csv")], Directory.GetFiles(_store.Folder.Path).Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task Import_SkipErrorsInSmallBatches_AppliesEveryGoodRowWithConsecutiveUsns()
    {
        var csv = new StringBuilder("Obj-Class,Common-Name,Title\r\n");
        for (var i = 1; i <= 7; i++)
        {
            csv.Append(i == 4 ? "Mailbox,,x\r\n" : $"Mailbox,m{i},t{i}\r\n");
        }

        var result = await _store.ImportTextAsync(csv.ToString(), SkipErrors with { BatchSize = 2 });

        Assert.Equal("rows 7: added 6, modified 0, deleted 0, unchanged 0, rejected 1", Counts(result));
        Assert.Equal(
            ["m1 1/1", "m2 2/2", "m3 3/3", "m5 4/4", "m6 5/5", "m7 6/6"],
            (await _store.DescribeAsync()).Select(line => line.Split(" | ")[0] + " " + line.Split(" | ")[^1]));
    }

    [Theory]
    [InlineData(10, new string[0], 2)]
    [InlineData(1, new[] { "a", "b" }, 4)]
    public async Task Import_RowFailingAfterTheStoreBeganWritingIt_RollsBackItsBatchAndStops(int batchSize, string[] applied, int batchStart)
    {
        var path = _store.WriteFile("input.csv", "Obj-Class,Common-Name\r\nMailbox,a\r\nMailbox,b\r\nMailbox,boom\r\nMailbox,c\r\n");
        InputFormatException? error = null;

        await _store.RunAsync(async store =>
            error = await Assert.ThrowsAsync<InputFormatException>(() =>
                new BulkImporter(FailingStore.Wrap(store, "boom")).ImportAsync(path, SkipErrors with { BatchSize = batchSize })));

        Assert.Equal(
            $"{path}:4: the store refused the write after starting it (the store had begun writing this row, so the import stopped; rows before line {batchStart} are applied, the rest are not)",
            error!.Message);
        Assert.Equal(applied, (await _store.DescribeAsync()).Select(line => line.Split(" | ")[0]));
        Assert.False(File.Exists(path + ".rejects.csv"));
    }

    [Fact]
    public async Task Import_Container_CreatesNewRecipientsThereAndLeavesOthersWhereTheyAre()
    {
        await SeedAsync();
        await _store.RunAsync(async store => await new DirectoryAdmin(store).AddContainerAsync(DirectoryPath.Parse("Recipients/Sales")));

        await _store.ImportTextAsync("Obj-Class,Common-Name,Title\r\nMailbox,new,T\r\nMailbox,ann,Boss\r\n", new BulkImportOptions { Container = DirectoryPath.Parse("recipients/sales") });

        Assert.Equal(
            ["ann Recipients", "bob Recipients", "ext Recipients", "new Recipients/Sales", "team Recipients"],
            (await _store.DescribeAsync()).Select(line => line.Split(" | ")[0] + " " + line.Split(" | ")[3]));
    }

    [Fact]
    public async Task Import_MissingContainer_FailsBeforeReading()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(() => _store.ImportTextAsync("not even csv", new BulkImportOptions { Container = DirectoryPath.Parse("Nowhere") }));

        Assert.Equal("container 'Nowhere' does not exist; create it with 'dirsync container add Nowhere'", error.Message);
    }

    [Fact]
    public async Task Import_MissingFile_IsAFileSystemError()
    {
        var path = _store.Folder.File("missing.csv");

        var error = await Assert.ThrowsAsync<DirSyncException>(() => _store.ImportAsync(path));

        Assert.Equal(ErrorCategory.FileSystem, error.Category);
        Assert.Equal($"the bulk CSV file '{path}' does not exist", error.Message);
    }

    [Fact]
    public async Task Import_BadHeader_FailsEvenWhenSkippingErrors()
    {
        var before = await StoreSnapshot.TakeAsync(_store.Path);

        var error = await ImportErrorAsync("Common-Name,Obj-Class\r\nfoo,Mailbox\r\n", SkipErrors);

        Assert.Equal($"{_store.Folder.File("input.csv")}:1:1: the first column must be Obj-Class (or objectClass), not 'Common-Name'", error.Message);
        Assert.Equal(before, await StoreSnapshot.TakeAsync(_store.Path));
        Assert.False(File.Exists(_store.Folder.File("input.csv.rejects.csv")));
    }

    [Fact]
    public async Task Import_BatchSizeBelowOne_IsRefused()
    {
        var error = await Assert.ThrowsAsync<InvalidValueException>(() => _store.ImportTextAsync(Header, SkipErrors with { BatchSize = 0 }));

        Assert.Equal("the batch size must be at least 1, not 0", error.Message);
    }

    [Fact]
    public async Task Import_Progress_IsReportedEveryThousandRowsAndAtTheEnd()
    {
        const string header = "Obj-Class,Common-Name\r\n";
        var rows = Enumerable.Range(0, 2500).Select(i => FormattableString.Invariant($"Mailbox,m{i}\r\n")).ToList();
        var path = _store.WriteFile("many.csv", header + string.Concat(rows));
        var reports = new List<BulkProgress>();

        await _store.ImportAsync(path, new BulkImportOptions { Progress = new Recorder(reports) });

        long BytesThrough(int count) => header.Length + rows.Take(count).Sum(r => r.Length);
        var length = new FileInfo(path).Length;
        Assert.Equal(
            [new BulkProgress(1024, BytesThrough(1024), length), new BulkProgress(2048, BytesThrough(2048), length), new BulkProgress(2500, length, length)],
            reports);
    }

    /// <summary>Records reports as they are made, on the importing thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class Recorder(List<BulkProgress> reports) : IProgress<BulkProgress>
    {
        public void Report(BulkProgress value) => reports.Add(value);
    }
}
