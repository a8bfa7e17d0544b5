using System.Text;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Bulk;
using DirSync.Core.Model;
using DirSync.Tests.Support;

namespace DirSync.Tests.Bulk;

public sealed class BulkExporterTests : IAsyncLifetime
{
    private const string Header =
        "Obj-Class,Common-Name,Display-Name,Proxy-Addresses,Target-Address,Member,Given-Name,Surname,Initials,Title,Company,Department,"
        + "Office-Location,Telephone-Office1,Telephone-Office2,Telephone-Home,Telephone-Mobile,Telephone-Fax,Telephone-Pager,Address,City,"
        + "State-Or-Province-Name,Postal-Code,Country,Comment,Extension-Attribute-1,Extension-Attribute-2,Extension-Attribute-3,"
        + "Extension-Attribute-4,Extension-Attribute-5,Extension-Attribute-6,Extension-Attribute-7,Extension-Attribute-8,"
        + "Extension-Attribute-9,Extension-Attribute-10,Extension-Attribute-11,Extension-Attribute-12,Extension-Attribute-13,"
        + "Extension-Attribute-14,Extension-Attribute-15";

    private BulkStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await BulkStore.CreateAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task AdminAsync(Func<DirectoryAdmin, Task> work) => _store.RunAsync(store => work(new DirectoryAdmin(store)));

    private static RecipientChanges In(string container, params string[] settings)
    {
        var changes = Changes.Of(settings);
        changes.Container = DirectoryPath.Parse(container);
        return changes;
    }

    /// <summary>Each row's class and alias, as the bulk reader reads them.</summary>
    private static List<string> Rows(string path)
    {
        using var reader = new BulkCsvReader(File.OpenRead(path), path);
        var rows = new List<string>();
        while (reader.Read())
        {
            Assert.Null(reader.Row.Error);
            rows.Add($"{reader.Row.Class.ToExchangeName()},{reader.Row.Alias}");
        }

        return rows;
    }

    [Fact]
    public void Columns_AreObjClassThenEveryWritableAttributeInSchemaOrder()
    {
        Assert.Equal(Header, string.Join(',', BulkExporter.Columns.Select(c => c.ExchangeName)));
    }

    [Fact]
    public async Task Export_GoldenStore_MatchesExpectedFile()
    {
        await _store.ImportAsync(BulkGoldenFile.PathOf("import.csv"));
        var path = _store.Folder.File("export.csv");

        var result = await _store.ExportAsync(path);

        Assert.Equal(new BulkExportResult(path, 3, 1, 2), result);
        BulkGoldenFile.Check("export.expected.csv", await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task ExportThenImport_GoldenStore_RecreatesTheSameRecipients()
    {
        await _store.ImportAsync(BulkGoldenFile.PathOf("import.csv"));
        var path = _store.Folder.File("export.csv");
        await _store.ExportAsync(path);
        using var copy = await BulkStore.CreateAsync();

        var result = await copy.ImportAsync(path);

        Assert.Empty(result.Warnings);
        Assert.Equal(new BulkImportResult(path, 6, 6, 0, 0, 0, 0, null, false, result.Warnings), result);
        Assert.Equal(await _store.DescribeAsync(withUsns: false), await copy.DescribeAsync(withUsns: false));
    }

    [Fact]
    public async Task ExportThenImport_AwkwardValuesAndNestedLists_RecreatesTheSameRecipients()
    {
        await AdminAsync(async admin =>
        {
            await admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
            await admin.AddRecipientAsync(ObjectClass.Mailbox, "zed", In(
                "Recipients/Sales",
                "displayName=Zed, \"The\" Last", "Title= padded ", "info=line one\r\nline two\nline three", "Company=50% Ltd, Inc.",
                "otherTelephone=+1 1", "otherTelephone=+1, 2", "extensionAttribute15=Zoë Ærø 日本"));
            await admin.AddRecipientAsync(ObjectClass.CustomRecipient, "ext", Changes.Of("targetAddress=SMTP:ext@example.com", "proxyAddresses=X400:c=US;a= ;p=Org;s=ext"));
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "zinner", Changes.Of("member=zed"));
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "middle", Changes.Of("member=zinner", "member=ext"));
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "aouter", Changes.Of("member=middle", "member=zed"));
        });
        var path = _store.Folder.File("export.csv");
        await _store.ExportAsync(path);
        using var copy = await BulkStore.CreateAsync();
        await copy.RunAsync(async store => await new DirectoryAdmin(store).AddContainerAsync(DirectoryPath.Parse("Recipients/Sales")));

