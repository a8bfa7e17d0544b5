using System.Text;
using System.Text.RegularExpressions;
using DirSync.Core.Transport;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>
/// The real dirsync meets a full disk under its store or reject file, or a read-only drop folder it must claim from:
/// exit 11 (the file-system code) with one clear line, never an internal error, and what stays applied said.
/// </summary>
/// <remarks>How a read-only folder is made is told on <see cref="FileSystemConditions"/>; a full disk with files on it, on <see cref="SizedDisk"/>.</remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class StoreFaultTests : FileSystemFaultFixture
{
    [Fact]
    public async Task BulkImport_StoreDiskFills_ExitsElevenAndAppliesNothing()
    {
        TestStores.SkipOnPostgres("a SQLite store on a disk of a set size, in a mount namespace of its own; a PostgreSQL store lives on its server's disk (PostgresStoreCommandTests test a lost connection)");
        await SeedStoreAsync();
        var before = await StoreSnapshot.TakeAsync(Folder.File("seed/site1.db"));
        await PeopleAsync("people.csv", 3000);

        var result = await SizedDisk.RunAsync(Folder.Path, Folder.File("disk"), 320, Folder.File("seed"), Folder.File("after"), "--store", Folder.File("disk/site1.db"), "bulk", "import", "people.csv");

        Assert.Equal(
            (11, "", $"dirsync: cannot write the store '{Folder.File("disk/site1.db")}': No space left on device; free space (the disk or the quota is full) and run the command again\n"),
            (result.ExitCode, result.Out, result.Error));
        Assert.Equal(before.Replace("/seed/", "/after/", StringComparison.Ordinal), await StoreSnapshot.TakeAsync(Folder.File("after/site1.db")));
    }

    [Fact]
    public async Task BulkImportSkipErrors_StoreDiskFills_ExitsElevenSayingWhichBatchesStayApplied()
    {
        TestStores.SkipOnPostgres("a SQLite store on a disk of a set size, in a mount namespace of its own; a PostgreSQL store lives on its server's disk (PostgresStoreCommandTests test a lost connection)");
        await SeedStoreAsync();
        await PeopleAsync("people.csv", 3000);

        var result = await SizedDisk.RunAsync(
            Folder.Path, Folder.File("disk"), 320, Folder.File("seed"), Folder.File("after"),
            "--store", Folder.File("disk/site1.db"), "bulk", "import", "people.csv", "--skip-errors", "--batch-size", "100");

        Assert.True(result.ExitCode == 11 && result.Out.Length == 0, result.ToString());
        var match = AppliedPattern().Match(result.Error);
        Assert.True(match.Success, result.Error);
        var batches = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var line = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2 + (batches * 100), line);
        Assert.Equal(
            $"dirsync: cannot write the store '{Folder.File("disk/site1.db")}': No space left on device; free space (the disk or the quota is full) and run the command again; {(batches == 1 ? "1 batch" : $"{batches} batches")} committed before line {line} {(batches == 1 ? "stays" : "stay")} applied (rows up to line {line - 1}); the rows from line {line} on are not\n",
            result.Error);
        var listed = await CliRunner.RunAsync(Folder.Path, CliRunner.NoEnvironment, "--store", Folder.File("after/site1.db"), "recipients", "list", "--json");
        Assert.Equal(batches * 100, CliJson.Parse(listed.Out).GetArrayLength());
    }

    [Fact]
    public async Task BulkImportSkipErrors_RejectFileOnAFullDisk_ExitsElevenAndLeavesNoTemporaryFile()
    {
        TestStores.SkipOnPostgres("a SQLite store on a disk of a set size, in a mount namespace of its own; a PostgreSQL store lives on its server's disk (PostgresStoreCommandTests test a lost connection)");
        await Site.InitAsync("site1.db", "Site1", "Server1");
        Directory.CreateDirectory(Folder.File("seed"));

        // Every row is bad (an unknown mode), and each reject line is longer than its row: the rejects outgrow the disk.
        var csv = new StringBuilder("Obj-Class,Mode,Common-Name,Display-Name\n");
        for (var n = 1; n <= 400; n++)
        {
            csv.Append($"Mailbox,Remove,person{n:000},Person number {n:000}\n");
        }

        await File.WriteAllTextAsync(Folder.File("seed/bad.csv"), csv.ToString());
        var before = await StoreSnapshot.TakeAsync(Folder.File("site1.db"));

        var result = await SizedDisk.RunAsync(Folder.Path, Folder.File("disk"), 48, Folder.File("seed"), Folder.File("after"), "--store", "site1.db", "bulk", "import", Folder.File("disk/bad.csv"), "--skip-errors");

        Assert.Equal(
            (11, "", $"dirsync: cannot write '{Folder.File("disk/bad.csv.rejects.csv")}': No space left on device\n"),
            (result.ExitCode, result.Out, result.Error));
        Assert.Equal(["bad.csv"], Directory.GetFiles(Folder.File("after")).Select(Path.GetFileName));
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Folder.File("site1.db")));
    }

    [Fact]
    public async Task ServerReceive_InboxReadOnly_ExitsElevenAndChangesNothing()
    {
        var s = Site;
        s.CreateFolders("hub-in", "po1-in");
        await s.InitAsync("hub.db", "Hub", "HubServer");
        await s.RunAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await s.RunAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await s.InitAsync("po1.db", "Site2", "Server2");
        await s.RunAsync("po1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");
        await s.RunAsync("po1.db", "mailbox", "add", "alice");
        await s.RunAsync("po1.db", "requestor", "send");
        var message = Assert.Single(Directory.GetFiles(Folder.File("hub-in")));
        await Conditions.MakeReadOnlyAsync(Folder.File("hub-in"));
        var before = await StoreSnapshot.TakeAsync(Folder.File("hub.db"));

        var result = await Conditions.RunAsync(Folder.Path, "--store", "hub.db", "server", "receive");

        Assert.True(
            (11, "", $"dirsync: cannot write '{Folder.File("hub-in/processing")}': permission denied\n") == (result.ExitCode, result.Out, result.Error),
            $"with {Conditions.How}: {result}");
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Folder.File("hub.db")));
        Assert.True(File.Exists(message));
    }

    [Fact]
    public async Task RequestorReceive_InboxReadOnly_ExitsElevenAndChangesNothing()
    {
        var s = Site;
        s.CreateFolders("hub-in", "po1-in");
        await s.InitAsync("hub.db", "Hub", "HubServer");
        await s.RunAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await s.RunAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await s.InitAsync("po1.db", "Site2", "Server2");
        await s.RunAsync("po1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");
        await s.RunAsync("po1.db", "requestor", "send");
        await s.RunAsync("hub.db", "server", "receive");
        await s.RunAsync("hub.db", "server", "send");
        var reply = Assert.Single(Directory.GetFiles(Folder.File("po1-in")));
        await Conditions.MakeReadOnlyAsync(Folder.File("po1-in"));
        var before = await StoreSnapshot.TakeAsync(Folder.File("po1.db"));

        var result = await Conditions.RunAsync(Folder.Path, "--store", "po1.db", "requestor", "receive");

        Assert.True(
            (11, "", $"dirsync: cannot write '{Folder.File("po1-in/processing")}': permission denied\n") == (result.ExitCode, result.Out, result.Error),
            $"with {Conditions.How}: {result}");
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Folder.File("po1.db")));
        Assert.True(File.Exists(reply));
        Assert.Empty(Directory.GetFiles(Folder.File("po1-in"), AtomicFile.TemporaryPrefix + "*"));
    }

    private async Task SeedStoreAsync()
    {
        Directory.CreateDirectory(Folder.File("seed"));
        var site = new CrashSite(Folder.File("seed"));
        await site.InitAsync("site1.db", "Site1", "Server1");
    }

    private async Task PeopleAsync(string name, int count)
    {
        var csv = new StringBuilder("Obj-Class,Common-Name,Display-Name,Title,Department\n");
        for (var n = 1; n <= count; n++)
        {
            csv.Append($"Mailbox,person{n:0000},Person number {n:0000} of the test,Title {n} of the organization,Department {n % 10} of the company\n");
        }

        await File.WriteAllTextAsync(Folder.File(name), csv.ToString());
    }

    [GeneratedRegex(@"; (\d+) batch(?:es)? committed before line (\d+) stays? applied")]
    private static partial Regex AppliedPattern();
}
