using System.Globalization;
using DirSync.Core;
using DirSync.Core.Gal;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Tests.Gal;

public sealed class GalBuilderTests : IAsyncLifetime
{
    private GalTestStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await GalTestStore.CreateAsync();

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Rebuild_InvariantCulture_OrdersByDisplayNameIgnoringCaseWithAccentedLettersAmongTheirBase()
    {
        await _store.AddNamesAsync("Zebra", "Banana", "Ärger", "apple", "Aaron");

        var result = await _store.RebuildAsync();

        var gal = await _store.GalAsync();
        Assert.Equal(["Aaron", "apple", "Ärger", "Banana", "Zebra"], gal.Select(e => e.DisplayName));
        Assert.Equal([1L, 2, 3, 4, 5], gal.Select(e => e.Rank));
        Assert.Equal(new GalRebuildResult(5, 0), result);
    }

    [Fact]
    public async Task Rebuild_SwedishCulture_SortsADiaeresisAfterZ()
    {
        await _store.AddNamesAsync("Zebra", "Banana", "Ärger", "apple", "Aaron");

        await _store.RebuildAsync(culture: new CultureInfo("sv-SE"));

        Assert.Equal(["Aaron", "apple", "Banana", "Zebra", "Ärger"], (await _store.GalAsync()).Select(e => e.DisplayName));
    }

    [Fact]
    public async Task Rebuild_ThreeEqualNames_SuffixesAllButTheFirstInAliasOrderAndLeavesTheRecipientsAlone()
    {
        await _store.AddAsync(
            GalTestStore.Mailbox("jsmith-c", "John Smith"),
            GalTestStore.Mailbox("jsmith-a", "John Smith"),
            GalTestStore.Mailbox("jsmith-b", "john smith"),
            GalTestStore.Mailbox("jones", "Jane Jones"));

        var result = await _store.RebuildAsync();

        var gal = await _store.GalAsync();
        Assert.Equal(
            [(1L, "Jane Jones", "jones"), (2L, "John Smith", "jsmith-a"), (3L, "john smith001", "jsmith-b"), (4L, "John Smith002", "jsmith-c")],
            gal.Select(e => (e.Rank, e.DisplayName, e.Alias)));
        Assert.Equal(new GalRebuildResult(4, 2), result);
        Assert.Equal("john smith", (await _store.Store.FindByAliasAsync("jsmith-b"))!.DisplayName);
        Assert.Equal("John Smith", (await _store.Store.FindByAliasAsync("jsmith-c"))!.DisplayName);
    }

    [Fact]
    public async Task Rebuild_SuffixTakenByARealName_SkipsItAndOrdersByTheShownNames()
    {
        await _store.AddAsync(
            GalTestStore.Mailbox("a", "John Smith"),
            GalTestStore.Mailbox("b", "John Smith"),
            GalTestStore.Mailbox("c", "John Smith001"),
            GalTestStore.Mailbox("d", "John Smith003"),
            GalTestStore.Mailbox("e", "John Smith"));

        var result = await _store.RebuildAsync();

        Assert.Equal(
            [("John Smith", "a"), ("John Smith001", "c"), ("John Smith002", "b"), ("John Smith003", "d"), ("John Smith004", "e")],
            (await _store.GalAsync()).Select(e => (e.DisplayName, e.Alias)));
        Assert.Equal(new GalRebuildResult(5, 2), result);
    }

    [Fact]
    public async Task Rebuild_SuffixedNameThatCollidesAgain_GetsASuffixOfItsOwn()
    {
        await _store.AddAsync(
            GalTestStore.Mailbox("a", "Help Desk"),
            GalTestStore.Mailbox("b", "Help Desk"),
            GalTestStore.Mailbox("c", "Help Desk001"),
            GalTestStore.Mailbox("d", "HELP DESK001"));

        await _store.RebuildAsync();

        Assert.Equal(
            [("Help Desk", "a"), ("Help Desk001", "c"), ("HELP DESK001001", "d"), ("Help Desk002", "b")],
            (await _store.GalAsync()).Select(e => (e.DisplayName, e.Alias)));
    }

