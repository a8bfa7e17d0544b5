using DirSync.Core;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Tests.Support;

namespace DirSync.Tests.Storage;

/// <summary>What every store backend must do; one sealed subclass per backend runs it.</summary>
public abstract class DirectoryStoreContractTests : IAsyncLifetime
{
    protected ManualTimeProvider Time { get; } = new();

    protected IDirectoryStore Store { get; set; } = null!;

    /// <summary>Creates a new, initialized store (Recipients container, SMTP and EDK templates) on site Site1 of Testorg.</summary>
    protected abstract Task<IDirectoryStore> CreateStoreAsync(TimeProvider time);

    /// <summary>Closes the store and opens it again from its persisted state.</summary>
    protected abstract Task<IDirectoryStore> ReopenAsync(IDirectoryStore store);

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync(Time);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static DirectoryObject Mailbox(string alias, params string[] proxies)
    {
        var value = new DirectoryObject(Guid.NewGuid(), ObjectClass.Mailbox, alias, DirectoryPath.Recipients) { DisplayName = alias + " display" };
        value.ProxyAddresses.AddRange(proxies.Select(ProxyAddress.Parse));
        return value;
    }

    protected async Task<DirectoryObject> AddAsync(DirectoryObject value)
    {
        await using var transaction = await Store.BeginTransactionAsync();
        await transaction.AddAsync(value);
        await transaction.CommitAsync();
        return value;
    }

    protected async Task<List<DirectoryObject>> ChangesSinceAsync(long usn)
    {
        var changes = new List<DirectoryObject>();
        await foreach (var value in Store.GetChangesSinceAsync(usn))
        {
            changes.Add(value);
        }

        return changes;
    }

    protected async Task<List<string>> AliasesAsync(RecipientFilter filter)
    {
        var aliases = new List<string>();
        await foreach (var value in Store.ListAsync(filter))
        {
            aliases.Add(value.Alias);
        }

        return aliases;
    }

    [Fact]
    public async Task Create_NewStore_HasIdentityRecipientsContainerAndDefaultTemplates()
    {
        Assert.NotEqual(Guid.Empty, Store.Info.Identity);
        Assert.Equal(("Testorg", "Site1", "Server1"), (Store.Info.Organization, Store.Info.Site, Store.Info.Server));
        var containers = await Store.ListContainersAsync();
        Assert.Equal(["Recipients"], containers.Select(c => c.Path.Value));
        var templates = await Store.GetAddressTemplatesAsync();
        Assert.Equal(
            [new AddressTemplateSetting("EDK", "%m@Site1.Testorg.com"), new AddressTemplateSetting("SMTP", "%m@Site1.Testorg.com")],
            templates);
        Assert.Equal(0, await Store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task Add_EachObject_TakesTheNextUsnAndTheClockTime()
    {
        var first = await AddAsync(Mailbox("Mailbox11"));
        Time.Advance(TimeSpan.FromMinutes(5));
        var second = await AddAsync(Mailbox("Mailbox12"));

        Assert.Equal((1L, 1L), (first.UsnCreated, first.UsnChanged));
        Assert.Equal((2L, 2L), (second.UsnCreated, second.UsnChanged));
        Assert.Equal(2, await Store.GetHighestUsnAsync());
        var stored = await Store.FindByAliasAsync("mailbox12");
        Assert.NotNull(stored);
        Assert.Equal(Time.GetUtcNow(), stored.WhenCreated);
        Assert.Equal(second.Guid, stored.Guid);
    }

    [Fact]
    public async Task Write_TimesItReports_AreTheTimesAReadReturns()
    {
        // 1.2345 ms past the start: finer than a store need keep.
        Time.Advance(TimeSpan.FromTicks(12_345));
        var value = await AddAsync(Mailbox("Mailbox11"));
        Time.Advance(TimeSpan.FromTicks(12_345));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            value.DisplayName = "Mailbox Eleven";
            await transaction.UpdateAsync(value);
            await transaction.CommitAsync();
        }

        var stored = await Store.FindByGuidAsync(value.Guid);
        Assert.NotNull(stored);
        Assert.Equal((stored.WhenCreated, stored.WhenChanged), (value.WhenCreated, value.WhenChanged));
        Assert.True(value.WhenChanged > value.WhenCreated);
    }

    [Fact]
    public async Task Update_KeepsUsnCreatedAndTakesANewUsnChanged()
    {
        var value = await AddAsync(Mailbox("Mailbox11"));
        await AddAsync(Mailbox("Mailbox12"));

        await using (var transaction = await Store.BeginTransactionAsync())
        {
            value.DisplayName = "Mailbox Eleven";
            await transaction.UpdateAsync(value);
            await transaction.CommitAsync();
        }

        var stored = await Store.FindByGuidAsync(value.Guid);
        Assert.NotNull(stored);
        Assert.Equal((1L, 3L), (stored.UsnCreated, stored.UsnChanged));
        Assert.Equal("Mailbox Eleven", stored.DisplayName);
    }

    [Fact]
    public async Task Delete_LeavesTombstoneWithNextUsnAndFreesAliasAndAddresses()
    {
        var value = await AddAsync(Mailbox("Mailbox11", "SMTP:Mailbox11@Site1.Testorg.com"));

        DirectoryObject tombstone;
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            tombstone = await transaction.DeleteAsync(value.Guid);
            await transaction.CommitAsync();
        }

        Assert.True(tombstone.IsDeleted);
        Assert.Equal((1L, 2L), (tombstone.UsnCreated, tombstone.UsnChanged));
        Assert.Null(await Store.FindByAliasAsync("Mailbox11"));
        Assert.Null(await Store.FindByGuidAsync(value.Guid));
        Assert.NotNull(await Store.FindByGuidAsync(value.Guid, includeDeleted: true));
        Assert.Null(await Store.FindAddressOwnerAsync(ProxyAddress.Parse("SMTP:Mailbox11@Site1.Testorg.com")));

        var again = await AddAsync(Mailbox("Mailbox11", "SMTP:Mailbox11@Site1.Testorg.com"));
        Assert.Equal(3, again.UsnCreated);
    }

