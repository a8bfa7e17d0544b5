using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>The real dirsync meets a read-only or full folder, or a file that vanishes under it: nothing applied, and one clear line and a non-zero exit unless another receiver took the file.</summary>
/// <remarks>How each condition is made, whatever user the tests run as, is told on <see cref="FileSystemConditions"/>.</remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileSystemFaultTests : FileSystemFaultFixture
{
    private const string Store = "site1.db";

    [Fact]
    public async Task Run_ExportFolderReadOnly_ExitsElevenAndChangesNothing()
    {
        await ExportingSiteAsync("out/SYNC1", recipients: 5);
        await Conditions.MakeReadOnlyAsync(Folder.File("out"));
        var before = await SnapshotAsync();

        var result = await Conditions.RunAsync(Folder.Path, "--store", Store, "run", "E");

        Assert.True(
            (11, "", $"dirsync: cannot write '{Folder.File("out/SYNC1")}': permission denied\n") == (result.ExitCode, result.Out, result.Error),
            $"with {Conditions.How}: {result}");
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(Directory.GetFiles(Folder.File("out")));
    }

    [Fact]
    public async Task Run_ExportFolderFull_ExitsElevenAndChangesNothing()
    {
        await ExportingSiteAsync("full/SYNC1", recipients: 300);
        await Conditions.MakeFullAsync(Folder.File("full"));
        var before = await SnapshotAsync();

        var result = await Conditions.RunAsync(Folder.Path, "--store", Store, "run", "E");

        Assert.True(
            (11, "", $"dirsync: cannot write '{Folder.File("full/SYNC1")}': No space left on device\n") == (result.ExitCode, result.Out, result.Error),
            $"with {Conditions.How}: {result}");
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(Directory.GetFiles(Folder.File("full")));
    }

    [Fact]
    public async Task RequestorSend_ServerInboxFull_ExitsElevenAndChangesNothing()
    {
        var s = Site;
        s.CreateFolders("hub-in", "po1-in");
        await s.InitAsync(Store, "Site1", "Server1");
        await s.RunAsync(Store, "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");
        await BulkAsync(300);
        await Conditions.MakeFullAsync(Folder.File("hub-in"));
        var before = await SnapshotAsync();
        var status = await s.RunAsync(Store, "requestor", "status", "--json");

        var result = await Conditions.RunAsync(Folder.Path, "--store", Store, "requestor", "send");

        Assert.True(result.ExitCode == 11 && result.Out.Length == 0, $"with {Conditions.How}: {result}");
        Assert.Matches($@"^dirsync: cannot write '{Folder.File("hub-in")}/\d{{8}}T\d{{9}}-[0-9a-f]{{32}}\.dsm': No space left on device\n$", result.Error);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(status, await s.RunAsync(Store, "requestor", "status", "--json"));
        Assert.Empty(Directory.GetFiles(Folder.File("hub-in")));
    }

    [Fact]
    public async Task ServerSend_RequestorInboxReadOnly_ExitsNineNamingItAndChangesNothing()
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
        await s.RunAsync("hub.db", "server", "receive");
        await Conditions.MakeReadOnlyAsync(Folder.File("po1-in"));
        var before = await SnapshotAsync("hub.db");
        var status = await s.RunAsync("hub.db", "server", "status", "--json");

        var result = await Conditions.RunAsync(Folder.Path, "--store", "hub.db", "server", "send");

        // The other requestors' replies go out; this one's stays pending, and the run says why.
        Assert.True(result.ExitCode == 9, $"with {Conditions.How}: {result}");
        Assert.Matches(
            $@"^dirsync: server send: NET/PO1: cannot write '{Folder.File("po1-in")}/\d{{8}}T\d{{9}}-[0-9a-f]{{32}}\.dsm': permission denied \(see 'dirsync events'\)\n$",
            result.Error);
        Assert.Equal(before, await SnapshotAsync("hub.db"));
        Assert.Equal(status, await s.RunAsync("hub.db", "server", "status", "--json"));
        Assert.Empty(Directory.GetFiles(Folder.File("po1-in")));
    }

    [Fact]
    public async Task ServerReceive_MessageVanishesAfterTheClaim_IsPassedOverAndChangesNothing()
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
        var name = Path.GetFileName(Directory.GetFiles(Folder.File("hub-in")).Single());
        var claimed = Folder.File($"hub-in/processing/{name}");
        var before = await SnapshotAsync("hub.db");
        var status = await s.RunAsync("hub.db", "server", "status", "--json");

        var result = await RunPausedAsync(1, "drop.claimed", () => File.Delete(claimed), "--store", "hub.db", "server", "receive");

        // Gone from processing/ before it was read: another receiver running beside this one has it.
        Assert.Equal((0, "server receive: 0 messages, 0 updates\n", ""), (result.ExitCode, result.Out, result.Error));
        Assert.Equal(before, await SnapshotAsync("hub.db"));
        Assert.Equal(status, await s.RunAsync("hub.db", "server", "status", "--json"));
        Assert.False(Directory.Exists(Folder.File("hub-in/rejected")));
    }

    [Fact]
    public async Task ServerReceive_MessageItCannotRead_IsSetAsideWithItsReasonAndChangesNothing()
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
        var message = Directory.GetFiles(Folder.File("hub-in")).Single();
        var name = Path.GetFileName(message);
        await Conditions.MakeUnreadableAsync(message);
        var before = await SnapshotAsync("hub.db");
        var status = await s.RunAsync("hub.db", "server", "status", "--json");

        var result = await Conditions.RunAsync(Folder.Path, "--store", "hub.db", "server", "receive");

        // Set aside like a malformed message (124), so one unreadable file cannot stop every later receive.
        var claimed = Folder.File($"hub-in/processing/{name}");
        var reason = $"124: unreadable Dir-Sync message: cannot read the message '{name}': Access to the path '{claimed}' is denied.";
        Assert.True(
            (9, $"dirsync: server receive: {name} refused — {reason} (see 'dirsync events')\n") == (result.ExitCode, result.Error),
            $"with {Conditions.How}: {result}");
        Assert.Equal(before, await SnapshotAsync("hub.db"));
        Assert.Equal(status, await s.RunAsync("hub.db", "server", "status", "--json"));
        Assert.False(File.Exists(claimed));
        Assert.True(File.Exists(Folder.File($"hub-in/rejected/{name}")));
        Assert.Equal(reason + "\n", await File.ReadAllTextAsync(Folder.File($"hub-in/rejected/{name}.reason.txt")));
    }

    [Fact]
    public async Task Run_ImportFileVanishesBetweenItsTwoReadings_ExitsElevenAndChangesNothing()
    {
        var s = Site;
        await ExportingSiteAsync("SYNC1", recipients: 5);
        await s.RunAsync(Store, "run", "E", "--full");
        await s.InitAsync("site2.db", "Site2", "Server2");
        await s.RunAsync("site2.db", "instance", "set", "I", "--import", "--file", "SYNC1");
        await s.RunAsync("site2.db", "run", "I");
        await s.RunAsync(Store, "run", "E", "--full");
        var before = await StoreSnapshot.TakeAsync(Folder.File("site2.db"));
        var instance = await s.RunAsync("site2.db", "instance", "list", "--json");

        // A full change set is read twice once the instance holds recipients of the source: once for
        // the anchors it holds, once to apply it.
        var result = await RunPausedAsync(2, "file.open", () => File.Delete(Folder.File("SYNC1")), "--store", "site2.db", "run", "I");

        Assert.Equal(
            (11, "", $"dirsync: the import file '{Folder.File("SYNC1")}' of instance 'I' does not exist; copy the source's export file there (or point the instance elsewhere with 'dirsync instance set I --import-file <path>')\n"),
            (result.ExitCode, result.Out, result.Error));
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Folder.File("site2.db")));
        Assert.Equal(instance, await s.RunAsync("site2.db", "instance", "list", "--json"));
    }

    /// <summary>Site1 with <paramref name="recipients"/> mailboxes and instance E exporting them to <paramref name="file"/>.</summary>
    private async Task ExportingSiteAsync(string file, int recipients)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Folder.File(file))!);
        await Site.InitAsync(Store, "Site1", "Server1");
        await BulkAsync(recipients);
        await Site.RunAsync(Store, "instance", "set", "E", "--export", "--file", file);
    }

    /// <summary>Adds <paramref name="count"/> mailboxes with long enough values that 300 of them take more than 64 KiB to send.</summary>
    private async Task BulkAsync(int count)
    {
        var csv = new StringBuilder("Obj-Class,Common-Name,Display-Name,Title,Department\n");
        for (var n = 1; n <= count; n++)
        {
            csv.Append($"Mailbox,person{n:000},Person number {n:000} of the test,Title {n} of the organization,Department {n % 10} of the company\n");
        }

        await File.WriteAllTextAsync(Folder.File("people.csv"), csv.ToString());
        await Site.RunAsync(Store, "bulk", "import", "people.csv");
        File.Delete(Folder.File("people.csv"));
    }

    /// <summary>Runs dirsync held at fault point <paramref name="at"/> (which must be <paramref name="point"/>) while <paramref name="change"/> changes the files.</summary>
    private async Task<CliResult> RunPausedAsync(int at, string point, Action change, params string[] args)
    {
        var pause = Folder.File("pause");
        var environment = new Dictionary<string, string>
        {
            ["DIRSYNC_FAULT_PAUSE_AT"] = at.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DIRSYNC_FAULT_PAUSE_FILE"] = pause,
        };
        var run = CliRunner.RunProcessAsync(Folder.Path, environment, args);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(pause) || File.ReadAllText(pause).Length == 0)
        {
            Assert.False(run.IsCompleted, $"dirsync ended before fault point {at}: {(run.IsCompleted ? await run : null)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"dirsync did not reach fault point {at} within 30 seconds");
            await Task.Delay(10);
        }

        Assert.Equal(point, File.ReadAllText(pause).Trim());
        change();
        File.Delete(pause);
        return await run;
    }

    private Task<string> SnapshotAsync(string store = Store) => StoreSnapshot.TakeAsync(Folder.File(store));
}