    [Fact]
    public async Task Rebuild_EqualNamesWhoseAliasesDifferBeyondTheBasicPlane_BreaksTheTieByUtf16Ordinal()
    {
        // UTF-16 puts a surrogate pair (the rocket) before U+E000; code point order would not.
        await _store.AddAsync(GalTestStore.Mailbox("ops\uE000", "Ops"), GalTestStore.Mailbox("ops🚀", "Ops"));

        await _store.RebuildAsync();

        Assert.Equal([("Ops", "ops🚀"), ("Ops001", "ops\uE000")], (await _store.GalAsync()).Select(e => (e.DisplayName, e.Alias)));
    }

    [Fact]
    public async Task Rebuild_NamesWithVeryLongSortKeys_AreOrderedAndSuffixed()
    {
        var longName = new string('a', 6000);
        await _store.AddAsync(GalTestStore.Mailbox("b", "b"), GalTestStore.Mailbox("long1", longName), GalTestStore.Mailbox("long2", longName.ToUpperInvariant()));

        await _store.RebuildAsync();

        Assert.Equal(
            [("long1", longName), ("long2", longName.ToUpperInvariant() + "001"), ("b", "b")],
            (await _store.GalAsync()).Select(e => (e.Alias, e.DisplayName)));
    }

    [Fact]
    public async Task Rebuild_EqualNamesFromTwoPostoffices_TheFirstPostofficeOrdinallyKeepsTheName()
    {
        await _store.AddAsync(
            GalTestStore.Mailbox("aaa", "Pat Lee"),
            GalTestStore.Imported("zzz", "PAT LEE", "NET1/PO9"));

        await _store.RebuildAsync("Server1");

        Assert.Equal(
            [("PAT LEE", "zzz", "NET1/PO9"), ("Pat Lee001", "aaa", "Server1")],
            (await _store.GalAsync()).Select(e => (e.DisplayName, e.Alias, e.Postoffice)));
    }

    [Fact]
    public async Task Rebuild_EachClass_ShowsTheAddressMailTakes()
    {
        await _store.AddAsync(
            GalTestStore.Mailbox("smtp", "A Smtp", "EDK:/o=Testorg/ou=Site1/cn=smtp", "smtp:alt@site1.testorg.com", "SMTP:main@site1.testorg.com"),
            GalTestStore.Mailbox("noSmtp", "B No Smtp", "smtp:secondary@site1.testorg.com", "X400:c=US;o=Testorg;s=NoSmtp", "EDK:/o=Testorg/cn=noSmtp"),
            GalTestStore.Mailbox("none", "C None", "smtp:only-secondary@site1.testorg.com"),
            GalTestStore.CustomRecipient("remote", "D Remote", "smtp:Remote@Elsewhere.example", "SMTP:remote@site1.testorg.com"),
            GalTestStore.DistributionList("list", "E List", "SMTP:list@site1.testorg.com"),
            GalTestStore.DistributionList("bare", "F Bare"));

        await _store.RebuildAsync();

        Assert.Equal(
            [
                ("smtp", ObjectClass.Mailbox, "SMTP:main@site1.testorg.com"),
                ("noSmtp", ObjectClass.Mailbox, "X400:c=US;o=Testorg;s=NoSmtp"),
                ("none", ObjectClass.Mailbox, ""),
                ("remote", ObjectClass.CustomRecipient, "SMTP:Remote@Elsewhere.example"),
                ("list", ObjectClass.DistributionList, "SMTP:list@site1.testorg.com"),
                ("bare", ObjectClass.DistributionList, ""),
            ],
            (await _store.GalAsync()).Select(e => (e.Alias, e.Class, e.Address)));
    }

    [Fact]
    public async Task Rebuild_LocalAndImportedRecipients_ShowTheLocalPostofficeOrWhereTheyCameFrom()
    {
        var local = GalTestStore.Mailbox("local", "Local User");
        var imported = GalTestStore.Imported("remote", "Remote User", "Testorg/Site2/Server2");
        await _store.AddAsync(local, imported);

        await _store.RebuildAsync("NET1/PO1");

        Assert.Equal(
            [
                new GalEntry(1, "Local User", "local", ObjectClass.Mailbox, "", "NET1/PO1", local.Guid, "local user"),
                new GalEntry(2, "Remote User", "remote", ObjectClass.CustomRecipient, "SMTP:remote@elsewhere.example", "Testorg/Site2/Server2", imported.Guid, "remote user"),
            ],
            await _store.GalAsync());
    }

