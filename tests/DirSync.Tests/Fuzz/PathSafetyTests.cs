using DirSync.Core;
using DirSync.Core.Bulk;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Core.Transport;
using DirSync.Tests.Scheduling;
using DirSync.Tests.Support;
using DirSync.Tests.Sync;

namespace DirSync.Tests.Fuzz;

/// <summary>Names that come from files — distinguished names, aliases, containers, postoffice names, bulk CSV rows, message file names — never become paths.</summary>
/// <remarks>
/// Each hostile name carries a marker; after the work, no file or folder whose name holds the marker may
/// exist in the test's folder, in any folder above it (where "../" would lead) or in the current folder.
/// Drop folders are checked for what a sender can plant there: links and folders with message names.
/// </remarks>
public sealed class PathSafetyTests : IDisposable
{
    private readonly string _marker = "escape-" + Guid.NewGuid().ToString("N")[..12];
    private readonly TempFolder _outside = new();

    public void Dispose() => _outside.Dispose();

    private static readonly string[] Patterns = ["../../{0}", "..\\..\\{0}", "/tmp/{0}", "C:\\{0}", "{0}\0.dsm", "..", "{0}/../../x", "{0}" + new string('x', 300)];

    public static TheoryData<string> HostileAliases => new(Patterns);

    // The EDK format cannot carry a control character in a distinguished name at all: its writer refuses.
    public static TheoryData<string, ChangeSetFormat> HostileAliasesInEitherFormat =>
        new(Patterns.SelectMany(p => new[] { (p, ChangeSetFormat.Ldif), (p, ChangeSetFormat.Edk) }).Where(c => !(c.p.Contains('\0', StringComparison.Ordinal) && c.Item2 == ChangeSetFormat.Edk)));

    // ---- names in change sets and messages are data -------------------------------------------

    [Theory]
    [MemberData(nameof(HostileAliasesInEitherFormat))]
    public async Task Import_HostileNameInAChangeSet_IsDataNotAPath(string pattern, ChangeSetFormat format)
    {
        var name = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, _marker);
        await using var servers = await TwoServers.CreateAsync();
        await servers.SetUpOneWayAsync();
        await servers.SetInstanceAsync(servers.Server2, "INSTANCE3", new InstanceChanges { Direction = InstanceDirection.Export, File = servers.Sync2 });
        var record = new ChangeRecord(ChangeKind.Add, Guid.NewGuid(), name, DirectoryPath.Recipients) { Class = ObjectClass.Mailbox, DisplayName = name.Replace("\0", "", StringComparison.Ordinal) };
        var header = new ChangeSetHeader(servers.Server1.Info, "INSTANCE1", ChangeSetMode.Full, 1, 0, 10, servers.Time.GetUtcNow(), []);
        ChangeSetFile.Write(servers.Sync1, format, header, [record]);

        // Imported, then exported again: the name is read from one file and written into another.
        var imported = await Outcome(() => servers.ImportAsync(servers.Server2, "INSTANCE2"));
        var exported = await Outcome(() => servers.ExportAsync(servers.Server2, "INSTANCE3", full: true));