    [Fact]
    public async Task GetChangesSince_AtBoundary_ExcludesTheWatermarkAndIncludesWhatFollows()
    {
        var a = await AddAsync(Mailbox("A"));
        var b = await AddAsync(Mailbox("B"));
        var c = await AddAsync(Mailbox("C"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync(a.Guid);
            await transaction.CommitAsync();
        }

        Assert.Equal(["B", "C", "A"], (await ChangesSinceAsync(0)).Select(x => x.Alias));
        Assert.Equal(["C", "A"], (await ChangesSinceAsync(2)).Select(x => x.Alias));
        Assert.Equal([3L, 4L], (await ChangesSinceAsync(2)).Select(x => x.UsnChanged));
        Assert.Equal([false, true], (await ChangesSinceAsync(2)).Select(x => x.IsDeleted));
        Assert.Equal(["A"], (await ChangesSinceAsync(3)).Select(x => x.Alias));
        Assert.Empty(await ChangesSinceAsync(4));
        Assert.Equal(b.Guid, (await ChangesSinceAsync(1))[0].Guid);
        Assert.Equal(c.Guid, (await ChangesSinceAsync(1))[1].Guid);
    }

    [Fact]
    public async Task GetChangesSince_ObjectChangedTwice_AppearsOnceAtItsLatestUsn()
    {
        var a = await AddAsync(Mailbox("A"));
        await AddAsync(Mailbox("B"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            a.DisplayName = "A1";
            await transaction.UpdateAsync(a);
            a.DisplayName = "A2";
            await transaction.UpdateAsync(a);
            await transaction.CommitAsync();
        }

        var changes = await ChangesSinceAsync(0);
        Assert.Equal(["B", "A"], changes.Select(x => x.Alias));
        Assert.Equal(4, changes[1].UsnChanged);
        Assert.Equal("A2", changes[1].DisplayName);
    }

    [Fact]
    public async Task Transaction_DisposedWithoutCommit_LeavesNothingBehind()
    {
        await AddAsync(Mailbox("Kept"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
            await transaction.AddAsync(Mailbox("Lost", "SMTP:lost@x.com"));
            await transaction.SetAddressTemplateAsync("X400", "c=US;s=%s;");
            Assert.Equal(2, await transaction.GetHighestUsnAsync());
            Assert.NotNull(await transaction.FindByAliasAsync("Lost"));
        }

        Assert.Null(await Store.FindByAliasAsync("Lost"));
        Assert.Null(await Store.FindAddressOwnerAsync(ProxyAddress.Parse("SMTP:lost@x.com")));
        Assert.Equal(1, await Store.GetHighestUsnAsync());
        Assert.False(await Store.ContainerExistsAsync(DirectoryPath.Parse("Recipients/Sales")));
        Assert.Equal(["EDK", "SMTP"], (await Store.GetAddressTemplatesAsync()).Select(t => t.AddressType));
        Assert.Equal(2, (await AddAsync(Mailbox("Next"))).UsnCreated);
    }

    [Fact]
    public async Task Add_DuplicateAliasInAnyCase_ThrowsConflictAndKeepsStore()
    {
        await AddAsync(Mailbox("Mailbox11"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            var error = await Assert.ThrowsAsync<ConflictException>(async () => await transaction.AddAsync(Mailbox("MAILBOX11")));
            Assert.Equal("the alias 'MAILBOX11' is already used by another recipient", error.Message);
        }

        Assert.Equal(1, await Store.GetHighestUsnAsync());
        Assert.Equal(["Mailbox11"], await AliasesAsync(RecipientFilter.All));
    }

    [Fact]
    public async Task Add_AddressHeldByAnother_ThrowsConflictNamingTheAddress()
    {
        await AddAsync(Mailbox("A", "SMTP:shared@example.com"));
        await using var transaction = await Store.BeginTransactionAsync();
        var error = await Assert.ThrowsAsync<ConflictException>(async () => await transaction.AddAsync(Mailbox("B", "smtp:SHARED@example.com")));
        Assert.Equal("the address smtp:SHARED@example.com is already used by another recipient", error.Message);
    }

    [Fact]
    public async Task Update_ChangedAddresses_MovesTheAddressIndex()
    {
        var value = await AddAsync(Mailbox("A", "SMTP:old@example.com"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            value.ProxyAddresses.Clear();
            value.ProxyAddresses.Add(ProxyAddress.Parse("SMTP:new@example.com"));
            await transaction.UpdateAsync(value);
            await transaction.CommitAsync();
        }

        Assert.Null(await Store.FindAddressOwnerAsync(ProxyAddress.Parse("SMTP:old@example.com")));
        Assert.Equal(value.Guid, await Store.FindAddressOwnerAsync(ProxyAddress.Parse("smtp:NEW@example.com")));
    }

    [Fact]
    public async Task Update_UnknownGuid_ThrowsNotFound()
    {
        await using var transaction = await Store.BeginTransactionAsync();
        await Assert.ThrowsAsync<NotFoundException>(async () => await transaction.UpdateAsync(Mailbox("Ghost")));
    }

    [Fact]
    public async Task Attributes_AllKindsOfValues_RoundTripThroughTheStore()
    {
        var value = Mailbox("Müller", "SMTP:mueller@example.com", "smtp:alt@example.com", "X400:c=DE;a= ;p=Org;s=Müller;");
        value.DisplayName = "Jörg Müller, 日本語";
        value.Attributes.Set(AttributeCatalog.GivenName, ["Jörg"]);
        value.Attributes.Set(AttributeCatalog.Get("otherTelephone"), ["+49 1", "+49 2", "+49 3"]);
        value.Attributes.Set(AttributeCatalog.Get("Extension-Attribute-15"), [new string('x', 1024)]);
        value.Attributes.Set(AttributeCatalog.Get("info"), ["line one\nline two"]);
        await AddAsync(value);

        var stored = await Store.FindByAliasAsync("MÜLLER");
        Assert.NotNull(stored);
        Assert.True(stored.ContentEquals(value));
        Assert.Equal(["+49 1", "+49 2", "+49 3"], stored.Attributes.Get(AttributeCatalog.Get("otherTelephone")));
        Assert.Equal(["SMTP:mueller@example.com", "smtp:alt@example.com", "X400:c=DE;a= ;p=Org;s=Müller;"], stored.ProxyAddresses.Select(p => p.ToString()));
    }

    [Fact]
    public async Task CustomRecipient_TargetAndOrigin_AreStoredAndFoundByOrigin()
    {
        var anchor = Guid.NewGuid();
        var value = new DirectoryObject(Guid.NewGuid(), ObjectClass.CustomRecipient, "Mailbox21", DirectoryPath.Recipients)
        {
            TargetAddress = ProxyAddress.Parse("EDK:Mailbox21@Site2.Testorg.com"),
            Origin = new ObjectOrigin("source-2", anchor, "Testorg/Site2/Server2"),
        };
        await AddAsync(value);

        var found = await Store.FindByOriginAsync("source-2", anchor);
        Assert.NotNull(found);
        Assert.Equal(value.Guid, found.Guid);
        Assert.Equal("EDK:Mailbox21@Site2.Testorg.com", found.TargetAddress?.ToString());
        Assert.Equal(new ObjectOrigin("source-2", anchor, "Testorg/Site2/Server2"), found.Origin);
        Assert.Null(await Store.FindByOriginAsync("source-3", anchor));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public async Task ListOrigins_OneSource_YieldsItsLiveObjectsOriginsOnly(int localMailboxes)
    {
        // With few other objects the source holds much of the store, with many it holds little: a store may
        // read the two cases differently (a table scan, an index), and both must answer the same.
        for (var n = 0; n < localMailboxes; n++)
        {
            await AddAsync(Mailbox($"Local{n}"));
        }

        var first = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var second = Guid.Parse("00000000-0000-0000-0000-000000000002");
        var gone = Guid.Parse("00000000-0000-0000-0000-000000000003");
        foreach (var (alias, source, anchor, from) in new[]
        {
            ("Custom1", "source-2", first, "NET/PO1"),
            ("Custom2", "source-2", second, "NET/PO2"),
            ("Custom3", "source-2", gone, "NET/PO1"),
            ("Other", "source-3", first, "NET/PO9"),
        })
        {
            await AddAsync(new DirectoryObject(Guid.NewGuid(), ObjectClass.CustomRecipient, alias, DirectoryPath.Recipients)
            {
                TargetAddress = ProxyAddress.Parse($"SMTP:{alias}@example.com"),
                Origin = new ObjectOrigin(source, anchor, from),
            });
        }

        await AddAsync(Mailbox("Local"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync((await transaction.FindByOriginAsync("source-2", gone))!.Guid);
            await transaction.CommitAsync();
        }

        var origins = new List<ObjectOrigin>();
        await foreach (var origin in Store.ListOriginsAsync("source-2"))
        {
            origins.Add(origin);
        }

        Assert.Equal(
            [new ObjectOrigin("source-2", first, "NET/PO1"), new ObjectOrigin("source-2", second, "NET/PO2")],
            origins.OrderBy(o => o.Anchor));
    }

    [Fact]
    public async Task FindAliasOwner_LiveAliasInAnyCase_ReturnsItsAnchorAndTombstonesDoNot()
    {
        var value = await AddAsync(Mailbox("Mailbox11"));
        Assert.Equal(value.Guid, await Store.FindAliasOwnerAsync("MAILBOX11"));
        Assert.Null(await Store.FindAliasOwnerAsync("Mailbox12"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync(value.Guid);
            await transaction.CommitAsync();
        }

        Assert.Null(await Store.FindAliasOwnerAsync("Mailbox11"));
    }

    [Fact]
    public async Task FindMember_LiveAliasInAnyCase_ReturnsItsAnchorAndStoredAliasAndTombstonesDoNot()
    {
        var value = await AddAsync(Mailbox("Mailbox11"));
        Assert.Equal(new MemberRef(value.Guid, "Mailbox11"), await Store.FindMemberAsync("MAILBOX11"));
        Assert.Null(await Store.FindMemberAsync("Mailbox12"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            Assert.Equal(new MemberRef(value.Guid, "Mailbox11"), await transaction.FindMemberAsync("mailbox11"));
            await transaction.DeleteAsync(value.Guid);
            Assert.Null(await transaction.FindMemberAsync("Mailbox11"));
            await transaction.CommitAsync();
        }

        Assert.Null(await Store.FindMemberAsync("Mailbox11"));
    }

    [Fact]
    public async Task AddList_WithAMemberFoundAndThenDeletedInTheTransaction_IsRefused()
    {
        var a = await AddAsync(Mailbox("A"));
        var b = await AddAsync(Mailbox("B"));
        await using var transaction = await Store.BeginTransactionAsync();
        var found = await transaction.FindMemberAsync("A");
        Assert.Equal(new MemberRef(a.Guid, "A"), found);
        Assert.Equal(new MemberRef(b.Guid, "B"), await transaction.FindMemberAsync("B"));
        await transaction.DeleteAsync(a.Guid);

        var list = new DirectoryObject(Guid.NewGuid(), ObjectClass.DistributionList, "List", DirectoryPath.Recipients);
        list.Members.Add(new MemberRef(b.Guid, "B"));
        list.Members.Add(found!);
        var refused = await Assert.ThrowsAsync<NotFoundException>(async () => await transaction.AddAsync(list));
        Assert.Equal("member 'A' does not exist", refused.Message);
    }

    [Fact]
    public async Task AddList_WithMembersFoundInTheTransaction_WritesEachMembershipOnce()
    {
        var a = await AddAsync(Mailbox("A"));
        var b = await AddAsync(Mailbox("B"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            var list = new DirectoryObject(Guid.NewGuid(), ObjectClass.DistributionList, "List", DirectoryPath.Recipients);
            list.Members.Add((await transaction.FindMemberAsync("b"))!);
            list.Members.Add((await transaction.FindMemberAsync("A"))!);
            await transaction.AddAsync(list);

            // A second list names the same members without finding them again: they are found by their anchors.
            var second = new DirectoryObject(Guid.NewGuid(), ObjectClass.DistributionList, "Second", DirectoryPath.Recipients);
            second.Members.Add(new MemberRef(a.Guid, "A"));
            await transaction.AddAsync(second);
            await transaction.CommitAsync();
        }

        Assert.Equal(["A", "B"], (await Store.FindByAliasAsync("List"))!.Members.Select(m => m.Alias));
        Assert.Equal([a.Guid], (await Store.FindByAliasAsync("Second"))!.Members.Select(m => m.Guid));
    }

    [Fact]
    public async Task DisplayNameExists_IgnoresCaseAndTheGivenObject()
    {
        var value = await AddAsync(Mailbox("A"));
        Assert.True(await Store.DisplayNameExistsAsync("a DISPLAY"));
        Assert.False(await Store.DisplayNameExistsAsync("A display", except: value.Guid));
        Assert.False(await Store.DisplayNameExistsAsync("B display"));
    }

    [Fact]
    public async Task List_FiltersByContainerClassAndOrigin_OrderedByAlias()
    {
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
            await transaction.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales/West"));
            await transaction.CommitAsync();
        }

        await AddAsync(Mailbox("zeta"));
        var sales = Mailbox("Bravo");
        sales.Container = DirectoryPath.Parse("recipients/sales");
        await AddAsync(sales);
        var west = Mailbox("alpha");
        west.Container = DirectoryPath.Parse("Recipients/Sales/West");
        await AddAsync(west);
        await AddAsync(new DirectoryObject(Guid.NewGuid(), ObjectClass.CustomRecipient, "Charlie", DirectoryPath.Recipients)
        {
            TargetAddress = ProxyAddress.Parse("SMTP:c@x.com"),
            Origin = new ObjectOrigin("src", Guid.NewGuid(), "src"),
        });

        Assert.Equal(["alpha", "Bravo", "Charlie", "zeta"], await AliasesAsync(RecipientFilter.All));
        Assert.Equal(["Bravo"], await AliasesAsync(new RecipientFilter(DirectoryPath.Parse("Recipients/Sales"))));
        Assert.Equal(["alpha", "Bravo"], await AliasesAsync(new RecipientFilter(DirectoryPath.Parse("Recipients/Sales"), IncludeSubcontainers: true)));
        Assert.Equal(["Charlie"], await AliasesAsync(new RecipientFilter(Class: ObjectClass.CustomRecipient)));
        Assert.Equal(["Charlie"], await AliasesAsync(new RecipientFilter(OriginSource: "src")));
        var counts = await Store.ListContainersAsync();
        Assert.Equal(
            [("Recipients", 2L), ("Recipients/Sales", 1L), ("Recipients/Sales/West", 1L)],
            counts.Select(c => (c.Path.Value, c.RecipientCount)));
    }

    [Fact]
    public async Task AddAndUpdate_ContainerInAnotherCase_ReportTheContainersSpelling()
    {
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
            await transaction.CommitAsync();
        }

        var value = Mailbox("A");
        value.Container = DirectoryPath.Parse("RECIPIENTS/sales");
        await AddAsync(value);
        Assert.Equal("Recipients/Sales", value.Container.Value);

        await using (var transaction = await Store.BeginTransactionAsync())
        {
            value.Container = DirectoryPath.Parse("recipients");
            await transaction.UpdateAsync(value);
            await transaction.CommitAsync();
        }

        Assert.Equal("Recipients", value.Container.Value);
        Assert.Equal("Recipients", (await Store.FindByGuidAsync(value.Guid))?.Container.Value);
    }

    [Fact]
    public async Task AddContainer_MissingParentOrDuplicate_Throws()
    {
        await using var transaction = await Store.BeginTransactionAsync();
        var missing = await Assert.ThrowsAsync<NotFoundException>(async () => await transaction.AddContainerAsync(DirectoryPath.Parse("Recipients/A/B")));
        Assert.Equal("container 'Recipients/A' does not exist; add it first ('dirsync container add Recipients/A')", missing.Message);
        var duplicate = await Assert.ThrowsAsync<ConflictException>(async () => await transaction.AddContainerAsync(DirectoryPath.Parse("RECIPIENTS")));
        Assert.Equal("container 'RECIPIENTS' already exists", duplicate.Message);
    }

    [Fact]
    public async Task Add_ToMissingContainer_ThrowsNotFound()
    {
        var value = Mailbox("A");
        value.Container = DirectoryPath.Parse("Nowhere");
        await using var transaction = await Store.BeginTransactionAsync();
        await Assert.ThrowsAsync<NotFoundException>(async () => await transaction.AddAsync(value));
    }

    [Fact]
    public async Task Delete_MemberOfList_RemovesMembershipAndChangesTheListWithItsOwnUsn()
    {
        var a = await AddAsync(Mailbox("A"));
        var b = await AddAsync(Mailbox("B"));
        var list = new DirectoryObject(Guid.NewGuid(), ObjectClass.DistributionList, "List", DirectoryPath.Recipients);
        list.Members.Add(new MemberRef(a.Guid, "A"));
        list.Members.Add(new MemberRef(b.Guid, "B"));
        await AddAsync(list);
        Assert.Equal(["A", "B"], (await Store.FindByAliasAsync("List"))!.Members.Select(m => m.Alias));

        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync(a.Guid);
            await transaction.CommitAsync();
        }

        var after = await Store.FindByAliasAsync("List");
        Assert.NotNull(after);
        Assert.Equal(["B"], after.Members.Select(m => m.Alias));
        Assert.Equal(4, after.UsnChanged);
        Assert.Equal([("List", 4L), ("A", 5L)], (await ChangesSinceAsync(3)).Select(x => (x.Alias, x.UsnChanged)));
    }

    [Fact]
    public async Task PurgeTombstones_RemovesOnlyOlderTombstonesAndRecordsTheHighestPurgedUsn()
    {
        var old = await AddAsync(Mailbox("Old"));
        var recent = await AddAsync(Mailbox("Recent"));
        await AddAsync(Mailbox("Alive"));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync(old.Guid);
            await transaction.CommitAsync();
        }

        Time.Advance(TimeSpan.FromDays(30));
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            await transaction.DeleteAsync(recent.Guid);
            await transaction.CommitAsync();
        }

        Time.Advance(TimeSpan.FromDays(31));
        int purged;
        await using (var transaction = await Store.BeginTransactionAsync())
        {
            purged = await transaction.PurgeTombstonesAsync(Time.GetUtcNow() - TimeSpan.FromDays(60));
            await transaction.CommitAsync();
        }

        Assert.Equal(1, purged);
        Assert.Equal(4, await Store.GetPurgedThroughUsnAsync());
        Assert.Null(await Store.FindByGuidAsync(old.Guid, includeDeleted: true));
        Assert.NotNull(await Store.FindByGuidAsync(recent.Guid, includeDeleted: true));
        Assert.Equal(["Alive", "Recent"], (await ChangesSinceAsync(0)).Select(x => x.Alias));
    }

    [Fact]
    public async Task Reopen_KeepsIdentityObjectsAndUsn()
    {
        var identity = Store.Info.Identity;
        var value = await AddAsync(Mailbox("Persisted", "SMTP:p@x.com"));
        Store = await ReopenAsync(Store);

        Assert.Equal(identity, Store.Info.Identity);
        Assert.Equal(1, await Store.GetHighestUsnAsync());
        var stored = await Store.FindByAliasAsync("Persisted");
        Assert.NotNull(stored);
        Assert.True(stored.ContentEquals(value));
        Assert.Equal(2, (await AddAsync(Mailbox("Next"))).UsnCreated);
    }
}
