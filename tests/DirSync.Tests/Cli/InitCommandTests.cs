using System.Text.Json;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync init</c> and <c>dirsync info</c>.</summary>
public sealed class InitCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string StorePath => _folder.File("dirsync.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Init_NewPath_CreatesTheStoreAndSaysWhat()
    {
        var result = await CliRunner.RunAsync(StorePath, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        await using var store = await TestStores.OpenAsync(StorePath);
        Assert.Equal(
            $"Created store {TestStores.Shown(StorePath)}\n  Testorg/Site1/Server1, identity {store.Info.Identity}\n  container Recipients; address templates SMTP, EDK\n",
            result.Out);
        Assert.Equal(("Testorg", "Site1", "Server1"), (store.Info.Organization, store.Info.Site, store.Info.Server));
    }

    [Fact]
    public async Task Init_Json_PrintsTheStoreIdentity()
    {
        var result = await CliRunner.RunAsync(StorePath, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1", "--json");

        Assert.Equal(0, result.ExitCode);
        var json = CliJson.Parse(result.Out);
        Assert.Equal(["store", "identity", "organization", "site", "server", "created", "highestUsn"], json.EnumerateObject().Select(p => p.Name));
        await using var store = await TestStores.OpenAsync(StorePath);
        Assert.Equal(TestStores.Shown(StorePath), json.GetProperty("store").GetString());
        Assert.Equal(store.Info.Identity, json.GetProperty("identity").GetGuid());
        Assert.Equal("Testorg", json.GetProperty("organization").GetString());
        Assert.Equal("Site1", json.GetProperty("site").GetString());
        Assert.Equal("Server1", json.GetProperty("server").GetString());
        Assert.Equal(store.Info.Created, json.GetProperty("created").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("highestUsn").ValueKind);
        Assert.Equal(0, json.GetProperty("highestUsn").GetInt64());
    }

    [Fact]
    public async Task Init_ExistingStore_RefusesWithExitFiveAndLeavesItUntouched()
    {
        TestStores.SkipOnPostgres("init into an existing file or a missing folder; PostgresStoreCommandTests test init into a database that is not empty");
        await CliRunner.RunAsync(StorePath, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await CliRunner.RunAsync(StorePath, "mailbox", "add", "Mailbox11");
        var snapshot = await StoreSnapshot.TakeAsync(StorePath);
        var bytes = await File.ReadAllBytesAsync(StorePath);

        var result = await CliRunner.RunAsync(StorePath, "init", "--org", "Other", "--site", "Site9", "--server", "Server9");

        Assert.Equal(5, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal($"dirsync: '{StorePath}' already exists; init never overwrites a store — choose another --store path or remove the file yourself\n", result.Error);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(StorePath));
        Assert.Equal(snapshot, await StoreSnapshot.TakeAsync(StorePath));
    }

    [Fact]
    public async Task Init_ExistingForeignFile_RefusesAndLeavesItUntouched()
    {
        TestStores.SkipOnPostgres("init into an existing file or a missing folder; PostgresStoreCommandTests test init into a database that is not empty");
        await File.WriteAllTextAsync(StorePath, "not a store\n");

        var result = await CliRunner.RunAsync(StorePath, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        Assert.Equal(5, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith($"dirsync: '{StorePath}' already exists;", result.Error, StringComparison.Ordinal);
        Assert.Equal("not a store\n", await File.ReadAllTextAsync(StorePath));
    }

    [Theory]
    [InlineData("Test/org", "Site1", "Server1", "invalid organization name 'Test/org'")]
    [InlineData("Testorg", " Site1", "Server1", "invalid site name ' Site1'")]
    [InlineData("Testorg", "Site1", "Server=1", "invalid server name 'Server=1'")]
    [InlineData("Testorg", "Site1", "", "invalid server name ''")]
    public async Task Init_InvalidName_ExitsThreeAndCreatesNoFile(string org, string site, string server, string start)
    {
        var result = await CliRunner.RunAsync(StorePath, "init", "--org", org, "--site", site, "--server", server);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal($"dirsync: {start}: use 1 to 64 characters without '/', '\\', '=', ',', control characters or surrounding spaces\n", result.Error);
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public async Task Init_MissingOption_IsAUsageError()
    {
        var result = await CliRunner.RunAsync(StorePath, "init", "--org", "Testorg", "--site", "Site1");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal("dirsync: option '--server' is required (see 'dirsync init --help')\n", result.Error);
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public async Task Init_FolderDoesNotExist_ExitsSixNamingTheFolder()
    {
        TestStores.SkipOnPostgres("init into an existing file or a missing folder; PostgresStoreCommandTests test init into a database that is not empty");
        var path = _folder.File("no/such/dirsync.db");

        var result = await CliRunner.RunAsync(path, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal($"dirsync: cannot create a store at '{path}': the folder '{_folder.File("no/such")}' does not exist\n", result.Error);
    }

    [Fact]
    public async Task Info_AfterChanges_ShowsIdentityAndHighestUsn()
    {
        await CliRunner.RunAsync(StorePath, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await CliRunner.RunAsync(StorePath, "mailbox", "add", "Mailbox11");
        await CliRunner.RunAsync(StorePath, "mailbox", "add", "Mailbox12");
        await using var store = await TestStores.OpenAsync(StorePath);

        var text = await CliRunner.RunAsync(StorePath, "info");
        var json = await CliRunner.RunAsync(StorePath, "info", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(
            $"Store:         {TestStores.Shown(StorePath)}\n" +
            "Organization:  Testorg\n" +
            "Site:          Site1\n" +
            "Server:        Server1\n" +
            $"Identity:      {store.Info.Identity}\n" +
            $"Created:       {store.Info.Created:u}\n" +
            "Highest USN:   2\n",
            text.Out);
        Assert.Equal(0, json.ExitCode);
        var info = CliJson.Parse(json.Out);
        Assert.Equal(2, info.GetProperty("highestUsn").GetInt64());
        Assert.Equal(store.Info.Identity, info.GetProperty("identity").GetGuid());
    }
}
