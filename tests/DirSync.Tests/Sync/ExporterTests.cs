using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Sync;

public sealed class ExporterTests : IAsyncLifetime
{
    private static readonly AttributeDefinition Title = AttributeCatalog.Get("title");
    private static readonly AttributeDefinition OtherTelephone = AttributeCatalog.Get("otherTelephone");
    private static readonly AttributeDefinition Department = AttributeCatalog.Get("department");

    private TwoServers _servers = null!;

    private Core.Storage.IDirectoryStore Server1 => _servers.Server1;

    public async ValueTask InitializeAsync()
    {
        _servers = await TwoServers.CreateAsync();
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges { Direction = InstanceDirection.Export, File = _servers.Sync1, Attributes = ["Common-Name", "Display-Name"] });
    }

    public async ValueTask DisposeAsync() => await _servers.DisposeAsync();

    private Task<ExportResult> ExportAsync(bool full = false, bool dryRun = false) => _servers.ExportAsync(Server1, "INSTANCE1", full, dryRun);

    private Task<DirectoryObject> AddMailboxAsync(string alias, Action<RecipientChanges>? more = null) =>
        _servers.AddMailboxAsync(Server1, alias, alias.Replace("Mailbox", "Mailbox ", StringComparison.Ordinal), more);

    /// <summary>The records of SYNC1 as <c>kind alias anchor</c>.</summary>
    private List<string> Records() =>
        ChangeSetFile.Read(_servers.Sync1).Records.Select(r => $"{r.Kind} {r.Alias} {r.Anchor}").ToList();

    private ChangeSetHeader Header() => ChangeSetFile.Read(_servers.Sync1).Header;

    [Fact]
    public async Task Export_FirstRun_WritesAFullChangeSetOfAddsAndSavesTheWatermark()
    {
        var m11 = await AddMailboxAsync("Mailbox11");
        var m12 = await AddMailboxAsync("Mailbox12");
        var m13 = await AddMailboxAsync("Mailbox13");
        _servers.Time.Advance(TimeSpan.FromMinutes(3));

        var result = await ExportAsync();

        Assert.Equal(new ExportResult(ChangeSetMode.Full, _servers.Sync1, 1, 0, 3, 3, 0, 0, 0, false), result);
        var (format, header, records, trailer) = ChangeSetFile.Read(_servers.Sync1);
        Assert.Equal(ChangeSetFormat.Ldif, format);
        Assert.Equal(Server1.Info.Identity, header.Source.Identity);
        Assert.Equal(("Testorg", "Site1", "Server1", "INSTANCE1"), (header.Source.Organization, header.Source.Site, header.Source.Server, header.Instance));
        Assert.Equal((ChangeSetMode.Full, 1L, 0L, 3L), (header.Mode, header.Sequence, header.UsnFrom, header.UsnTo));
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 9, 3, 0, TimeSpan.Zero), header.Created);
        Assert.Empty(header.Attributes);
        Assert.Equal(3, trailer.Records);
        Assert.Equal(
        [
            $"Add {m11.Guid} cn=\"Mailbox11\" in Recipients class=mailbox displayName=\"Mailbox 11\" proxies=[EDK:Mailbox11@Site1.Testorg.com, SMTP:Mailbox11@Site1.Testorg.com] target=-",
            $"Add {m12.Guid} cn=\"Mailbox12\" in Recipients class=mailbox displayName=\"Mailbox 12\" proxies=[EDK:Mailbox12@Site1.Testorg.com, SMTP:Mailbox12@Site1.Testorg.com] target=-",
            $"Add {m13.Guid} cn=\"Mailbox13\" in Recipients class=mailbox displayName=\"Mailbox 13\" proxies=[EDK:Mailbox13@Site1.Testorg.com, SMTP:Mailbox13@Site1.Testorg.com] target=-",
        ],
            records.Select(ChangeSetFile.Describe));

        var state = (await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State;
        Assert.Equal(
            new InstanceState { LastUsn = 3, LastSequence = 1, WatermarkIdentity = Server1.Info.Identity, LastExport = header.Created },
            state);
    }

    [Fact]
    public async Task Export_Incremental_ClassifiesEachChangeAgainstTheWatermark()
    {
        var m11 = await AddMailboxAsync("Mailbox11");                       // USN 1
        var m12 = await AddMailboxAsync("Mailbox12");                       // USN 2: created exactly at the watermark
        await ExportAsync();                                                // watermark 2
        var m13 = await AddMailboxAsync("Mailbox13");                       // USN 3: created just after it
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");  // USN 4
        var m14 = await AddMailboxAsync("Mailbox14");                       // USN 5
        await TwoServers.SetAsync(Server1, "Mailbox14", c => c.DisplayName = "Mailbox Fourteen"); // USN 6
        await TwoServers.RemoveAsync(Server1, "Mailbox11");                 // USN 7
        await AddMailboxAsync("Mailbox15");                                 // USN 8
        await TwoServers.RemoveAsync(Server1, "Mailbox15");                 // USN 9: never seen by the other side

        var result = await ExportAsync();

        Assert.Equal(new ExportResult(ChangeSetMode.Incremental, _servers.Sync1, 2, 2, 9, 2, 1, 1, 1, false), result);
        Assert.Equal(
        [
            $"Add {m13.Guid} cn=\"Mailbox13\" in Recipients class=mailbox displayName=\"Mailbox 13\" proxies=[EDK:Mailbox13@Site1.Testorg.com, SMTP:Mailbox13@Site1.Testorg.com] target=-",
            $"Modify {m12.Guid} cn=\"Mailbox12\" in Recipients class=- displayName=\"Mailbox Twelve\" proxies=[EDK:Mailbox12@Site1.Testorg.com, SMTP:Mailbox12@Site1.Testorg.com] target=-",
            $"Add {m14.Guid} cn=\"Mailbox14\" in Recipients class=mailbox displayName=\"Mailbox Fourteen\" proxies=[EDK:Mailbox14@Site1.Testorg.com, SMTP:Mailbox14@Site1.Testorg.com] target=-",
            $"Delete {m11.Guid} cn=\"Mailbox11\" in Recipients class=- displayName=null proxies=[] target=-",
        ],
            ChangeSetFile.Read(_servers.Sync1).Records.Select(ChangeSetFile.Describe));
        Assert.Equal((ChangeSetMode.Incremental, 2L, 2L, 9L), (Header().Mode, Header().Sequence, Header().UsnFrom, Header().UsnTo));
    }

    [Fact]
    public async Task Export_ObjectChangedAtTheWatermark_IsNotExportedAgain()
    {
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();

        var result = await ExportAsync();

        // Nothing after USN 2: an empty incremental change set that still takes the next number.
        Assert.Equal(new ExportResult(ChangeSetMode.Incremental, _servers.Sync1, 2, 2, 2, 0, 0, 0, 0, false), result);
        Assert.Empty(Records());
        Assert.Equal(2, (await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State.LastSequence);
    }

    [Fact]
    public async Task Export_ObjectModifiedTwice_WritesOneModifyWithTheLatestValues()
    {
        var m11 = await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await TwoServers.SetAsync(Server1, "Mailbox11", c => c.DisplayName = "First rename");
        await TwoServers.SetAsync(Server1, "Mailbox11", c => c.DisplayName = "Second rename");

        var result = await ExportAsync();

        Assert.Equal((0L, 1L, 0L), (result.Added, result.Modified, result.Deleted));
        var record = Assert.Single(ChangeSetFile.Read(_servers.Sync1).Records);
        Assert.Equal((ChangeKind.Modify, m11.Guid, "Second rename"), (record.Kind, record.Anchor, record.DisplayName));
    }

    [Fact]
    public async Task Export_CreatedAndDeletedSinceTheWatermark_WritesNothing()
    {
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await AddMailboxAsync("Mailbox12");
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Short-lived");
        await TwoServers.RemoveAsync(Server1, "Mailbox12");

        var result = await ExportAsync();

        Assert.Equal(new ExportResult(ChangeSetMode.Incremental, _servers.Sync1, 2, 1, 4, 0, 0, 0, 1, false), result);
        Assert.Empty(Records());
    }

    [Fact]
    public async Task Export_FullAfterIncrementals_WritesOnlyLiveObjectsAsAddsWithTheNextSequence()
    {
        var m11 = await AddMailboxAsync("Mailbox11");
        var m12 = await AddMailboxAsync("Mailbox12");
        await ExportAsync();
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        await ExportAsync();
        var m13 = await AddMailboxAsync("Mailbox13");
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");

        var result = await ExportAsync(full: true);

        Assert.Equal(new ExportResult(ChangeSetMode.Full, _servers.Sync1, 3, 0, 5, 2, 0, 0, 0, false), result);
        Assert.Equal([$"Add Mailbox12 {m12.Guid}", $"Add Mailbox13 {m13.Guid}"], Records());
        Assert.DoesNotContain(Records(), r => r.Contains(m11.Guid.ToString(), StringComparison.Ordinal));
        Assert.Equal((5L, 3L), ((await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State.LastUsn, (await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State.LastSequence));
    }

    [Fact]
    public async Task Export_ExportList_CarriesOnlyTheListedAttributes()
    {
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges { Attributes = ["Title", "Telephone-Office2"] });
        await AddMailboxAsync("Mailbox11", c =>
        {
            c.Attributes[Title] = ["Manager"];
            c.Attributes[Department] = ["Sales"];
            c.Attributes[OtherTelephone] = ["+1 555 0101", "+1 555 0102"];
        });

        await ExportAsync();

        var (_, header, records, _) = ChangeSetFile.Read(_servers.Sync1);
        Assert.Equal([Title, OtherTelephone], header.Attributes);
        var record = Assert.Single(records);
        Assert.Equal(
            ["title=[Manager]", "otherTelephone=[+1 555 0101, +1 555 0102]"],
            record.Attributes.Select(a => $"{a.Key.LdapName}=[{string.Join(", ", a.Value)}]"));
    }

    [Fact]
    public async Task Export_DefaultExportList_CarriesEveryDescriptiveAttribute()
    {
        await _servers.SetInstanceAsync(Server1, "INSTANCE2", new InstanceChanges { Direction = InstanceDirection.Export, File = _servers.Folder.File("ALL") });
        await AddMailboxAsync("Mailbox11", c =>
        {
            c.Attributes[Department] = ["Sales"];
            c.Attributes[AttributeCatalog.Get("extensionAttribute15")] = ["last one"];
        });

        await _servers.ExportAsync(Server1, "INSTANCE2");

        // The header's list is long enough to be folded in LDIF; it still reads back whole.
        var (_, header, records, _) = ChangeSetFile.Read(_servers.Folder.File("ALL"));
        Assert.Equal(InstanceSettings.DefaultExportAttributes, header.Attributes);
        Assert.Equal(["department=[Sales]", "extensionAttribute15=[last one]"], Assert.Single(records).Attributes.Select(a => $"{a.Key.LdapName}=[{string.Join(", ", a.Value)}]"));
    }

    [Fact]
    public async Task Export_ImportedObjects_AreNeverExportedBack()
    {
        await _servers.SetUpOneWayAsync(new InstanceChanges { Attributes = [] });
        await _servers.SetUpOtherWayAsync();
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        var m21 = await _servers.AddMailboxAsync(_servers.Server2, "Mailbox21", "Mailbox 21");
        await ExportAsync();
        await _servers.ImportAsync(_servers.Server2, "INSTANCE2");

        var full = await _servers.ExportAsync(_servers.Server2, "INSTANCE3");

        Assert.Equal((1L, 2L), (full.Added, full.Skipped));
        Assert.Equal([$"Add Mailbox21 {m21.Guid}"], ChangeSetFile.Read(_servers.Sync2).Records.Select(r => $"{r.Kind} {r.Alias} {r.Anchor}"));
        await _servers.ImportAsync(Server1, "INSTANCE4");

        // A change at Server1 reaches Server2 as a modify of the imported recipient, which stays there.
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        await ExportAsync();
        await _servers.ImportAsync(_servers.Server2, "INSTANCE2");
        var incremental = await _servers.ExportAsync(_servers.Server2, "INSTANCE3");

        Assert.Equal(new ExportResult(ChangeSetMode.Incremental, _servers.Sync2, 2, 3, 5, 0, 0, 0, 2, false), incremental);
        Assert.Empty(ChangeSetFile.Read(_servers.Sync2).Records);

        // Back at Server1 the imports brought Mailbox21 and nothing of Server1's own.
        var empty = await _servers.ImportAsync(Server1, "INSTANCE4");
        Assert.Equal((2L, 0L, 0L, 0L, 0L), (empty.Sequence, empty.Added, empty.Modified, empty.Deleted, empty.Unchanged));
        Assert.Equal(
        [
            "Mailbox12 | Mailbox Twelve | mailbox | - | local",
            "Mailbox21 | Mailbox 21 | custom-recipient | EDK:Mailbox21@Site2.Testorg.com | Testorg/Site2/Server2 (INSTANCE3)",
        ],
            await TwoServers.RecipientsAsync(Server1));
    }

    [Fact]
    public async Task Export_LocalCustomRecipientOfAnExportedClass_IsExported()
    {
        // It is the origin, not the class, that keeps imported recipients at home.
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges { Classes = ["mailbox", "custom-recipient"] });
        var joe = await _servers.AddAsync(Server1, ObjectClass.CustomRecipient, "Joe", "Joe Smith", c => c.TargetAddress = ProxyAddress.Parse("SMTP:joe@example.com"));

        var result = await ExportAsync();

        Assert.Equal((1L, 0L), (result.Added, result.Skipped));
        var record = Assert.Single(ChangeSetFile.Read(_servers.Sync1).Records);
        Assert.Equal((joe.Guid, ObjectClass.CustomRecipient, "SMTP:joe@example.com"), (record.Anchor, record.Class, record.TargetAddress?.ToString()));
    }

    [Fact]
    public async Task Export_ClassesNotListed_ArePassedOver()
    {
        await AddMailboxAsync("Mailbox11");
        await _servers.AddAsync(Server1, ObjectClass.CustomRecipient, "Joe", null, c => c.TargetAddress = ProxyAddress.Parse("SMTP:joe@example.com"));
        await _servers.AddAsync(Server1, ObjectClass.DistributionList, "Team", null, c => c.Members = ["Mailbox11"]);

        var result = await ExportAsync();

        Assert.Equal((1L, 2L), (result.Added, result.Skipped));
        Assert.Equal(["Add Mailbox11"], Records().Select(r => r[..r.LastIndexOf(' ')]));
    }

    [Fact]
    public async Task Export_SeveralContainersWithSubcontainers_WritesEachObjectOnce()
    {
        var admin = new DirectoryAdmin(Server1, _servers.Time);
        await admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
        await admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales/East"));
        await admin.AddContainerAsync(DirectoryPath.Parse("Other"));
        await admin.AddContainerAsync(DirectoryPath.Parse("Elsewhere"));
        await AddMailboxAsync("MailboxA");
        await AddMailboxAsync("MailboxB", c => c.Container = DirectoryPath.Parse("Recipients/Sales"));
        await AddMailboxAsync("MailboxC", c => c.Container = DirectoryPath.Parse("Recipients/Sales/East"));
        await AddMailboxAsync("MailboxD", c => c.Container = DirectoryPath.Parse("Other"));
        await AddMailboxAsync("MailboxE", c => c.Container = DirectoryPath.Parse("Elsewhere"));
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges
        {
            Containers = ["Recipients", "Recipients/Sales", "Other", "recipients"],
            IncludeSubcontainers = true,
        });

        var result = await ExportAsync();

        Assert.Equal((4L, 0L), (result.Added, result.Skipped));
        var records = ChangeSetFile.Read(_servers.Sync1).Records;
        Assert.Equal(
            ["MailboxA in Recipients", "MailboxB in Recipients/Sales", "MailboxC in Recipients/Sales/East", "MailboxD in Other"],
            records.Select(r => $"{r.Alias} in {r.Container}"));
    }

    [Fact]
    public async Task Export_SeveralContainersWithoutSubcontainers_LeavesTheDeeperOnesOut()
    {
        var admin = new DirectoryAdmin(Server1, _servers.Time);
        await admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
        await admin.AddContainerAsync(DirectoryPath.Parse("Other"));
        await AddMailboxAsync("MailboxA");
        await AddMailboxAsync("MailboxB", c => c.Container = DirectoryPath.Parse("Recipients/Sales"));
        await AddMailboxAsync("MailboxD", c => c.Container = DirectoryPath.Parse("Other"));
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges { Containers = ["Recipients", "Other"] });

        var full = await ExportAsync();

        Assert.Equal(["MailboxA", "MailboxD"], ChangeSetFile.Read(_servers.Sync1).Records.Select(r => r.Alias));
        Assert.Equal((2L, 0L), (full.Added, full.Skipped));

        // Incrementally, a change outside the containers is seen and passed over.
        await TwoServers.SetAsync(Server1, "MailboxB", c => c.DisplayName = "B renamed");
        await TwoServers.SetAsync(Server1, "MailboxD", c => c.DisplayName = "D renamed");
        var incremental = await ExportAsync();

        Assert.Equal((0L, 1L, 1L), (incremental.Added, incremental.Modified, incremental.Skipped));
        Assert.Equal(["MailboxD"], ChangeSetFile.Read(_servers.Sync1).Records.Select(r => r.Alias));
    }

    [Fact]
    public async Task Export_ObjectMovedOutOfTheContainers_IsPassedOverUntilAFullExportReconciles()
    {
        await _servers.SetInstanceAsync(_servers.Server2, "INSTANCE2", new InstanceChanges { Direction = InstanceDirection.Import, File = _servers.Sync1 });
        await new DirectoryAdmin(Server1, _servers.Time).AddContainerAsync(DirectoryPath.Parse("Hidden"));
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();
        await _servers.ImportAsync(_servers.Server2, "INSTANCE2");
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.Container = DirectoryPath.Parse("Hidden"));

        // A move out of scope is not a delete: the incremental passes it over and the other side keeps it.
        var incremental = await ExportAsync();
        await _servers.ImportAsync(_servers.Server2, "INSTANCE2");

        Assert.Equal((0L, 0L, 0L, 1L), (incremental.Added, incremental.Modified, incremental.Deleted, incremental.Skipped));
        Assert.Equal(2, (await TwoServers.RecipientsAsync(_servers.Server2)).Count);

        await ExportAsync(full: true);
        var reconciled = await _servers.ImportAsync(_servers.Server2, "INSTANCE2");

        Assert.Equal((ChangeSetMode.Full, 3L, 0L, 0L, 1L, 1L), (reconciled.Mode, reconciled.Sequence, reconciled.Added, reconciled.Modified, reconciled.Deleted, reconciled.Unchanged));
        Assert.Equal(["Mailbox11 | Mailbox 11 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | Testorg/Site1/Server1 (INSTANCE1)"], await TwoServers.RecipientsAsync(_servers.Server2));
    }

    [Fact]
    public async Task Export_WatermarkFromAnotherStore_RefusesIncrementalAndNamesTheFix()
    {
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        var before = await File.ReadAllBytesAsync(_servers.Sync1);
        var restoredFrom = Guid.Parse("11111111-2222-3333-4444-555555555555");
        await TwoServers.SetStateAsync(Server1, "INSTANCE1", s => s with { WatermarkIdentity = restoredFrom });

        var error = await TwoServers.RefusedAsync<DirSyncException>(Server1, () => ExportAsync());

        Assert.Equal(
            $"instance 'INSTANCE1' has a watermark (USN 1) taken from store {restoredFrom}, but this store is {Server1.Info.Identity} (restored or replaced?); USNs do not carry between stores — run 'dirsync run INSTANCE1 --full'",
            error.Message);
        Assert.Equal(ErrorCategory.Sync, error.Category);
        Assert.Equal(before, await File.ReadAllBytesAsync(_servers.Sync1));

        var full = await ExportAsync(full: true);
        Assert.Equal((ChangeSetMode.Full, 2L), (full.Mode, full.Sequence));
        Assert.Equal(Server1.Info.Identity, (await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State.WatermarkIdentity);
    }

    [Fact]
    public async Task Export_TombstonesPurgedAboveTheWatermark_RefusesIncrementalAndNamesTheFix()
    {
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();                                    // watermark 2
        await TwoServers.RemoveAsync(Server1, "Mailbox11");     // USN 3
        _servers.Time.Advance(TimeSpan.FromDays(61));
        await new DirectoryAdmin(Server1, _servers.Time).PurgeTombstonesAsync(TimeSpan.FromDays(60));
        var before = await File.ReadAllBytesAsync(_servers.Sync1);

        var error = await TwoServers.RefusedAsync<DirSyncException>(Server1, () => ExportAsync());

        Assert.Equal(
            "tombstones up to USN 3 were purged after instance 'INSTANCE1' last exported (USN 2), so deletes since then cannot be seen; run 'dirsync run INSTANCE1 --full'",
            error.Message);
        Assert.Equal(ErrorCategory.Sync, error.Category);
        Assert.Equal(before, await File.ReadAllBytesAsync(_servers.Sync1));

        var full = await ExportAsync(full: true);
        Assert.Equal((ChangeSetMode.Full, 2L, 3L), (full.Mode, full.Sequence, full.UsnTo));
        Assert.Equal(["Add Mailbox12"], Records().Select(r => r[..r.LastIndexOf(' ')]));
    }

    [Fact]
    public async Task Export_TombstonesPurgedAtOrBelowTheWatermark_StillExportsIncrementally()
    {
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();
        await TwoServers.RemoveAsync(Server1, "Mailbox11");     // USN 3
        await ExportAsync();                                    // watermark 3: the delete went out
        _servers.Time.Advance(TimeSpan.FromDays(61));
        await new DirectoryAdmin(Server1, _servers.Time).PurgeTombstonesAsync(TimeSpan.FromDays(60));
        Assert.Equal(3, await Server1.GetPurgedThroughUsnAsync());
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");

        var result = await ExportAsync();

        Assert.Equal(new ExportResult(ChangeSetMode.Incremental, _servers.Sync1, 3, 3, 4, 0, 1, 0, 0, false), result);
    }

    [Fact]
    public async Task Export_DryRun_WritesNoFileAndKeepsTheState()
    {
        await AddMailboxAsync("Mailbox11");
        var before = await SyncSnapshot.TakeAsync(Server1);

        var result = await ExportAsync(dryRun: true);

        Assert.Equal(new ExportResult(ChangeSetMode.Full, _servers.Sync1, 1, 0, 1, 1, 0, 0, 0, true), result);
        Assert.False(File.Exists(_servers.Sync1));
        Assert.Equal(before, await SyncSnapshot.TakeAsync(Server1));
        Assert.Equal(["server1.db", "server2.db"], StoreFilesAndExports());
    }

    [Fact]
    public async Task Export_Written_LeavesOnlyTheFileReadableByItsOwner()
    {
        await AddMailboxAsync("Mailbox11");

        await ExportAsync();
        await ExportAsync();

        Assert.Equal(["SYNC1", "server1.db", "server2.db"], StoreFilesAndExports());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_servers.Sync1));
        }
    }

    [Fact]
    public async Task Export_FolderMissing_FailsWithTheFolderAndKeepsTheState()
    {
        var missing = _servers.Folder.File("no-such-folder");
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges { File = Path.Combine(missing, "SYNC1") });
        await AddMailboxAsync("Mailbox11");

        var error = await TwoServers.RefusedAsync<DirSyncException>(Server1, () => ExportAsync());

        Assert.Equal($"cannot write '{Path.Combine(missing, "SYNC1")}': the folder '{missing}' does not exist", error.Message);
        Assert.Equal(ErrorCategory.FileSystem, error.Category);
    }

    [Fact]
    public async Task Export_ImportOnlyInstance_IsRefused()
    {
        await _servers.SetInstanceAsync(Server1, "INSTANCE4", new InstanceChanges { Direction = InstanceDirection.Import, File = _servers.Sync2 });

        var error = await TwoServers.RefusedAsync<DirSyncException>(Server1, () => _servers.ExportAsync(Server1, "INSTANCE4"));

        Assert.Equal("instance 'INSTANCE4' does not export; give it an export file with 'dirsync instance set INSTANCE4 --export --file <path>' (or --both)", error.Message);
        Assert.Equal(ErrorCategory.InvalidValue, error.Category);
    }

    [Fact]
    public async Task Export_UnknownInstance_IsNotFound()
    {
        var error = await TwoServers.RefusedAsync<NotFoundException>(Server1, () => _servers.ExportAsync(Server1, "INSTANCE9"));

        Assert.Equal("instance 'INSTANCE9' does not exist; see 'dirsync instance list'", error.Message);
    }

    [Fact]
    public async Task Export_EdkFormat_WritesTheSameRecordsInTheEdkFormat()
    {
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges { Format = "edk" });
        var m11 = await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await TwoServers.SetAsync(Server1, "Mailbox11", c => c.DisplayName = "Mailbox Eleven");

        await ExportAsync();

        var (format, _, records, _) = ChangeSetFile.Read(_servers.Sync1);
        Assert.Equal(ChangeSetFormat.Edk, format);
        Assert.Equal(
            $"Modify {m11.Guid} cn=\"Mailbox11\" in Recipients class=- displayName=\"Mailbox Eleven\" proxies=[EDK:Mailbox11@Site1.Testorg.com, SMTP:Mailbox11@Site1.Testorg.com] target=-",
            ChangeSetFile.Describe(Assert.Single(records)));
        Assert.StartsWith("# DirSync change set.", await File.ReadAllTextAsync(_servers.Sync1), StringComparison.Ordinal);
    }

    private List<string> StoreFilesAndExports() =>
        Directory.GetFiles(_servers.Folder.Path)
            .Select(Path.GetFileName)
            .Where(n => !n!.EndsWith("-wal", StringComparison.Ordinal) && !n.EndsWith("-shm", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList()!;
}
