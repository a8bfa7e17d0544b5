using System.Text;
using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Sync;

public sealed class ImporterTests : IAsyncLifetime
{
    private const string FromServer1 = "Testorg/Site1/Server1 (INSTANCE1)";

    private static readonly AttributeDefinition Title = AttributeCatalog.Get("title");
    private static readonly AttributeDefinition OtherTelephone = AttributeCatalog.Get("otherTelephone");

    private TwoServers _servers = null!;

    private SqliteDirectoryStore Server1 => _servers.Server1;

    private SqliteDirectoryStore Server2 => _servers.Server2;

    private string Sync1 => _servers.Sync1;

    public async ValueTask InitializeAsync()
    {
        _servers = await TwoServers.CreateAsync();
        await _servers.SetUpOneWayAsync(new InstanceChanges { Attributes = ["Title", "Telephone-Office2"] });
    }

    public async ValueTask DisposeAsync() => await _servers.DisposeAsync();

    private Task<ExportResult> ExportAsync(bool full = false) => _servers.ExportAsync(Server1, "INSTANCE1", full);

    private Task<ImportResult> ImportAsync(ImportOptions? options = null) => _servers.ImportAsync(Server2, "INSTANCE2", options);

    private Task<DirectoryObject> AddMailboxAsync(string alias, Action<RecipientChanges>? more = null) =>
        _servers.AddMailboxAsync(Server1, alias, alias.Replace("Mailbox", "Mailbox ", StringComparison.Ordinal), more);

    /// <summary>Server1's Mailbox11, 12 and 13, exported in full and imported on Server2.</summary>
    private async Task<(DirectoryObject M11, DirectoryObject M12, DirectoryObject M13)> SyncThreeMailboxesAsync()
    {
        var m11 = await AddMailboxAsync("Mailbox11");
        var m12 = await AddMailboxAsync("Mailbox12", c => c.Attributes[Title] = ["Manager"]);
        var m13 = await AddMailboxAsync("Mailbox13");
        await ExportAsync();
        await ImportAsync();
        return (m11, m12, m13);
    }

    private static (ChangeSetMode, long Sequence, long Added, long Modified, long Deleted, long Unchanged, bool AlreadyApplied, bool DryRun) Counts(ImportResult result) =>
        (result.Mode, result.Sequence, result.Added, result.Modified, result.Deleted, result.Unchanged, result.AlreadyApplied, result.DryRun);

    private ChangeSetHeader HeaderFromServer1(ChangeSetMode mode, long sequence, params AttributeDefinition[] attributes) =>
        new(Server1.Info, "INSTANCE1", mode, sequence, 0, 100, _servers.Time.GetUtcNow(), attributes);

    private static ChangeRecord Record(ChangeKind kind, Guid anchor, string alias, string? displayName = null, params string[] proxies)
    {
        var record = new ChangeRecord(kind, anchor, alias, DirectoryPath.Recipients)
        {
            Class = kind == ChangeKind.Add ? ObjectClass.Mailbox : null,
            DisplayName = kind == ChangeKind.Delete ? null : displayName ?? alias,
        };
        record.ProxyAddresses.AddRange((proxies.Length == 0 && kind != ChangeKind.Delete ? [$"EDK:{alias}@Site1.Testorg.com"] : proxies).Select(ProxyAddress.Parse));
        return record;
    }

    private void WriteSync1(ChangeSetHeader header, params ChangeRecord[] records) =>
        ChangeSetFile.Write(Sync1, ChangeSetFormat.Ldif, header, records);

    private Task<DirSyncException> RefusedAsync(ImportOptions? options = null) => TwoServers.RefusedAsync<DirSyncException>(Server2, () => ImportAsync(options));

    private Task<List<string>> RecipientsAsync() => TwoServers.RecipientsAsync(Server2);

    // ---- applying ---------------------------------------------------------------------------

    [Fact]
    public async Task Import_FullChangeSet_CreatesCustomRecipientsThatPointHome()
    {
        var m11 = await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12", c =>
        {
            c.Attributes[Title] = ["Manager"];
            c.Attributes[OtherTelephone] = ["+1 555 0101", "+1 555 0102"];
        });
        await AddMailboxAsync("Mailbox13");
        await ExportAsync();
        _servers.Time.Advance(TimeSpan.FromHours(1));

        var result = await ImportAsync();

        Assert.Equal((ChangeSetMode.Full, 1L, 3L, 0L, 0L, 0L, false, false), Counts(result));
        Assert.Equal((Sync1, "Testorg/Site1/Server1"), (result.File, result.Source));
        Assert.Empty(result.Notes);
        Assert.Equal(
        [
            $"Mailbox11 | Mailbox 11 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}",
            $"Mailbox12 | Mailbox 12 | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1}",
        ],
            await RecipientsAsync());

        var imported = await TwoServers.GetAsync(Server2, "Mailbox12");
        Assert.Equal(["EDK:Mailbox12@Site1.Testorg.com", "SMTP:Mailbox12@Site2.Testorg.com"], imported.ProxyAddresses.Select(p => p.ToString()));
        Assert.Equal(["Manager"], imported.Attributes.Get(Title));
        Assert.Equal(["+1 555 0101", "+1 555 0102"], imported.Attributes.Get(OtherTelephone));
        Assert.Equal(DirectoryPath.Recipients, imported.Container);
        var eleven = await TwoServers.GetAsync(Server2, "Mailbox11");
        Assert.Equal(new ObjectOrigin(Importer.SourceKey(Server1.Info.Identity, "INSTANCE1"), m11.Guid, FromServer1), eleven.Origin);
        Assert.NotEqual(m11.Guid, eleven.Guid);