        await copy.ImportAsync(path);

        var expected = (await _store.DescribeAsync(withUsns: false)).Select(line => line.Replace("Recipients/Sales", "Recipients", StringComparison.Ordinal));
        Assert.Equal(expected, await copy.DescribeAsync(withUsns: false));
        Assert.Equal(["Mailbox,zed", "Remote,ext", "dl,zinner", "dl,middle", "dl,aouter"], Rows(path));
    }

    [Fact]
    public async Task Export_ListsInACircle_WritesEachOnce()
    {
        await AdminAsync(async admin =>
        {
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "x", new RecipientChanges());
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "y", Changes.Of("member=x"));
            await admin.SetRecipientAsync(ObjectClass.DistributionList, "x", Changes.Of("member=y"));
        });
        var path = _store.Folder.File("export.csv");

        await _store.ExportAsync(path);

        Assert.Equal(["dl,y", "dl,x"], Rows(path));
    }

    [Fact]
    public async Task Export_ContainerAndClass_SelectTheRows()
    {
        await AdminAsync(async admin =>
        {
            await admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
            await admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales/East"));
            await admin.AddRecipientAsync(ObjectClass.Mailbox, "top", new RecipientChanges());
            await admin.AddRecipientAsync(ObjectClass.Mailbox, "sales", In("Recipients/Sales"));
            await admin.AddRecipientAsync(ObjectClass.Mailbox, "east", In("Recipients/Sales/East"));
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "eastlist", In("Recipients/Sales/East", "member=top"));
        });
        var path = _store.Folder.File("export.csv");

        Assert.Equal(1, (await _store.ExportAsync(path, new BulkExportOptions { Container = DirectoryPath.Parse("recipients/sales") })).Recipients);
        Assert.Equal(["Mailbox,sales"], Rows(path));
        Assert.Equal(3, (await _store.ExportAsync(path, new BulkExportOptions { Container = DirectoryPath.Parse("Recipients/Sales"), IncludeSubcontainers = true })).Recipients);
        Assert.Equal(["Mailbox,east", "Mailbox,sales", "dl,eastlist"], Rows(path));
        Assert.Equal(1, (await _store.ExportAsync(path, new BulkExportOptions { Class = ObjectClass.DistributionList })).Recipients);
        Assert.Equal(["dl,eastlist"], Rows(path));
        Assert.Equal(0, (await _store.ExportAsync(path, new BulkExportOptions { Class = ObjectClass.CustomRecipient })).Recipients);
        Assert.Equal(Header + "\r\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Export_MissingContainer_WritesNoFile()
    {
        var path = _store.Folder.File("export.csv");

        var error = await Assert.ThrowsAsync<NotFoundException>(() => _store.ExportAsync(path, new BulkExportOptions { Container = DirectoryPath.Parse("Nowhere") }));

        Assert.Equal("container 'Nowhere' does not exist; see 'dirsync container list'", error.Message);
        Assert.False(File.Exists(path));
    }

    public static TheoryData<string, string> Unwritable() => new()
    {
        { "Title=~del", "cannot export mailbox 'bad': Title cannot be written in a bulk CSV, as its value '~del' would read back as the ~DEL that clears it" },
        { "otherTelephone=~DEL", "cannot export mailbox 'bad': Telephone-Office2 cannot be written in a bulk CSV, as its value '~DEL' would read back as the ~DEL that clears it" },
    };

    [Theory]
    [MemberData(nameof(Unwritable))]
    public async Task Export_ValueTheFormatCannotCarry_IsRefusedAndTheOldFileKept(string setting, string message)
    {
        await AdminAsync(admin => admin.AddRecipientAsync(ObjectClass.Mailbox, "bad", Changes.Of(setting)));
        var path = _store.Folder.File("export.csv");
        await File.WriteAllTextAsync(path, "old");

        var error = await Assert.ThrowsAsync<InvalidValueException>(() => _store.ExportAsync(path));

        Assert.Equal(message, error.Message);
        Assert.Equal("old", await File.ReadAllTextAsync(path));
        Assert.Equal(["export.csv", "dirsync.db"], Directory.GetFiles(_store.Folder.Path).Select(Path.GetFileName).Where(f => !f!.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)).OrderDescending());
    }

    [Fact]
    public async Task Export_PercentAndBackslashInsideMultiValuedValues_AreEscapedAsExchangeDoesAndReadBackExactly()
    {
        await AdminAsync(async admin =>
        {
            await admin.AddRecipientAsync(ObjectClass.Mailbox, "50%", Changes.Of("otherTelephone=100%", "otherTelephone=a\\b", "otherTelephone=v,2"));
            await admin.AddRecipientAsync(
                ObjectClass.CustomRecipient, "maria", Changes.Of("targetAddress=CUSTOM:Black, Maria at \\\\SANFRANCISCO01", "Title=50% \\ off"));
            await admin.AddRecipientAsync(ObjectClass.DistributionList, "list", Changes.Of("member=50%", "member=maria"));
        });
        var path = _store.Folder.File("export.csv");

        await _store.ExportAsync(path);

        // A '%' or '\' of a value becomes '\%' or '\\' in a multi-valued field only; single values are written as they are.
        var rows = (await File.ReadAllTextAsync(path)).Split("\r\n");
        Assert.StartsWith("Mailbox,50%,50%,EDK:50\\%@Site1.Testorg.com%SMTP:50\\%@Site1.Testorg.com,,,", rows[1], StringComparison.Ordinal);
        Assert.Contains(",\"100\\%%a\\\\b%v,2\",", rows[1], StringComparison.Ordinal);
        Assert.StartsWith("Remote,maria,maria,\"CUSTOM:Black, Maria at \\\\\\\\SANFRANCISCO01%EDK:maria@Site1.Testorg.com%SMTP:maria@Site1.Testorg.com\",\"CUSTOM:Black, Maria at \\\\SANFRANCISCO01\",,", rows[2], StringComparison.Ordinal);
        Assert.Contains(",50% \\ off,", rows[2], StringComparison.Ordinal);
        Assert.StartsWith("dl,list,list,EDK:list@Site1.Testorg.com%SMTP:list@Site1.Testorg.com,,50\\%%maria,", rows[3], StringComparison.Ordinal);

        using var copy = await BulkStore.CreateAsync();
        await copy.ImportAsync(path);
        Assert.Equal(await _store.DescribeAsync(withUsns: false), await copy.DescribeAsync(withUsns: false));
        Assert.Equal(
            "50% | 50% | mailbox | Recipients | EDK:50%@Site1.Testorg.com,SMTP:50%@Site1.Testorg.com | - | otherTelephone=100%,a\\b,v,2",
            (await copy.DescribeAsync(withUsns: false))[0]);
    }

    [Fact]
    public async Task Export_Progress_EndsWithTheRowsAndBytesWritten()
    {
        await AdminAsync(async admin =>
        {
            for (var i = 0; i < 3; i++)
            {
                await admin.AddRecipientAsync(ObjectClass.Mailbox, $"m{i}", new RecipientChanges());
            }
        });
        var reports = new List<BulkProgress>();
        var path = _store.Folder.File("export.csv");

        await _store.ExportAsync(path, new BulkExportOptions { Progress = new Recorder(reports) });

        Assert.Equal([new BulkProgress(3, new FileInfo(path).Length, null)], reports);
    }

    private sealed class Recorder(List<BulkProgress> reports) : IProgress<BulkProgress>
    {
        public void Report(BulkProgress value) => reports.Add(value);
    }

    [Fact]
    public async Task Export_EmptyStore_WritesTheHeaderOnly()
    {
        var path = _store.Folder.File("export.csv");

        var result = await _store.ExportAsync(path);

        Assert.Equal(0, result.Recipients);
        Assert.Equal(Encoding.UTF8.GetBytes(Header + "\r\n"), await File.ReadAllBytesAsync(path));
    }
}