        AssertNothingNamed(servers.Folder.Path);
        Assert.Equal(["SYNC1", "SYNC2", "server1.db", "server2.db"], TopLevelFiles(servers.Folder.Path));
        if (imported is null)
        {
            // Taken in as it came: the name is an alias in the store, nothing more.
            Assert.Equal(name, (await TwoServers.GetAsync(servers.Server2, name)).Alias);
            Assert.Null(exported);
        }
        else
        {
            Assert.IsAssignableFrom<DirSyncException>(imported);
        }
    }

    [Theory]
    [MemberData(nameof(HostileAliases))]
    public async Task BulkImport_HostileNameInARow_IsDataNotAPath(string pattern)
    {
        var name = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, _marker);
        using var folder = new TempFolder();
        await using var store = await StoreFactory.CreateAsync(folder.File("store.db"));
        var csv = folder.File("load.csv");
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        // A second, plain row: an import every row of which is rejected fails, and this test is about where files go.
        File.WriteAllText(csv, $"Obj-Class,Common-Name,Display-Name,Comment\nMailbox,{quoted},Hostile,{quoted}\nMailbox,plain,Plain,\n");

        var result = await new BulkImporter(store).ImportAsync(csv, new BulkImportOptions { OnError = BulkErrorPolicy.SkipErrors });

        AssertNothingNamed(folder.Path);
        Assert.Equal(result.Rejected == 0 ? ["load.csv", "store.db"] : ["load.csv", "load.csv.rejects.csv", "store.db"], TopLevelFiles(folder.Path));
        if (result.Rejected == 0)
        {
            Assert.Equal(name, (await TwoServers.GetAsync(store, name)).Alias);
        }
    }

    [Theory]
    [InlineData("from")]
    [InlineData("to")]
    public async Task ReceiveAsync_HostilePostofficeName_IsRefusedAndWritesOnlyInTheDropFolder(string field)
    {
        await using var sites = await HubSites.CreateAsync();
        var hostile = "../../" + _marker;
        var message = Update(field == "from" ? hostile : "NET/PO1", field == "to" ? hostile : "NET/HUB");
        File.WriteAllBytes(Path.Combine(sites.ServerInbox, "20260115T090000000-a.dsm"), await MessageAsync(sites.Requestor.Info, message, []));

        var report = await new DirSyncServer(sites.Server, sites.Time).ReceiveAsync();

        Assert.Equal((0, 1), (report.Messages, report.Rejected));
        Assert.Equal(["20260115T090000000-a.dsm", "20260115T090000000-a.dsm.reason.txt"], Names(Path.Combine(sites.ServerInbox, "rejected")));
        AssertNothingNamed(sites.Folder.Path);
    }

    [Theory]
    [MemberData(nameof(HostileAliases))]
    public async Task ReceiveAsync_HostileNamesInARequestorsRecords_AreDataNotPaths(string pattern)
    {
        await using var sites = await HubSites.CreateAsync();
        var name = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, _marker);
        var record = new ChangeRecord(ChangeKind.Add, Guid.NewGuid(), name, DirectoryPath.Parse("Recipients"))
        {
            Class = ObjectClass.Mailbox,
            DisplayName = "Hostile",
            Owner = "NET/PO1",
        };
        File.WriteAllBytes(Path.Combine(sites.ServerInbox, "20260115T090000000-a.dsm"), await MessageAsync(sites.Requestor.Info, Update("NET/PO1", "NET/HUB"), [record]));

        var received = await new DirSyncServer(sites.Server, sites.Time).ReceiveAsync();
        var sent = await new DirSyncServer(sites.Server, sites.Time).SendAsync();

        Assert.Equal(1, received.Messages + received.Rejected);
        Assert.Equal(received.Messages, sent.Messages);
        AssertNothingNamed(sites.Folder.Path);
    }

    // ---- drop folders -------------------------------------------------------------------------

    [Fact]
    public void Claim_SymbolicLinkToAFileOutside_RenamesTheLinkItself()
    {
        using var inbox = new TempFolder();
        var target = _outside.File("target.dsm");
        File.WriteAllText(target, "outside");
        File.CreateSymbolicLink(inbox.File("a.dsm"), target);
        var folder = new DropFolder(inbox.Path);

        var claimed = Assert.Single(folder.Claim());

        Assert.Equal(("a.dsm", Path.Combine(inbox.Path, "processing", "a.dsm")), (claimed.Name, claimed.Path));
        Assert.Equal(target, new FileInfo(claimed.Path).LinkTarget);
        Assert.Equal(["target.dsm"], Names(_outside.Path));
        Assert.Equal("outside", File.ReadAllText(target));
    }

    [Fact]
    public void RejectAndComplete_ClaimedSymbolicLink_MoveOrRemoveTheLinkNotItsTarget()
    {
        using var inbox = new TempFolder();
        var target = _outside.File("target.dsm");
        File.WriteAllText(target, "outside");
        File.CreateSymbolicLink(inbox.File("a.dsm"), target);
        File.CreateSymbolicLink(inbox.File("b.dsm"), target);
        var folder = new DropFolder(inbox.Path);
        var claimed = folder.Claim().ToList();

        folder.Reject(claimed[0], "refused");
        DropFolder.Complete(claimed[1]);

        Assert.Equal(target, new FileInfo(inbox.File("rejected/a.dsm")).LinkTarget);
        Assert.Equal("refused" + Environment.NewLine, File.ReadAllText(inbox.File("rejected/a.dsm.reason.txt")));
        Assert.Empty(Names(inbox.File("processing")));
        Assert.Equal(["target.dsm"], Names(_outside.Path));
        Assert.Equal("outside", File.ReadAllText(target));
    }

    [Fact]
    public void Claim_FolderNamedLikeAMessage_IsLeftAloneAndALinkToAFolderIsClaimedAsItself()
    {
        using var inbox = new TempFolder();
        Directory.CreateDirectory(inbox.File("x.dsm"));
        Directory.CreateSymbolicLink(inbox.File("y.dsm"), _outside.Path);

        var claimed = new DropFolder(inbox.Path).Claim().ToList();

        // The link is claimed (and then refused with 124 like every link, see HostileInputTests); the folder it points at is not touched.
        Assert.Equal([new ClaimedMessage("y.dsm", inbox.File("processing/y.dsm"))], claimed);
        Assert.True(Directory.Exists(inbox.File("x.dsm")));
        Assert.Equal(_outside.Path, new DirectoryInfo(inbox.File("processing/y.dsm")).LinkTarget);
        Assert.False(Path.Exists(inbox.File("y.dsm")));
        Assert.Equal(0, new DropFolder(inbox.Path).Waiting());
    }

    [Fact]
    public void Reject_ReasonFileIsALinkToAFileOutside_ReplacesTheLinkAndLeavesTheFile()
    {
        // A sender who can write to the drop folder could make rejected/ and plant a link where the note goes.
        using var inbox = new TempFolder();
        var victim = _outside.File("victim.txt");
        File.WriteAllText(victim, "precious");
        Directory.CreateDirectory(inbox.File("rejected"));
        File.CreateSymbolicLink(inbox.File("rejected/a.dsm.reason.txt"), victim);
        File.WriteAllText(inbox.File("a.dsm"), "not a message");
        var folder = new DropFolder(inbox.Path);

        folder.Reject(Assert.Single(folder.Claim()), "refused");

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Null(new FileInfo(inbox.File("rejected/a.dsm.reason.txt")).LinkTarget);
        Assert.Equal("refused" + Environment.NewLine, File.ReadAllText(inbox.File("rejected/a.dsm.reason.txt")));
    }

    [Theory]
    [InlineData("processing")]
    [InlineData("rejected")]
    public void ClaimAndReject_SubfolderIsALinkOutside_AreRefusedAndWriteNothingThere(string subfolder)
    {
        using var inbox = new TempFolder();
        Directory.CreateSymbolicLink(inbox.File(subfolder), _outside.Path);
        File.WriteAllText(inbox.File("a.dsm"), "not a message");
        var folder = new DropFolder(inbox.Path);

        var error = Assert.Throws<DirSyncException>(() =>
        {
            foreach (var claimed in folder.Claim())
            {
                folder.Reject(claimed, "refused");
            }
        });

        Assert.Equal(
            $"'{inbox.File(subfolder)}' in the drop folder is a symbolic link, not a folder; DirSync never writes through a link, so remove it (the next run makes the folder)",
            error.Message);
        Assert.Equal(ErrorCategory.FileSystem, error.Category);
        Assert.Empty(Names(_outside.Path));
    }

    [Fact]
    public void Claim_FileWhereProcessingShouldBe_IsRefusedWithItsName()
    {
        using var inbox = new TempFolder();
        File.WriteAllText(inbox.File("processing"), "in the way");
        File.WriteAllText(inbox.File("a.dsm"), "not a message");

        var error = Assert.Throws<DirSyncException>(() => new DropFolder(inbox.Path).Claim().ToList());

        Assert.Equal($"'{inbox.File("processing")}' in the drop folder is a file, not a folder; remove it (the next run makes the folder)", error.Message);
        Assert.True(File.Exists(inbox.File("a.dsm")));
    }

    [Fact]
    public async Task ReceiveAsync_LinksInTheInbox_AreRejectedAndTheirTargetsUntouched()
    {
        await using var sites = await HubSites.CreateAsync();

        // A valid message from the registered requestor, but outside the inbox and reached through a link;
        // and a link that leads nowhere, which used to stop the whole inbox at every run.
        var target = _outside.File("message.dsm");
        var bytes = await MessageAsync(sites.Requestor.Info, Update("NET/PO1", "NET/HUB"), []);
        File.WriteAllBytes(target, bytes);
        File.CreateSymbolicLink(Path.Combine(sites.ServerInbox, "20260115T090000000-a.dsm"), target);
        File.CreateSymbolicLink(Path.Combine(sites.ServerInbox, "20260115T090000000-b.dsm"), _outside.File("nowhere.dsm"));

        var report = await new DirSyncServer(sites.Server, sites.Time).ReceiveAsync();

        Assert.Equal((0, 2), (report.Messages, report.Rejected));
        Assert.Equal(
            [
                "20260115T090000000-a.dsm", "20260115T090000000-a.dsm.reason.txt",
                "20260115T090000000-b.dsm", "20260115T090000000-b.dsm.reason.txt",
            ],
            Names(Path.Combine(sites.ServerInbox, "rejected")));
        Assert.Equal(
            new[] { "a", "b" }.Select(m => (124, $"124: invalid Dir-Sync message: 20260115T090000000-{m}.dsm: the message is a symbolic link; DirSync reads message files themselves, never through a link (message 20260115T090000000-{m}.dsm moved to rejected/)")),
            await HubSites.EventsAsync(sites.Server, 124));
        Assert.Equal(["message.dsm"], Names(_outside.Path));
        Assert.Equal(bytes, File.ReadAllBytes(target));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static HubMessage Update(string from, string to) =>
        new(MessageKind.RequestorUpdate, Guid.NewGuid(), from, to, 1, 0, 0, 0, 0, 1, false, false, false, null);

    private static async Task<byte[]> MessageAsync(StoreInfo sender, HubMessage message, IReadOnlyList<ChangeRecord> records)
    {
        var stream = new MemoryStream();
        await MessageFile.WriteAsync(stream, sender, message, ChangeSetMode.Incremental, records.ToAsyncEnumerable(), HubKey.Derive("NET/PO1", HubSites.Password), DateTimeOffset.UnixEpoch);
        return stream.ToArray();
    }

    private static async Task<Exception?> Outcome(Func<Task> work)
    {
        try
        {
            await work();
            return null;
        }
        catch (DirSyncException e)
        {
            return e;
        }
    }

    /// <summary>No entry holding the marker in <paramref name="folder"/> (at any depth), in a folder above it, or in the current folder.</summary>
    private void AssertNothingNamed(string folder)
    {
        var found = Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).ToList();
        for (var above = Directory.GetParent(folder); above is not null; above = above.Parent)
        {
            found.AddRange(Directory.EnumerateFileSystemEntries(above.FullName));
        }

        found.AddRange(Directory.EnumerateFileSystemEntries(Environment.CurrentDirectory));
        found.AddRange(Directory.EnumerateFileSystemEntries(_outside.Path, "*", SearchOption.AllDirectories));
        Assert.DoesNotContain(found, entry => entry.Contains(_marker, StringComparison.Ordinal));
    }

    private static List<string> TopLevelFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder).Select(f => Path.GetFileName(f)!).Where(f => !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static List<string> Names(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];
}