        var state = (await TwoServers.InstanceAsync(Server2, "INSTANCE2")).State;
        Assert.Equal(
            new InstanceState
            {
                SourceIdentity = Server1.Info.Identity,
                SourceName = "Testorg/Site1/Server1",
                SourceInstance = "INSTANCE1",
                LastImportedSequence = 1,
                LastImportedHash = ChangeSetFile.Read(Sync1).Trailer.Sha256,
                LastImportedCreated = new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero),
                LastImport = new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero),
            },
            state);
    }

    [Fact]
    public async Task Import_Incremental_AppliesExactlyTheChangesItCarries()
    {
        var (m11, m12, _) = await SyncThreeMailboxesAsync();
        var highest = await Server2.GetHighestUsnAsync();
        await AddMailboxAsync("Mailbox14");
        await TwoServers.SetAsync(Server1, "Mailbox12", c =>
        {
            c.DisplayName = "Mailbox Twelve";
            c.Attributes[Title] = [];
        });
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        await ExportAsync();
        var steps = new List<PlannedChange>();

        var result = await ImportAsync(new ImportOptions { Observer = steps.Add });

        Assert.Equal((ChangeSetMode.Incremental, 2L, 1L, 1L, 1L, 0L, false, false), Counts(result));
        Assert.Equal(
        [
            new PlannedChange("add", "Mailbox14", "Mailbox 14 → EDK:Mailbox14@Site1.Testorg.com"),
            new PlannedChange("modify", "Mailbox12", "display name 'Mailbox 12' → 'Mailbox Twelve'; title"),
            new PlannedChange("delete", "Mailbox11", "deleted at the source"),
        ],
            steps);
        Assert.Equal(
        [
            $"Mailbox12 | Mailbox Twelve | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1}",
            $"Mailbox14 | Mailbox 14 | custom-recipient | EDK:Mailbox14@Site1.Testorg.com | {FromServer1}",
        ],
            await RecipientsAsync());
        Assert.Empty((await TwoServers.GetAsync(Server2, "Mailbox12")).Attributes.Get(Title));

        // Exactly three objects took a USN: nothing else was touched.
        var changed = new List<string>();
        await foreach (var value in Server2.GetChangesSinceAsync(highest))
        {
            changed.Add($"{value.Alias} deleted={value.IsDeleted} anchor={value.Origin?.Anchor}");
        }

        Assert.Equal(3, changed.Count);
        Assert.Contains($"Mailbox11 deleted=True anchor={m11.Guid}", changed);
        Assert.Contains($"Mailbox12 deleted=False anchor={m12.Guid}", changed);
    }

    [Fact]
    public async Task Import_DryRun_ReportsEveryStepAndChangesNothing()
    {
        await SyncThreeMailboxesAsync();
        await AddMailboxAsync("Mailbox14");
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        await ExportAsync();
        var before = await SyncSnapshot.TakeAsync(Server2);
        var steps = new List<PlannedChange>();

        var result = await ImportAsync(new ImportOptions { DryRun = true, Observer = steps.Add });

        Assert.Equal((ChangeSetMode.Incremental, 2L, 1L, 1L, 1L, 0L, false, true), Counts(result));
        Assert.Equal(["add Mailbox14", "modify Mailbox12", "delete Mailbox11"], steps.Select(s => $"{s.Action} {s.Alias}"));
        Assert.Equal(before, await SyncSnapshot.TakeAsync(Server2));

        var real = await ImportAsync();
        Assert.Equal((ChangeSetMode.Incremental, 2L, 1L, 1L, 1L, 0L, false, false), Counts(real));
    }

    [Fact]
    public async Task Import_DryRunOfAChangeSetThatChangesNothing_ReportsEachRecordAsUnchanged()
    {
        await SyncThreeMailboxesAsync();
        await ExportAsync(full: true);
        var steps = new List<PlannedChange>();

        var result = await ImportAsync(new ImportOptions { DryRun = true, Observer = steps.Add });

        Assert.Equal((ChangeSetMode.Full, 2L, 0L, 0L, 0L, 3L, false, true), Counts(result));
        Assert.Equal(["unchanged Mailbox11", "unchanged Mailbox12", "unchanged Mailbox13"], steps.Select(s => $"{s.Action} {s.Alias}"));
    }

    [Fact]
    public async Task Import_AddOfAnAnchorAlreadyHere_ModifiesIt()
    {
        var (_, m12, _) = await SyncThreeMailboxesAsync();
        var local = await TwoServers.GetAsync(Server2, "Mailbox12");
        WriteSync1(HeaderFromServer1(ChangeSetMode.Incremental, 2, Title), Record(ChangeKind.Add, m12.Guid, "Mailbox12", "Mailbox 12 again"));

        var result = await ImportAsync();

        Assert.Equal((ChangeSetMode.Incremental, 2L, 0L, 1L, 0L, 0L, false, false), Counts(result));
        var after = await TwoServers.GetAsync(Server2, "Mailbox12");
        Assert.Equal((local.Guid, "Mailbox 12 again"), (after.Guid, after.DisplayName));
        Assert.Empty(after.Attributes.Get(Title));
    }

    [Fact]
    public async Task Import_ModifyOfAnUnknownAnchor_AddsIt()
    {
        await SyncThreeMailboxesAsync();
        var anchor = Guid.Parse("15151515-1515-4515-8515-151515151515");
        WriteSync1(HeaderFromServer1(ChangeSetMode.Incremental, 2), Record(ChangeKind.Modify, anchor, "Mailbox15", "Mailbox 15"));
        var steps = new List<PlannedChange>();

        var result = await ImportAsync(new ImportOptions { Observer = steps.Add });

        Assert.Equal((ChangeSetMode.Incremental, 2L, 1L, 0L, 0L, 0L, false, false), Counts(result));
        Assert.Equal([new PlannedChange("add", "Mailbox15", "Mailbox 15 → EDK:Mailbox15@Site1.Testorg.com")], steps);
        Assert.Equal(anchor, (await TwoServers.GetAsync(Server2, "Mailbox15")).Origin!.Anchor);
    }

    [Fact]
    public async Task Import_DeleteOfAnUnknownAnchor_ChangesNothing()
    {
        await SyncThreeMailboxesAsync();
        WriteSync1(HeaderFromServer1(ChangeSetMode.Incremental, 2), Record(ChangeKind.Delete, Guid.Parse("99999999-9999-4999-8999-999999999999"), "Mailbox99"));
        var steps = new List<PlannedChange>();
        var highest = await Server2.GetHighestUsnAsync();

        var result = await ImportAsync(new ImportOptions { Observer = steps.Add });

        Assert.Equal((ChangeSetMode.Incremental, 2L, 0L, 0L, 0L, 1L, false, false), Counts(result));
        Assert.Equal([new PlannedChange("unchanged", "Mailbox99", "delete of an object not here (never imported, or already gone)")], steps);
        Assert.Equal(highest, await Server2.GetHighestUsnAsync());
        Assert.Equal(2, (await TwoServers.InstanceAsync(Server2, "INSTANCE2")).State.LastImportedSequence);
    }

    [Fact]
    public async Task Import_RenameAtTheSource_RenamesTheSameObjectHere()
    {
        await SyncThreeMailboxesAsync();
        var before = await TwoServers.GetAsync(Server2, "Mailbox12");
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.Alias = "Mailbox12b");
        await ExportAsync();

        var result = await ImportAsync();

        Assert.Equal((0L, 1L, 0L), (result.Added, result.Modified, result.Deleted));
        var after = await TwoServers.GetAsync(Server2, "Mailbox12b");
        Assert.Equal(before.Guid, after.Guid);
        Assert.Equal("EDK:Mailbox12b@Site1.Testorg.com", after.TargetAddress?.ToString());
        Assert.Null(await Server2.FindByAliasAsync("Mailbox12"));
    }

    [Fact]
    public async Task Import_RecordsNamingLocalObjects_NeverTouchThem()
    {
        await SyncThreeMailboxesAsync();
        var m21 = await _servers.AddMailboxAsync(Server2, "Mailbox21", "Mailbox 21");

        // A source can only reach its own imports: the anchor of a local object is just unknown to it.
        WriteSync1(
            HeaderFromServer1(ChangeSetMode.Incremental, 2),
            Record(ChangeKind.Delete, m21.Guid, "Mailbox21"),
            Record(ChangeKind.Modify, m21.Guid, "Mailbox21", "Hijacked"));

        var result = await ImportAsync();

        Assert.Equal((1L, 0L, 0L, 1L), (result.Added, result.Modified, result.Deleted, result.Unchanged));
        var local = await TwoServers.GetAsync(Server2, "Mailbox21");
        Assert.Equal((m21.Guid, "Mailbox 21", ObjectClass.Mailbox, (ObjectOrigin?)null), (local.Guid, local.DisplayName, local.Class, local.Origin));
        Assert.Equal($"Mailbox21001 | Hijacked | custom-recipient | EDK:Mailbox21@Site1.Testorg.com | {FromServer1}", (await RecipientsAsync())[4]);
    }

    [Theory]
    [InlineData("ldif")]
    [InlineData("edk")]
    public async Task Import_AwkwardValuesInEitherFormat_ArriveExactlyAsTheyWere(string format)
    {
        var info = AttributeCatalog.Get("info");
        var department = AttributeCatalog.Get("department");
        var longest = string.Concat(Enumerable.Repeat("Zürich, ", 128));   // 1024 characters, the limit of info
        await _servers.SetInstanceAsync(Server1, "INSTANCE1", new InstanceChanges { Format = format, Attributes = ["title", "otherTelephone", "info", "department"] });
        await _servers.AddMailboxAsync(Server1, "Zoë.Ångström", " Ångström, Zoë: Ops \"EMEA\" ", c =>
        {
            c.Attributes[Title] = ["  leading, and trailing  "];
            c.Attributes[OtherTelephone] = [": colon first", "< angle first", "#hash; semicolon", "tab\there"];
            c.Attributes[info] = [longest];
            c.Attributes[department] = ["line one\r\nline two \\ back\\slash"];
        });
        await ExportAsync();

        await ImportAsync();

        var source = await TwoServers.GetAsync(Server1, "Zoë.Ångström");
        var imported = await TwoServers.GetAsync(Server2, "Zoë.Ångström");
        Assert.Equal(source.DisplayName, imported.DisplayName);
        Assert.Equal(" Ångström, Zoë: Ops \"EMEA\" ", imported.DisplayName);
        Assert.Equal("EDK:Zoe.Angstrom@Site1.Testorg.com", imported.TargetAddress?.ToString());
        foreach (var attribute in new[] { Title, OtherTelephone, info, department })
        {
            Assert.Equal(source.Attributes.Get(attribute), imported.Attributes.Get(attribute));
        }

        Assert.Equal(longest, imported.Attributes.GetSingle(info));
        Assert.Equal(4, imported.Attributes.Get(OtherTelephone).Count);
    }

    // ---- full change sets: reconciliation ---------------------------------------------------

    [Fact]
    public async Task Import_FullChangeSet_DeletesOnlyThisSourcesObjectsThatItNoLongerHolds()
    {
        await SyncThreeMailboxesAsync();
        await _servers.AddMailboxAsync(Server2, "Mailbox21", "Mailbox 21");
        await using var server3 = await _servers.CreateStoreAsync("server3.db", "Site3", "Server3");
        await _servers.AddMailboxAsync(server3, "Mailbox31", "Mailbox 31");
        await _servers.SetInstanceAsync(server3, "INSTANCE5", new InstanceChanges { Direction = InstanceDirection.Export, File = _servers.Folder.File("SYNC3") });
        await _servers.SetInstanceAsync(Server2, "INSTANCE6", new InstanceChanges { Direction = InstanceDirection.Import, File = _servers.Folder.File("SYNC3") });
        await _servers.ExportAsync(server3, "INSTANCE5");
        await _servers.ImportAsync(Server2, "INSTANCE6");

        // The delete of Mailbox11 never reached Server2 (its tombstone was purged); a full export recovers.
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        _servers.Time.Advance(TimeSpan.FromDays(61));
        await new DirectoryAdmin(Server1, _servers.Time).PurgeTombstonesAsync(TimeSpan.FromDays(60));
        await ExportAsync(full: true);
        var steps = new List<PlannedChange>();

        var result = await ImportAsync(new ImportOptions { Observer = steps.Add });

        Assert.Equal((ChangeSetMode.Full, 2L, 0L, 0L, 1L, 2L, false, false), Counts(result));
        Assert.Equal(
            ["delete Mailbox11: absent from the full change set", "unchanged Mailbox12", "unchanged Mailbox13"],
            steps.Select(s => s.Action == "delete" ? $"{s.Action} {s.Alias}: {s.Detail}" : $"{s.Action} {s.Alias}"));
        Assert.Equal(
        [
            $"Mailbox12 | Mailbox 12 | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1}",
            "Mailbox21 | Mailbox 21 | mailbox | - | local",
            "Mailbox31 | Mailbox 31 | custom-recipient | EDK:Mailbox31@Site3.Testorg.com | Testorg/Site3/Server3 (INSTANCE5)",
        ],
            await RecipientsAsync());
    }

    [Fact]
    public async Task Import_FullChangeSetWithARecreatedObject_ReplacesTheOldOneUnderItsOwnName()
    {
        var (_, m12, _) = await SyncThreeMailboxesAsync();

        // Mailbox12 is deleted and made again at the source (a new anchor, the same alias and
        // addresses), and the delete is lost with its purged tombstone: only a full export can tell.
        await TwoServers.RemoveAsync(Server1, "Mailbox12");
        var again = await AddMailboxAsync("Mailbox12");
        _servers.Time.Advance(TimeSpan.FromDays(61));
        await new DirectoryAdmin(Server1, _servers.Time).PurgeTombstonesAsync(TimeSpan.FromDays(60));
        await ExportAsync(full: true);
        var steps = new List<PlannedChange>();

        var result = await ImportAsync(new ImportOptions { Observer = steps.Add });

        Assert.Equal((ChangeSetMode.Full, 2L, 1L, 0L, 1L, 2L, false, false), Counts(result));
        Assert.Empty(result.Notes);
        Assert.Equal(
            ["delete Mailbox12: absent from the full change set", "unchanged Mailbox11", "add Mailbox12", "unchanged Mailbox13"],
            steps.Select(s => s.Action == "delete" ? $"{s.Action} {s.Alias}: {s.Detail}" : $"{s.Action} {s.Alias}"));
        var twelve = await TwoServers.GetAsync(Server2, "Mailbox12");
        Assert.Equal((again.Guid, "EDK:Mailbox12@Site1.Testorg.com"), (twelve.Origin!.Anchor, twelve.TargetAddress?.ToString()));
        Assert.Null(await Server2.FindByOriginAsync(Importer.SourceKey(Server1.Info.Identity, "INSTANCE1"), m12.Guid));
    }

    [Fact]
    public async Task Import_EmptyFullChangeSet_IsStoppedAsABrokenSourceUnlessTheDeletesAreAllowed()
    {
        await SyncThreeMailboxesAsync();
        await _servers.AddMailboxAsync(Server2, "Mailbox21", "Mailbox 21");
        WriteSync1(HeaderFromServer1(ChangeSetMode.Full, 2));
        var before = await RecipientsAsync();

        // Within the limit (3 of a floor of 10), yet an empty whole list from a source that owns entries here is a broken source.
        var refused = await RefusedAsync();
        var after = await RecipientsAsync();
        var result = await ImportAsync(new ImportOptions { AllowDeletes = 3 });

        Assert.Equal(ErrorCategory.Guard, refused.Category);
        Assert.Equal(
            "the full change set from Testorg/Site1/Server1 holds no entries, but 3 recipients here came from it: that looks like a broken source, not a request to delete them all; nothing was applied. If Testorg/Site1/Server1 really has none left, run again with 'dirsync run INSTANCE2 --allow-deletes 3'",
            refused.Message);
        Assert.Equal(before, after);
        Assert.Equal((ChangeSetMode.Full, 2L, 0L, 0L, 3L, 0L, false, false), Counts(result));
        Assert.Equal(["Mailbox21 | Mailbox 21 | mailbox | - | local"], await RecipientsAsync());
    }

    // ---- sequence numbers: replay, re-export, gaps ------------------------------------------

    [Fact]
    public async Task Import_SameFileAgain_ChangesNothing()
    {
        await SyncThreeMailboxesAsync();
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");
        await ExportAsync();
        await ImportAsync();
        var before = await SyncSnapshot.TakeAsync(Server2);

        var result = await ImportAsync();

        Assert.Equal((ChangeSetMode.Incremental, 2L, 0L, 0L, 0L, 0L, true, false), Counts(result));
        Assert.Equal(["change set 2 from Testorg/Site1/Server1 was already applied (last applied: 2); nothing changed"], result.Notes);
        Assert.Equal(before, await SyncSnapshot.TakeAsync(Server2));
    }

    [Fact]
    public async Task Import_OlderChangeSet_ChangesNothing()
    {
        await SyncThreeMailboxesAsync();
        var first = await File.ReadAllBytesAsync(Sync1);
        await TwoServers.RemoveAsync(Server1, "Mailbox13");
        await ExportAsync();
        await ImportAsync();
        await File.WriteAllBytesAsync(Sync1, first);
        var before = await SyncSnapshot.TakeAsync(Server2);

        var result = await ImportAsync();

        // The full change set 1 would bring Mailbox13 back; as an old file it must not.
        Assert.Equal((ChangeSetMode.Full, 1L, 0L, 0L, 0L, 0L, true, false), Counts(result));
        Assert.Equal(["change set 1 from Testorg/Site1/Server1 was already applied (last applied: 2); nothing changed"], result.Notes);
        Assert.Equal(before, await SyncSnapshot.TakeAsync(Server2));
    }

    [Fact]
    public async Task Import_SameSequenceWithOtherContent_IsAppliedAsAReExport()
    {
        await SyncThreeMailboxesAsync();
        var afterFirst = (await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State;
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");
        await ExportAsync();
        await ImportAsync();

        // The export's file went out but its state was never saved (a crash before the commit):
        // the next export takes number 2 again and carries everything since the old watermark.
        await TwoServers.SetStateAsync(Server1, "INSTANCE1", _ => afterFirst);
        await AddMailboxAsync("Mailbox14");
        var again = await ExportAsync();
        Assert.Equal((2L, 3L), (again.Sequence, again.UsnFrom));

        var result = await ImportAsync();

        Assert.Equal((ChangeSetMode.Incremental, 2L, 1L, 0L, 0L, 1L, false, false), Counts(result));
        Assert.Equal(ChangeSetFile.Read(Sync1).Trailer.Sha256, (await TwoServers.InstanceAsync(Server2, "INSTANCE2")).State.LastImportedHash);
        Assert.Equal(
        [
            $"Mailbox11 | Mailbox 11 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}",
            $"Mailbox12 | Mailbox Twelve | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1}",
            $"Mailbox14 | Mailbox 14 | custom-recipient | EDK:Mailbox14@Site1.Testorg.com | {FromServer1}",
        ],
            await RecipientsAsync());
    }

    [Fact]
    public async Task Import_OneChangeSetMissing_RefusesNamingItAndTheRecovery()
    {
        await SyncThreeMailboxesAsync();
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");
        await ExportAsync();                                        // 2: lost on the way
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        await ExportAsync();                                        // 3

        var error = await RefusedAsync();

        Assert.Equal(
            $"'{Sync1}' holds change set 3 from Testorg/Site1/Server1 but the last one applied here is 1: change set 2 is missing; run 'dirsync run INSTANCE1 --full' at Testorg/Site1/Server1 and import that file",
            error.Message);
        Assert.Equal(ErrorCategory.Sync, error.Category);
    }

    [Fact]
    public async Task Import_SeveralChangeSetsMissing_NamesTheRange()
    {
        await SyncThreeMailboxesAsync();
        await ExportAsync();
        await ExportAsync();
        await ExportAsync();                                        // 4

        var error = await RefusedAsync();

        Assert.Equal(
            $"'{Sync1}' holds change set 4 from Testorg/Site1/Server1 but the last one applied here is 1: change sets 2 to 3 are missing; run 'dirsync run INSTANCE1 --full' at Testorg/Site1/Server1 and import that file",
            error.Message);
    }

    [Fact]
    public async Task Import_FullChangeSetAfterAGap_IsAppliedAndCatchesUp()
    {
        await SyncThreeMailboxesAsync();
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");
        await ExportAsync();                                        // 2: lost
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        await ExportAsync();                                        // 3: refused
        await RefusedAsync();
        await ExportAsync(full: true);                              // 4: the recovery

        var result = await ImportAsync();

        Assert.Equal((ChangeSetMode.Full, 4L, 0L, 1L, 1L, 1L, false, false), Counts(result));
        Assert.Equal(
        [
            $"Mailbox12 | Mailbox Twelve | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1}",
        ],
            await RecipientsAsync());
        Assert.Equal(4, (await TwoServers.InstanceAsync(Server2, "INSTANCE2")).State.LastImportedSequence);
    }

    [Fact]
    public async Task Import_FullExportOfASourceRestoredFromABackup_IsAppliedDespiteItsOldNumber()
    {
        var (_, m12, _) = await SyncThreeMailboxesAsync();
        var backup = (await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State;
        await ExportAndImportLaterAsync();
        await ExportAndImportLaterAsync();                          // Server2 has applied 3

        // Server1's store comes back from the backup: its instance is at change set 1 again, so its
        // next full export is number 2 — written after number 3, so not a replay.
        await TwoServers.SetStateAsync(Server1, "INSTANCE1", _ => backup);
        await TwoServers.RemoveAsync(Server1, "Mailbox13");
        _servers.Time.Advance(TimeSpan.FromMinutes(1));
        await ExportAsync(full: true);
        var twelveBefore = await TwoServers.GetAsync(Server2, "Mailbox12");
        var applied = await ImportAsync();

        Assert.Equal((ChangeSetMode.Full, 2L, 0L, 0L, 1L, 2L, false, false), Counts(applied));
        Assert.Equal(
        [
            $"Mailbox11 | Mailbox 11 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}",
            $"Mailbox12 | Mailbox 12 | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
        ],
            await RecipientsAsync());
        Assert.Equal((twelveBefore.Guid, m12.Guid), ((await TwoServers.GetAsync(Server2, "Mailbox12")).Guid, twelveBefore.Origin!.Anchor));
        Assert.Equal(2, (await TwoServers.InstanceAsync(Server2, "INSTANCE2")).State.LastImportedSequence);
    }

    [Fact]
    public async Task Import_IncrementalOfASourceRestoredFromABackup_IsRefusedAndAsksForAFullExport()
    {
        await SyncThreeMailboxesAsync();
        var backup = (await TwoServers.InstanceAsync(Server1, "INSTANCE1")).State;
        await ExportAndImportLaterAsync();
        await ExportAndImportLaterAsync();
        await TwoServers.SetStateAsync(Server1, "INSTANCE1", _ => backup);
        await AddMailboxAsync("Mailbox14");
        _servers.Time.Advance(TimeSpan.FromMinutes(1));
        await ExportAsync();

        var error = await RefusedAsync();

        Assert.Equal(
            $"'{Sync1}' holds change set 2 from Testorg/Site1/Server1, written after change set 3 that was applied here: the source's numbers went back (was it restored from a backup?); run 'dirsync run INSTANCE1 --full' there and import that file",
            error.Message);
        Assert.Equal(ErrorCategory.Sync, error.Category);
    }

    [Fact]
    public async Task Import_OlderFileWithAnOldNumber_IsStillAReplay()
    {
        await SyncThreeMailboxesAsync();
        var first = File.ReadAllBytes(Sync1);
        await ExportAndImportLaterAsync();

        File.WriteAllBytes(Sync1, first);
        var replay = await ImportAsync();

        Assert.True(replay.AlreadyApplied);
        Assert.Equal(2, (await TwoServers.InstanceAsync(Server2, "INSTANCE2")).State.LastImportedSequence);
    }

    private async Task ExportAndImportLaterAsync()
    {
        _servers.Time.Advance(TimeSpan.FromMinutes(1));
        await ExportAsync();
        await ImportAsync();
    }

    [Fact]
    public async Task Import_FirstChangeSetIncrementalButNotNumberOne_IsAGap()
    {
        WriteSync1(HeaderFromServer1(ChangeSetMode.Incremental, 2));

        var error = await RefusedAsync();

        Assert.Equal(
            $"'{Sync1}' holds change set 2 from Testorg/Site1/Server1 but the last one applied here is 0: change set 1 is missing; run 'dirsync run INSTANCE1 --full' at Testorg/Site1/Server1 and import that file",
            error.Message);
    }

    // ---- sources ----------------------------------------------------------------------------

    [Fact]
    public async Task Import_FileThisStoreExported_IsRefused()
    {
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await _servers.SetInstanceAsync(Server1, "INSTANCE9", new InstanceChanges { Direction = InstanceDirection.Import, File = Sync1 });

        var error = await TwoServers.RefusedAsync<DirSyncException>(Server1, () => _servers.ImportAsync(Server1, "INSTANCE9"));

        Assert.Equal($"'{Sync1}' was exported by this store itself (instance INSTANCE1); import it on the other server", error.Message);
        Assert.Equal(ErrorCategory.Sync, error.Category);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Import_ChangeSetFromAnotherSource_IsRefused(bool full, bool acceptNewSource)
    {
        await SyncThreeMailboxesAsync();
        await using var server3 = await _servers.CreateStoreAsync("server3.db", "Site3", "Server3");
        await _servers.AddMailboxAsync(server3, "Mailbox31");
        await _servers.SetInstanceAsync(server3, "INSTANCE5", new InstanceChanges { Direction = InstanceDirection.Export, File = Sync1 });
        await _servers.ExportAsync(server3, "INSTANCE5");
        if (!full)
        {
            await _servers.ExportAsync(server3, "INSTANCE5");
        }

        var error = await RefusedAsync(new ImportOptions { AcceptNewSource = acceptNewSource });

        var hint = full
            ? "if that is a replacement for the old source, run 'dirsync run INSTANCE2 --accept-new-source'"
            : "if that server replaced the old one, export in full there ('dirsync run INSTANCE5 --full') and run 'dirsync run INSTANCE2 --accept-new-source'";
        Assert.Equal(
            $"instance 'INSTANCE2' imports from Testorg/Site1/Server1 (instance INSTANCE1, store {Server1.Info.Identity}), but '{Sync1}' comes from Testorg/Site3/Server3 (instance INSTANCE5, store {server3.Info.Identity}); {hint}",
            error.Message);
        Assert.Equal(ErrorCategory.Sync, error.Category);
    }

    [Fact]
    public async Task Import_ChangeSetFromAnotherInstanceOfTheSameSource_IsRefused()
    {
        await SyncThreeMailboxesAsync();
        await _servers.SetInstanceAsync(Server1, "INSTANCE7", new InstanceChanges { Direction = InstanceDirection.Export, File = Sync1 });
        await _servers.ExportAsync(Server1, "INSTANCE7");

        var error = await RefusedAsync();

        Assert.StartsWith(
            $"instance 'INSTANCE2' imports from Testorg/Site1/Server1 (instance INSTANCE1, store {Server1.Info.Identity}), but '{Sync1}' comes from Testorg/Site1/Server1 (instance INSTANCE7, ",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_AcceptNewSource_TakesOverTheOldSourcesRecipientsByAnchor()
    {
        var (m11, m12, m13) = await SyncThreeMailboxesAsync();
        var twelveHere = await TwoServers.GetAsync(Server2, "Mailbox12");

        // Server1 is replaced by Server1b, restored with the same anchors; Mailbox11 was lost, Mailbox15 is new.
        await using var replacement = await _servers.CreateStoreAsync("server1b.db", "Site1", "Server1b");
        await using (var transaction = await replacement.BeginTransactionAsync())
        {
            var editor = await RecipientEditor.CreateAsync(transaction);
            await editor.AddAsync(ObjectClass.Mailbox, "Mailbox12", new RecipientChanges { DisplayName = "Mailbox 12" }, guid: m12.Guid);
            await editor.AddAsync(ObjectClass.Mailbox, "Mailbox13", new RecipientChanges { DisplayName = "Mailbox 13" }, guid: m13.Guid);
            await editor.AddAsync(ObjectClass.Mailbox, "Mailbox15", new RecipientChanges { DisplayName = "Mailbox 15" });
            await transaction.CommitAsync();
        }

        await _servers.SetInstanceAsync(replacement, "INSTANCE1", new InstanceChanges { Direction = InstanceDirection.Export, File = Sync1, Attributes = ["Title", "Telephone-Office2"] });
        await _servers.ExportAsync(replacement, "INSTANCE1");

        var result = await ImportAsync(new ImportOptions { AcceptNewSource = true });

        Assert.Equal((ChangeSetMode.Full, 1L, 1L, 1L, 1L, 1L, false, false), Counts(result));
        Assert.Equal(
            ["instance 'INSTANCE2' now imports from Testorg/Site1/Server1b (INSTANCE1) instead of Testorg/Site1/Server1 (INSTANCE1); 3 recipients imported from the old source were taken over"],
            result.Notes);
        const string FromServer1b = "Testorg/Site1/Server1b (INSTANCE1)";
        Assert.Equal(
        [
            $"Mailbox12 | Mailbox 12 | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1b}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1b}",
            $"Mailbox15 | Mailbox 15 | custom-recipient | EDK:Mailbox15@Site1.Testorg.com | {FromServer1b}",
        ],
            await RecipientsAsync());
        var twelve = await TwoServers.GetAsync(Server2, "Mailbox12");
        Assert.Equal(twelveHere.Guid, twelve.Guid);
        Assert.Equal(new ObjectOrigin(Importer.SourceKey(replacement.Info.Identity, "INSTANCE1"), m12.Guid, FromServer1b), twelve.Origin);
        Assert.Null(await Server2.FindByOriginAsync(Importer.SourceKey(Server1.Info.Identity, "INSTANCE1"), m11.Guid));

        var state = (await TwoServers.InstanceAsync(Server2, "INSTANCE2")).State;
        Assert.Equal((replacement.Info.Identity, "Testorg/Site1/Server1b", "INSTANCE1", 1L), (state.SourceIdentity, state.SourceName, state.SourceInstance, state.LastImportedSequence));

        // From now on the replacement's incrementals are the ones that apply; the old server's are refused.
        await TwoServers.SetAsync(replacement, "Mailbox13", c => c.DisplayName = "Mailbox Thirteen");
        await _servers.ExportAsync(replacement, "INSTANCE1");
        var next = await ImportAsync();
        Assert.Equal((ChangeSetMode.Incremental, 2L, 0L, 1L, 0L, 0L, false, false), Counts(next));
        Assert.Equal("Mailbox Thirteen", (await TwoServers.GetAsync(Server2, "Mailbox13")).DisplayName);
        await ExportAsync();
        await RefusedAsync();
    }

    // ---- names: collisions and adoption -----------------------------------------------------

    [Fact]
    public async Task Import_AliasAndDisplayNameTaken_AddsSuffixesAndSaysSo()
    {
        await _servers.AddMailboxAsync(Server2, "Mailbox11", "Mailbox 11");
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();

        var result = await ImportAsync();

        Assert.Equal((2L, 0L), (result.Added, result.Modified));
        Assert.Equal(
        [
            "the alias 'Mailbox11' is taken here; it was imported as 'Mailbox11001'",
            "the display name 'Mailbox 11' is taken here; it was imported as 'Mailbox 11001'",
        ],
            result.Notes);
        Assert.Equal(
        [
            "Mailbox11 | Mailbox 11 | mailbox | - | local",
            $"Mailbox11001 | Mailbox 11001 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}",
            $"Mailbox12 | Mailbox 12 | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
        ],
            await RecipientsAsync());
    }

    [Fact]
    public async Task Import_SuffixedNames_StayAsTheyAreOnLaterModifies()
    {
        await _servers.AddMailboxAsync(Server2, "Mailbox11", "Mailbox 11");
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await ImportAsync();
        await TwoServers.SetAsync(Server1, "Mailbox11", c => c.Attributes[Title] = ["Manager"]);
        await ExportAsync();

        var modify = await ImportAsync();

        Assert.Equal((0L, 1L), (modify.Added, modify.Modified));
        Assert.Empty(modify.Notes);
        Assert.Equal($"Mailbox11001 | Mailbox 11001 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}", (await RecipientsAsync())[1]);

        // Even once the local Mailbox11 is gone, the imported one keeps the name it is known by here.
        await TwoServers.RemoveAsync(Server2, "Mailbox11");
        await TwoServers.SetAsync(Server1, "Mailbox11", c => c.Attributes[Title] = ["Director"]);
        await ExportAsync();
        await ImportAsync();
        await ExportAsync(full: true);
        var full = await ImportAsync();

        Assert.Equal((0L, 0L, 0L, 1L), (full.Added, full.Modified, full.Deleted, full.Unchanged));
        Assert.Equal([$"Mailbox11001 | Mailbox 11001 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}"], await RecipientsAsync());
        Assert.Equal(["Director"], (await TwoServers.GetAsync(Server2, "Mailbox11001")).Attributes.Get(Title));
    }

    [Fact]
    public async Task Import_UnchangedRecordWhoseDisplayNameWasTakenSince_MovesToTheSuffixAsAChangedOneWould()
    {
        await AddMailboxAsync("Mailbox11");
        await ExportAsync(full: true);
        await ImportAsync();

        // A mailbox made here later takes the imported one's display name; the next full file carries
        // the imported one unchanged, and it still gives the name up, as a modified record does.
        await _servers.AddMailboxAsync(Server2, "Local11", "Mailbox 11");
        await ExportAsync(full: true);
        var result = await ImportAsync();

        Assert.Equal((0L, 1L, 0L, 0L), (result.Added, result.Modified, result.Deleted, result.Unchanged));
        Assert.Equal(["the display name 'Mailbox 11' is taken here; it was imported as 'Mailbox 11001'"], result.Notes);
        Assert.Equal("Mailbox 11001", (await TwoServers.GetAsync(Server2, "Mailbox11")).DisplayName);
    }

    [Fact]
    public async Task Import_RenameAtTheSourceOfASuffixedObject_TakesTheNewNameWhenItIsFree()
    {
        await _servers.AddMailboxAsync(Server2, "Mailbox11", "Mailbox 11");
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await ImportAsync();
        await TwoServers.SetAsync(Server1, "Mailbox11", c =>
        {
            c.Alias = "Mailbox11x";
            c.DisplayName = "Mailbox Eleven";
        });
        await ExportAsync();

        var result = await ImportAsync();

        Assert.Empty(result.Notes);
        Assert.Equal($"Mailbox11x | Mailbox Eleven | custom-recipient | EDK:Mailbox11x@Site1.Testorg.com | {FromServer1}", (await RecipientsAsync())[1]);
    }

    [Fact]
    public async Task Import_SameNameFromTwoSources_TakesTheNextFreeSuffix()
    {
        await _servers.AddMailboxAsync(Server2, "Mailbox11", "Mailbox 11");
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await ImportAsync();
        await using var server3 = await _servers.CreateStoreAsync("server3.db", "Site3", "Server3");
        await _servers.AddMailboxAsync(server3, "Mailbox11", "Mailbox 11");
        await _servers.SetInstanceAsync(server3, "INSTANCE5", new InstanceChanges { Direction = InstanceDirection.Export, File = _servers.Folder.File("SYNC3") });
        await _servers.SetInstanceAsync(Server2, "INSTANCE6", new InstanceChanges { Direction = InstanceDirection.Import, File = _servers.Folder.File("SYNC3") });
        await _servers.ExportAsync(server3, "INSTANCE5");

        var result = await _servers.ImportAsync(Server2, "INSTANCE6");

        Assert.Equal(
        [
            "the alias 'Mailbox11' is taken here; it was imported as 'Mailbox11002'",
            "the display name 'Mailbox 11' is taken here; it was imported as 'Mailbox 11002'",
        ],
            result.Notes);
        Assert.Equal(
        [
            "Mailbox11 | Mailbox 11 | mailbox | - | local",
            $"Mailbox11001 | Mailbox 11001 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}",
            "Mailbox11002 | Mailbox 11002 | custom-recipient | EDK:Mailbox11@Site3.Testorg.com | Testorg/Site3/Server3 (INSTANCE5)",
        ],
            await RecipientsAsync());
    }

    [Fact]
    public async Task Import_LongAliasTaken_ShortensItToMakeRoomForTheSuffix()
    {
        var alias = new string('a', 60) + "bcde";                   // 64 characters, the limit
        await _servers.AddMailboxAsync(Server2, alias, "Local long one");
        WriteSync1(HeaderFromServer1(ChangeSetMode.Full, 1), Record(ChangeKind.Add, Guid.NewGuid(), alias, "Remote long one", "EDK:long@Site1.Testorg.com"));

        var result = await ImportAsync();

        Assert.Equal([$"the alias '{alias}' is taken here; it was imported as '{new string('a', 60)}b001'"], result.Notes);
        Assert.NotNull(await Server2.FindByAliasAsync(new string('a', 60) + "b001"));
    }

    [Fact]
    public async Task Import_LocalCustomRecipientForTheSameAddress_IsAdopted()
    {
        // The seed's manual step: a custom recipient for Mailbox11 made by hand on Server2.
        var manual = await _servers.AddAsync(Server2, ObjectClass.CustomRecipient, "Mailbox11", "Mailbox 11 (by hand)", c => c.TargetAddress = ProxyAddress.Parse("EDK:Mailbox11@Site1.Testorg.com"));
        var m11 = await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();
        var steps = new List<PlannedChange>();

        var result = await ImportAsync(new ImportOptions { Observer = steps.Add });

        Assert.Equal((1L, 1L), (result.Added, result.Modified));
        Assert.Equal(["adopted the existing custom recipient 'Mailbox11' (same target address EDK:Mailbox11@Site1.Testorg.com) as the import of 'Mailbox11'"], result.Notes);
        Assert.Equal(new PlannedChange("modify", "Mailbox11", "adopted: a custom recipient made here for the same address"), steps[0]);
        var adopted = await TwoServers.GetAsync(Server2, "Mailbox11");
        Assert.Equal((manual.Guid, "Mailbox 11"), (adopted.Guid, adopted.DisplayName));
        Assert.Equal(new ObjectOrigin(Importer.SourceKey(Server1.Info.Identity, "INSTANCE1"), m11.Guid, FromServer1), adopted.Origin);

        // Adopted, it now belongs to the source: a delete there removes it here.
        await TwoServers.RemoveAsync(Server1, "Mailbox11");
        await ExportAsync();
        Assert.Equal(1, (await ImportAsync()).Deleted);
        Assert.Null(await Server2.FindByAliasAsync("Mailbox11"));
    }

    [Fact]
    public async Task Import_AdoptedRecipientWithAnotherAlias_TakesTheSourceName()
    {
        var manual = await _servers.AddAsync(Server2, ObjectClass.CustomRecipient, "Eleven", "Eleven", c => c.TargetAddress = ProxyAddress.Parse("EDK:Mailbox11@Site1.Testorg.com"));
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();

        await ImportAsync();

        var adopted = await TwoServers.GetAsync(Server2, "Mailbox11");
        Assert.Equal((manual.Guid, "Mailbox 11"), (adopted.Guid, adopted.DisplayName));
        Assert.Null(await Server2.FindByAliasAsync("Eleven"));
    }

    [Fact]
    public async Task Import_TargetAddressHeldByALocalMailbox_IsRefusedWhole()
    {
        await _servers.AddMailboxAsync(Server2, "Local", "Local", c => c.ProxyAddresses = [ProxyAddress.Parse("EDK:Mailbox12@Site1.Testorg.com")]);
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();
        var line = ChangeSetFile.LineOf(await File.ReadAllBytesAsync(Sync1), "dn: cn=Mailbox12,");

        var error = await TwoServers.RefusedAsync<DirSyncException>(Server2, () => ImportAsync());

        Assert.Equal(
            $"{Sync1}:{line}: 'Mailbox12': its target address EDK:Mailbox12@Site1.Testorg.com is already used by mailbox 'Local'; remove or change that recipient, then import again",
            error.Message);
        Assert.Equal(ErrorCategory.Conflict, error.Category);
    }

    // ---- instance settings: class, address type, MV append ----------------------------------

    [Fact]
    public async Task Import_ObjectClassMailbox_CreatesMailboxesWithoutATarget()
    {
        await _servers.SetInstanceAsync(Server2, "INSTANCE2", new InstanceChanges { ImportObjectClass = "mailbox" });
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();
        await ImportAsync();
        await TwoServers.SetAsync(Server1, "Mailbox11", c => c.DisplayName = "Mailbox Eleven");
        await ExportAsync();

        var result = await ImportAsync();

        Assert.Equal((0L, 1L), (result.Added, result.Modified));
        Assert.Equal([$"Mailbox11 | Mailbox Eleven | mailbox | - | {FromServer1}"], await RecipientsAsync());
        Assert.Equal(
            ["EDK:Mailbox11@Site2.Testorg.com", "SMTP:Mailbox11@Site2.Testorg.com"],
            (await TwoServers.GetAsync(Server2, "Mailbox11")).ProxyAddresses.Select(p => p.ToString()));
    }

    [Fact]
    public async Task Import_AddressTypeSmtp_TargetsTheSourcesSmtpAddress()
    {
        await _servers.SetInstanceAsync(Server2, "INSTANCE2", new InstanceChanges { AddressType = "smtp" });
        await AddMailboxAsync("Mailbox11");
        await ExportAsync();

        await ImportAsync();

        Assert.Equal([$"Mailbox11 | Mailbox 11 | custom-recipient | SMTP:Mailbox11@Site1.Testorg.com | {FromServer1}"], await RecipientsAsync());
    }

    [Fact]
    public async Task Import_OnlyASecondaryAddressOfTheType_BecomesThePrimaryTarget()
    {
        await _servers.SetInstanceAsync(Server2, "INSTANCE2", new InstanceChanges { AddressType = "SMTP" });
        WriteSync1(
            HeaderFromServer1(ChangeSetMode.Full, 1),
            Record(ChangeKind.Add, Guid.NewGuid(), "Joe", "Joe", "EDK:Joe@Site1.Testorg.com", "smtp:joe.alt@example.com"));

        await ImportAsync();

        Assert.Equal([$"Joe | Joe | custom-recipient | SMTP:joe.alt@example.com | {FromServer1}"], await RecipientsAsync());
    }

    [Fact]
    public async Task Import_NoAddressOfTheInstancesType_IsRefusedNamingTheTypesThereAre()
    {
        await _servers.SetInstanceAsync(Server2, "INSTANCE2", new InstanceChanges { AddressType = "X400" });
        await AddMailboxAsync("Mailbox11");
        await AddMailboxAsync("Mailbox12");
        await ExportAsync();
        var line = ChangeSetFile.LineOf(await File.ReadAllBytesAsync(Sync1), "dn: cn=Mailbox11,");

        var error = await RefusedAsync();

        Assert.Equal(
            $"{Sync1}:{line}: 'Mailbox11': it has no X400 address to use as its target address (it has EDK, SMTP); set the instance's address type to one the source generates ('dirsync instance set INSTANCE2 --address-type <TYPE>')",
            error.Message);
        Assert.Equal(ErrorCategory.Sync, error.Category);
    }

    [Fact]
    public async Task Import_RecordWithoutAddresses_IsRefusedSayingItHasNone()
    {
        var bare = new ChangeRecord(ChangeKind.Add, Guid.NewGuid(), "Bare", DirectoryPath.Recipients) { Class = ObjectClass.Mailbox, DisplayName = "Bare" };
        WriteSync1(HeaderFromServer1(ChangeSetMode.Full, 1), bare);

        var error = await RefusedAsync();

        Assert.EndsWith(
            "'Bare': it has no EDK address to use as its target address (it has none); set the instance's address type to one the source generates ('dirsync instance set INSTANCE2 --address-type <TYPE>')",
            error.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "+1 555 0103")]
    [InlineData(true, "+1 555 0101, +1 555 0102, +1 555 0103")]
    public async Task Import_MultiValuedAttributeChanged_ReplacesOrAppends(bool append, string expected)
    {
        await _servers.SetInstanceAsync(Server2, "INSTANCE2", new InstanceChanges { MultiValueAppend = append });
        await AddMailboxAsync("Mailbox11", c =>
        {
            c.Attributes[OtherTelephone] = ["+1 555 0101", "+1 555 0102"];
            c.Attributes[Title] = ["Manager"];
        });
        await ExportAsync();
        await ImportAsync();
        await TwoServers.SetAsync(Server1, "Mailbox11", c =>
        {
            c.Attributes[OtherTelephone] = ["+1 555 0103", "+1 555 0101"];
            c.Attributes[Title] = ["Director"];
        });
        await TwoServers.SetAsync(Server1, "Mailbox11", c => c.Attributes[OtherTelephone] = ["+1 555 0103"]);
        await ExportAsync();

        await ImportAsync();

        var imported = await TwoServers.GetAsync(Server2, "Mailbox11");
        Assert.Equal(expected, string.Join(", ", imported.Attributes.Get(OtherTelephone)));
        Assert.Equal(["Director"], imported.Attributes.Get(Title));
    }

    // ---- refusals leave the store as it was -------------------------------------------------

    [Fact]
    public async Task Import_FileMissing_IsRefusedNamingTheFile()
    {
        var error = await RefusedAsync();

        Assert.Equal(
            $"the import file '{Sync1}' of instance 'INSTANCE2' does not exist; copy the source's export file there (or point the instance elsewhere with 'dirsync instance set INSTANCE2 --import-file <path>')",
            error.Message);
        Assert.Equal(ErrorCategory.FileSystem, error.Category);
    }

    [Theory]
    [InlineData(ChangeSetFormat.Ldif)]
    [InlineData(ChangeSetFormat.Edk)]
    public async Task Import_TruncatedFile_AppliesNoneOfItsRecords(ChangeSetFormat format)
    {
        await SyncThreeMailboxesAsync();
        var records = new[]
        {
            Record(ChangeKind.Add, Guid.NewGuid(), "Mailbox14", "Mailbox 14"),
            Record(ChangeKind.Add, Guid.NewGuid(), "Mailbox15", "Mailbox 15"),
        };
        var (body, _) = ChangeSetFile.SplitTrailer(ChangeSetFile.Write(format, HeaderFromServer1(ChangeSetMode.Incremental, 2), records));
        await File.WriteAllTextAsync(Sync1, body);

        // Both records are read and applied in the transaction before the missing end shows; none may stay.
        var error = await RefusedAsync();

        Assert.Equal($"{Sync1}: the file ends without its end marker: it was cut short or is still being written", error.Message);
        Assert.IsType<InputFormatException>(error);
    }

    [Fact]
    public async Task Import_EditedFile_IsRefused()
    {
        await SyncThreeMailboxesAsync();
        await TwoServers.SetAsync(Server1, "Mailbox12", c => c.DisplayName = "Mailbox Twelve");
        await ExportAsync();
        var bytes = await File.ReadAllBytesAsync(Sync1);
        await File.WriteAllBytesAsync(Sync1, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("Mailbox Twelve", "Mailbox Twelvf", StringComparison.Ordinal)));

        var error = await RefusedAsync();

        Assert.Equal(
            $"{Sync1}:{ChangeSetFile.LineOf(bytes, "# dirsync-end:")}: the integrity check failed: the file was edited or damaged after it was exported",
            error.Message);
    }

    [Fact]
    public async Task Import_FailingRecordAfterOthers_AppliesNothing()
    {
        await SyncThreeMailboxesAsync();
        WriteSync1(
            HeaderFromServer1(ChangeSetMode.Incremental, 2),
            Record(ChangeKind.Add, Guid.NewGuid(), "Mailbox14", "Mailbox 14"),
            Record(ChangeKind.Modify, Guid.NewGuid(), "Mailbox15", "Mailbox 15", "SMTP:only@example.com"));

        var error = await RefusedAsync();

        Assert.EndsWith("'Mailbox15': it has no EDK address to use as its target address (it has SMTP); set the instance's address type to one the source generates ('dirsync instance set INSTANCE2 --address-type <TYPE>')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_ForeignFormat_IsRefused()
    {
        await File.WriteAllTextAsync(Sync1, "Obj-Class,Common-Name,Display-Name\nMailbox,Mailbox11,Mailbox 11\n");

        var error = await RefusedAsync();

        Assert.Equal($"{Sync1}:1:1: neither an LDIF nor an EDK DIRSYNC change set: the line starts with 'Obj-Class,Common-Name,Display-Name'", error.Message);
    }

    [Fact]
    public async Task Import_ExportOnlyInstance_IsRefused()
    {
        var error = await TwoServers.RefusedAsync<DirSyncException>(Server1, () => _servers.ImportAsync(Server1, "INSTANCE1"));

        Assert.Equal("instance 'INSTANCE1' does not import; give it an import file with 'dirsync instance set INSTANCE1 --import --file <path>' (or --both)", error.Message);
        Assert.Equal(ErrorCategory.InvalidValue, error.Category);
    }

    [Fact]
    public async Task Import_UnknownInstance_IsNotFound()
    {
        var error = await TwoServers.RefusedAsync<NotFoundException>(Server2, () => _servers.ImportAsync(Server2, "INSTANCE9"));

        Assert.Equal("instance 'INSTANCE9' does not exist; see 'dirsync instance list'", error.Message);
    }
}
