using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync run</c>: every bad input ends in one line on stderr, its exit code, and an unchanged store.</summary>
public sealed class RunCommandTests
{
    private const int InvalidValue = 3;
    private const int NotFound = 4;
    private const int Format = 8;
    private const int Sync = 9;
    private const int FileSystem = 11;

    [Fact]
    public async Task Run_ImportFileMissing_ExitsWithFileSystemError()
    {
        using var sites = await CliSites.CreateAsync();

        await sites.FailsAsync(
            sites.Server2,
            FileSystem,
            $"the import file '{sites.Sync1}' of instance 'INSTANCE2' does not exist; copy the source's export file there (or point the instance elsewhere with 'dirsync instance set INSTANCE2 --import-file <path>')",
            "run", "INSTANCE2");
    }

    [Fact]
    public async Task Run_TruncatedFile_ExitsWithFormatError()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server1, "mailbox", "add", "Mailbox14");
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        var (body, _) = ChangeSetFile.SplitTrailer(await File.ReadAllBytesAsync(sites.Sync1));
        await File.WriteAllTextAsync(sites.Sync1, body);

        await sites.FailsAsync(
            sites.Server2,
            Format,
            $"{sites.Sync1}: the file ends without its end marker: it was cut short or is still being written",
            "run", "INSTANCE2");
    }

    [Fact]
    public async Task Run_EditedFile_ExitsWithFormatError()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server1, "mailbox", "set", "Mailbox12", "--display-name", "Mailbox Twelve");
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        var bytes = await File.ReadAllBytesAsync(sites.Sync1);
        await File.WriteAllTextAsync(sites.Sync1, Encoding.UTF8.GetString(bytes).Replace("Mailbox Twelve", "Mailbox 12 hacked", StringComparison.Ordinal));

        await sites.FailsAsync(
            sites.Server2,
            Format,
            $"{sites.Sync1}:{ChangeSetFile.LineOf(bytes, "# dirsync-end:")}: the integrity check failed: the file was edited or damaged after it was exported",
            "run", "INSTANCE2");
    }

    [Fact]
    public async Task Run_ForeignFormatFile_ExitsWithFormatError()
    {
        using var sites = await CliSites.CreateAsync();
        await File.WriteAllTextAsync(sites.Sync1, "Obj-Class,Common-Name,Display-Name\r\nMailbox,Mailbox11,Mailbox 11\r\n");

        await sites.FailsAsync(
            sites.Server2,
            Format,
            $"{sites.Sync1}:1:1: neither an LDIF nor an EDK DIRSYNC change set: the line starts with 'Obj-Class,Common-Name,Display-Name'",
            "run", "INSTANCE2");
    }

    [Fact]
    public async Task Run_OriginalDirSyncFileWithoutHeader_ExitsWithFormatError()
    {
        using var sites = await CliSites.CreateAsync();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "EdkDirSync", "sample.dirsync"), sites.Sync1);

        await sites.FailsAsync(
            sites.Server2,
            Format,
            $"{sites.Sync1}:3: not a DirSync change set: the header line 'dirsync-changeset' is missing (a file exported by 'dirsync run <instance>' starts with it)",
            "run", "INSTANCE2");
    }

    [Fact]
    public async Task Run_FileFromAnUnexpectedSource_ExitsWithSyncError()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        var server3 = sites.Folder.File("server3.db");
        await sites.OkAsync(server3, "init", "--org", "Testorg", "--site", "Site3", "--server", "Server3");
        await sites.OkAsync(server3, "mailbox", "add", "Mailbox31");
        await sites.OkAsync(server3, "instance", "set", "INSTANCE5", "--export", "--file", "SYNC1");
        await sites.OkAsync(server3, "run", "INSTANCE5");
        var header = ChangeSetFile.Read(sites.Sync1).Header;
        Guid server1Identity;
        await using (var server1 = await TestStores.OpenAsync(sites.Server1))
        {
            server1Identity = server1.Info.Identity;
        }

        await sites.FailsAsync(
            sites.Server2,
            Sync,
            $"instance 'INSTANCE2' imports from Testorg/Site1/Server1 (instance INSTANCE1, store {server1Identity}), but '{sites.Sync1}' comes from Testorg/Site3/Server3 (instance INSTANCE5, store {header.Source.Identity}); if that is a replacement for the old source, run 'dirsync run INSTANCE2 --accept-new-source'",
            "run", "INSTANCE2");
    }

    [Fact]
    public async Task Run_DryRunTheDeleteGuardWouldStop_PrintsThePlanAndExitsWithGuardError()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        foreach (var n in new[] { 11, 12, 13 })
        {
            await sites.OkAsync(sites.Server1, "mailbox", "remove", $"Mailbox{n}");
        }

        await sites.OkAsync(sites.Server1, "run", "INSTANCE1", "--full");
        var before = await SyncSnapshot.TakeAsync(sites.Server2);

        var result = await sites.RunAsync(sites.Server2, "run", "INSTANCE2", "--dry-run");

        Assert.Equal(10, result.ExitCode);
        Assert.Equal(
            "  delete    Mailbox11                absent from the full change set\n"
            + "  delete    Mailbox12                absent from the full change set\n"
            + "  delete    Mailbox13                absent from the full change set\n"
            + "INSTANCE2: would import change set 2 (full) from Testorg/Site1/Server1: 0 added, 0 modified, 3 deleted, 0 unchanged\n"
            + "  note: a real run would stop here: the full change set from Testorg/Site1/Server1 holds no entries, but 3 recipients here came from it: that looks like a broken source, not a request to delete them all; nothing was applied. If Testorg/Site1/Server1 really has none left, run again with 'dirsync run INSTANCE2 --allow-deletes 3'\n"
            + "Dry run: nothing was changed.\n",
            result.Out.ReplaceLineEndings("\n"));
        Assert.Equal(
            "dirsync: a real run would be stopped: the full change set from Testorg/Site1/Server1 holds no entries, but 3 recipients here came from it: that looks like a broken source, not a request to delete them all; nothing was applied. If Testorg/Site1/Server1 really has none left, run again with 'dirsync run INSTANCE2 --allow-deletes 3'\n",
            result.Error.ReplaceLineEndings("\n"));
        Assert.Equal(before, await SyncSnapshot.TakeAsync(sites.Server2));
        await sites.OkAsync(sites.Server2, "run", "INSTANCE2", "--dry-run", "--allow-deletes", "3");
    }

    [Fact]
    public async Task Run_UnknownInstance_ExitsWithNotFound()
    {
        using var sites = await CliSites.CreateAsync();

        await sites.FailsAsync(sites.Server1, NotFound, "instance 'INSTANCE9' does not exist; see 'dirsync instance list'", "run", "INSTANCE9");
    }

    [Fact]
    public async Task Run_ExportOnlyInstanceAskedToImport_ExitsWithInvalidValue()
    {
        using var sites = await CliSites.CreateAsync();

        await sites.FailsAsync(
            sites.Server1,
            InvalidValue,
            "instance 'INSTANCE1' is an export instance and cannot import; make it do both with 'dirsync instance set INSTANCE1 --both --export-file <path> --import-file <path>'",
            "run", "INSTANCE1", "--import");
    }

    [Fact]
    public async Task Run_ImportOnlyInstanceAskedToExport_ExitsWithInvalidValue()
    {
        using var sites = await CliSites.CreateAsync();

        await sites.FailsAsync(
            sites.Server2,
            InvalidValue,
            "instance 'INSTANCE2' is an import instance and cannot export; make it do both with 'dirsync instance set INSTANCE2 --both --export-file <path> --import-file <path>'",
            "run", "INSTANCE2", "--export", "--full");
    }

    [Fact]
    public async Task Run_ExportAndImportFlagsTogether_IsAUsageError()
    {
        using var sites = await CliSites.CreateAsync();

        await sites.FailsAsync(
            sites.Server1,
            2,
            "give --export or --import, not both (without either, the instance does what it is set to do) (see 'dirsync run --help')",
            "run", "INSTANCE1", "--export", "--import");
    }

    [Fact]
    public async Task Run_MissingChangeSet_ExitsWithSyncErrorNamingTheRecovery()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");

        await sites.FailsAsync(
            sites.Server2,
            Sync,
            $"'{sites.Sync1}' holds change set 3 from Testorg/Site1/Server1 but the last one applied here is 1: change set 2 is missing; run 'dirsync run INSTANCE1 --full' at Testorg/Site1/Server1 and import that file",
            "run", "INSTANCE2");

        // The recovery the message names.
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1", "--full");
        Assert.Equal(
            SyncJson.Import("INSTANCE2", "full", sites.Sync1, 4, 0, 0, 0, 3, "Testorg/Site1/Server1"),
            SyncJson.Canonical((await sites.OkAsync(sites.Server2, "run", "INSTANCE2", "--json")).Out));
    }

    [Fact]
    public async Task Run_FileFromThisStore_ExitsWithSyncError()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server1, "instance", "set", "INSTANCE9", "--import", "--file", "SYNC1");

        await sites.FailsAsync(
            sites.Server1,
            Sync,
            $"'{sites.Sync1}' was exported by this store itself (instance INSTANCE1); import it on the other server",
            "run", "INSTANCE9");
    }

    [Fact]
    public async Task Run_TombstonesPurgedSinceTheLastExport_ExitsWithSyncErrorNamingFull()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server1, "mailbox", "remove", "Mailbox11");

        // The store keeps times to the millisecond and purges tombstones strictly older than the cut-off.
        await Task.Delay(20);
        await sites.OkAsync(sites.Server1, "tombstones", "purge", "--older-than", "0");
        var before = await File.ReadAllBytesAsync(sites.Sync1);

        await sites.FailsAsync(
            sites.Server1,
            Sync,
            "tombstones up to USN 4 were purged after instance 'INSTANCE1' last exported (USN 3), so deletes since then cannot be seen; run 'dirsync run INSTANCE1 --full'",
            "run", "INSTANCE1");
        Assert.Equal(before, await File.ReadAllBytesAsync(sites.Sync1));

        // The full export and its import reconcile the delete the tombstone can no longer tell.
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1", "--full");
        Assert.Equal(
            SyncJson.Import("INSTANCE2", "full", sites.Sync1, 2, 0, 0, 1, 2, "Testorg/Site1/Server1"),
            SyncJson.Canonical((await sites.OkAsync(sites.Server2, "run", "INSTANCE2", "--json")).Out));
    }

    [Fact]
    public async Task Run_ExportFolderMissing_ExitsWithFileSystemError()
    {
        using var sites = await CliSites.CreateAsync();
        var folder = sites.Folder.File("out");
        await sites.OkAsync(sites.Server1, "instance", "set", "INSTANCE1", "--file", Path.Combine("out", "SYNC1"));

        await sites.FailsAsync(
            sites.Server1,
            FileSystem,
            $"cannot write '{Path.Combine(folder, "SYNC1")}': the folder '{folder}' does not exist",
            "run", "INSTANCE1");
    }

    [Fact]
    public async Task Run_AcceptNewSource_RelinksTheRecipientsTheNewServerHasAndKeepsTheirLists()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server2, "dl", "add", "Local1", "--member", "Mailbox12", "--member", "Mailbox21");
        var before = await RecipientAsync(sites, sites.Server2, "Mailbox12");
        var replacement = sites.Folder.File("server1b.db");
        await sites.OkAsync(replacement, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1b");
        await sites.OkAsync(replacement, "mailbox", "add", "Mailbox12", "--display-name", "Mailbox 12 (new)");
        await sites.OkAsync(replacement, "mailbox", "add", "Mailbox15", "--display-name", "Mailbox 15");
        await sites.OkAsync(replacement, "instance", "set", "INSTANCE1", "--export", "--file", "SYNC1", "--attributes", "Common-Name,Display-Name");
        await sites.OkAsync(replacement, "run", "INSTANCE1", "--full");

        var result = await sites.OkAsync(sites.Server2, "run", "INSTANCE2", "--accept-new-source", "--json");

        // A rebuilt server has new anchors: what it still has (by alias) is re-linked and stays the same recipient here,
        // what it lacks is deleted, what it has anew is added.
        Assert.Equal(
            SyncJson.Import(
                "INSTANCE2", "full", sites.Sync1, 1, 1, 1, 2, 0, "Testorg/Site1/Server1b",
                notes: ["instance 'INSTANCE2' now imports from Testorg/Site1/Server1b (INSTANCE1) instead of Testorg/Site1/Server1 (INSTANCE1); 3 recipients imported from the old source were taken over, 1 of them re-linked by alias to the new source's objects"]),
            SyncJson.Canonical(result.Out));
        Assert.Equal(
        [
            "Local1 | Local1 | distribution-list | - | local",
            "Mailbox12 | Mailbox 12 (new) | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | Testorg/Site1/Server1b (INSTANCE1)",
            "Mailbox15 | Mailbox 15 | custom-recipient | EDK:Mailbox15@Site1.Testorg.com | Testorg/Site1/Server1b (INSTANCE1)",
            "Mailbox21 | Mailbox 21 | mailbox | - | local",
        ],
            SyncJson.Recipients((await sites.OkAsync(sites.Server2, "recipients", "list", "--json")).Out));
        var after = await RecipientAsync(sites, sites.Server2, "Mailbox12");
        Assert.Equal(before.GetProperty("guid").GetString(), after.GetProperty("guid").GetString());
        var list = await RecipientAsync(sites, sites.Server2, "Local1");
        Assert.Equal(["Mailbox12", "Mailbox21"], list.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal));
    }

    private static async Task<System.Text.Json.JsonElement> RecipientAsync(CliSites sites, string store, string alias) =>
        CliJson.Parse((await sites.OkAsync(store, "recipients", "show", alias, "--json")).Out);

    [Fact]
    public async Task Run_DryRunAsJson_ReportsWhatWouldHappenAndChangesNothing()
    {
        using var sites = await CliSites.CreateAsync();
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        var before = await SyncSnapshot.TakeAsync(sites.Server2);

        var import = await sites.OkAsync(sites.Server2, "run", "INSTANCE2", "--dry-run", "--json");
        var export = await sites.OkAsync(sites.Server1, "run", "INSTANCE1", "--dry-run", "--json");

        Assert.Equal(SyncJson.Import("INSTANCE2", "full", sites.Sync1, 1, 3, 0, 0, 0, "Testorg/Site1/Server1", dryRun: true), SyncJson.Canonical(import.Out));
        Assert.Equal(SyncJson.Export("INSTANCE1", "incremental", sites.Sync1, 2, 0, 0, 0, 0, 3, 3, dryRun: true), SyncJson.Canonical(export.Out));
        Assert.Equal(before, await SyncSnapshot.TakeAsync(sites.Server2));
        Assert.Equal(1, ChangeSetFile.Read(sites.Sync1).Header.Sequence);
    }

    [Fact]
    public async Task Run_InstanceThatDoesBoth_ReportsEachHalfInJson()
    {
        using var sites = await CliSites.CreateSyncedAsync();
        await sites.OkAsync(sites.Server2, "instance", "set", "INSTANCE2", "--both", "--export-file", "SYNC2");
        await sites.OkAsync(sites.Server1, "mailbox", "add", "Mailbox14", "--display-name", "Mailbox 14");
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        var sync2 = sites.Folder.File("SYNC2");

        var result = await sites.OkAsync(sites.Server2, "run", "INSTANCE2", "--json");

        // The top level describes the import; both halves are given whole below it.
        const string Source = "Testorg/Site1/Server1";
        var expected = System.Text.Json.JsonSerializer.Serialize(new
        {
            instance = "INSTANCE2",
            direction = "both",
            mode = "incremental",
            file = sites.Sync1,
            sequence = 2,
            added = 1,
            modified = 0,
            deleted = 0,
            unchanged = 0,
            source = Source,
            alreadyApplied = false,
            dryRun = false,
            notes = Array.Empty<string>(),
            export = new { mode = "full", file = sync2, sequence = 1, added = 1, modified = 0, deleted = 0, unchanged = 3, usnFrom = 0, usnTo = 4, dryRun = false },
            import = new { mode = "incremental", file = sites.Sync1, sequence = 2, added = 1, modified = 0, deleted = 0, unchanged = 0, source = Source, alreadyApplied = false, dryRun = false, notes = Array.Empty<string>() },
        });
        Assert.Equal(
            expected,
            SyncJson.Canonical(result.Out));
    }
}