    [Fact]
    public async Task Rebuild_AccentedName_StoresTheFoldedSearchKey()
    {
        await _store.AddNamesAsync("Zoë MÜLLER-Ångström");

        await _store.RebuildAsync();

        Assert.Equal("zoe muller-angstrom", Assert.Single(await _store.GalAsync()).SearchKey);
    }

    [Fact]
    public async Task Rebuild_AfterChanges_ReplacesThePreviousListWhole()
    {
        var gone = GalTestStore.Mailbox("gone", "Gone Soon");
        await _store.AddAsync(gone, GalTestStore.Mailbox("stays", "Stays Here"));
        await _store.RebuildAsync();
        await using (var transaction = await _store.Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync(gone.Guid);
            await transaction.AddAsync(GalTestStore.Mailbox("new", "Arrived Later"));
            await transaction.CommitAsync();
        }

        var result = await _store.RebuildAsync();

        Assert.Equal([(1L, "Arrived Later"), (2L, "Stays Here")], (await _store.GalAsync()).Select(e => (e.Rank, e.DisplayName)));
        Assert.Equal(new GalRebuildResult(2, 0), result);
    }

    [Fact]
    public async Task Rebuild_EmptyDirectory_LeavesAnEmptyList()
    {
        await _store.AddNamesAsync("Someone");
        await _store.RebuildAsync();
        await using (var transaction = await _store.Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync((await _store.Store.FindByAliasAsync("m1"))!.Guid);
            await transaction.CommitAsync();
        }

        var result = await _store.RebuildAsync();

        Assert.Empty(await _store.GalAsync());
        Assert.Equal(new GalRebuildResult(0, 0), result);
    }

    [Fact]
    public async Task Rebuild_Cancelled_KeepsThePreviousList()
    {
        await _store.AddNamesAsync("Before");
        await _store.RebuildAsync();
        await _store.AddAsync(GalTestStore.Mailbox("after", "After"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new GalBuilder(_store.Time).RebuildAsync(_store.Store, "Server1", cancellationToken: cancelled.Token));

        Assert.Equal(["Before"], (await _store.GalAsync()).Select(e => e.DisplayName));
    }

    [Fact]
    public async Task Rebuild_Always_LogsEvent200WithTheCounts()
    {
        await _store.AddNamesAsync("Sam Doe", "Sam Doe", "Sam Doe", "Alex Roe");

        await _store.RebuildAsync();

        var logged = Assert.Single(await _store.Store.ListEventsAsync(10));
        Assert.Equal((200, EventSeverity.Information, "GAL rebuilt: 4 entries, 2 renamed", _store.Time.GetUtcNow()), (logged.Code, logged.Severity, logged.Message, logged.Time));
    }

    [Fact]
    public async Task LocalPostoffice_NoRequestorSetting_IsTheServerName()
    {
        Assert.Equal("Server1", await HubSettings.LocalPostofficeAsync(_store.Store));
    }

    [Theory]
    [InlineData("""{"name":"NET1/PO1","sync":4}""", "NET1/PO1")]
    [InlineData("""{"Name":"NET1/PO2"}""", "NET1/PO2")]
    [InlineData("""{"server":"hub"}""", "Server1")]
    [InlineData("""{"name":""}""", "Server1")]
    [InlineData("""["NET1/PO1"]""", "Server1")]
    public async Task LocalPostoffice_RequestorSetting_UsesItsName(string json, string expected)
    {
        await _store.SetSettingAsync(HubSettings.RequestorKey, json);

        Assert.Equal(expected, await HubSettings.LocalPostofficeAsync(_store.Store));
    }

    [Fact]
    public async Task LocalPostoffice_SettingIsNotJson_FailsAsAStoreError()
    {
        await _store.SetSettingAsync(HubSettings.RequestorKey, "{name: PO1");

        var error = await Assert.ThrowsAsync<DirSyncException>(() => HubSettings.LocalPostofficeAsync(_store.Store));

        Assert.Equal(ErrorCategory.Store, error.Category);
        Assert.StartsWith("cannot tell this postoffice's name: the stored setting 'requestor' is not valid JSON (", error.Message, StringComparison.Ordinal);
    }
}
