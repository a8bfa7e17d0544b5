using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Admin;

/// <summary>The administrator's operations, each in its own transaction, against a real SQLite store on Site1 of Testorg.</summary>
public sealed class DirectoryAdminTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new();
    private SqliteDirectoryStore _store = null!;
    private DirectoryAdmin _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await StoreFactory.CreateAsync(_folder.File("store.db"), time: _time);
        _admin = new DirectoryAdmin(_store, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private Task<DirectoryObject> AddAsync(ObjectClass objectClass, string alias, params string[] settings) =>
        _admin.AddRecipientAsync(objectClass, alias, Changes.Of(settings));

    private async Task<string[]> AddressesAsync(string alias) =>
        [.. (await _admin.GetRecipientAsync(alias)).ProxyAddresses.Select(p => p.ToString())];

    private async Task<string> SnapshotAsync()
    {
        var lines = new List<string> { $"usn {await _store.GetHighestUsnAsync()} purged {await _store.GetPurgedThroughUsnAsync()}" };
        lines.AddRange((await _store.GetAddressTemplatesAsync()).Select(t => $"template {t.AddressType} {t.Template}"));
        lines.AddRange((await _store.ListContainersAsync()).Select(c => $"container {c.Path} {c.RecipientCount}"));
        await foreach (var value in _store.GetChangesSinceAsync(0))
        {
            lines.Add($"{value.UsnChanged} {value.Class} {value.Alias} {value.IsDeleted} {string.Join(',', value.ProxyAddresses)} {string.Join(',', value.Members.Select(m => m.Alias))}");
        }

        return string.Join('\n', lines);
    }

    private async Task<TException> AssertFailsUnchangedAsync<TException>(Func<Task> action)
        where TException : Exception
    {
        var before = await SnapshotAsync();
        var error = await Assert.ThrowsAsync<TException>(action);
        Assert.Equal(before, await SnapshotAsync());
        return error;
    }

    [Fact]
    public async Task AddRecipientAsync_Mailbox_IsCommittedWithTheSeedsAddresses()
    {
        await AddAsync(ObjectClass.Mailbox, "Mailbox11");

        await using var reopened = await SqliteDirectoryStore.OpenAsync(_folder.File("store.db"));
        var stored = await reopened.FindByAliasAsync("Mailbox11");
        Assert.NotNull(stored);
        Assert.Equal(["EDK:Mailbox11@Site1.Testorg.com", "SMTP:Mailbox11@Site1.Testorg.com"], stored.ProxyAddresses.Select(p => p.ToString()));
        Assert.Equal(_time.GetUtcNow(), stored.WhenCreated);
        Assert.Equal(1, await reopened.GetHighestUsnAsync());
    }

    [Fact]
    public async Task AddRecipientAsync_RuleBrokenAfterOtherChecks_WritesNothing()
    {
        await AddAsync(ObjectClass.Mailbox, "A");

        var error = await AssertFailsUnchangedAsync<NotFoundException>(() => AddAsync(ObjectClass.DistributionList, "List", "member=A", "member=Nobody"));

        Assert.Equal("recipient 'Nobody' does not exist; a member must exist before it is added to a list", error.Message);
    }

    [Fact]
    public async Task SetRecipientAsync_Change_IsCommittedWithTheNextUsn()
    {
        await AddAsync(ObjectClass.Mailbox, "A");

        var result = await _admin.SetRecipientAsync(ObjectClass.Mailbox, "a", Changes.Of("title=Manager"));

        Assert.True(result.Changed);
        Assert.Equal(2, result.Value.UsnChanged);
        Assert.Equal("Manager", (await _admin.GetRecipientAsync("A")).Attributes.GetSingle(AttributeCatalog.Get("title")));
    }

    [Fact]
    public async Task SetRecipientAsync_NothingDiffers_ReportsUnchangedAndTakesNoUsn()
    {
        await AddAsync(ObjectClass.Mailbox, "A", "title=Manager");

        var before = await SnapshotAsync();
        var result = await _admin.SetRecipientAsync(ObjectClass.Mailbox, "A", Changes.Of("title=Manager"));

        Assert.False(result.Changed);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData(ObjectClass.Mailbox, ObjectClass.DistributionList, "'X' is a mailbox, not a distribution-list; use 'dirsync mailbox set X'")]
    [InlineData(ObjectClass.Mailbox, ObjectClass.CustomRecipient, "'X' is a mailbox, not a custom-recipient; use 'dirsync mailbox set X'")]
    [InlineData(ObjectClass.DistributionList, ObjectClass.Mailbox, "'X' is a distribution-list, not a mailbox; use 'dirsync dl set X'")]
    [InlineData(ObjectClass.CustomRecipient, ObjectClass.Mailbox, "'X' is a custom-recipient, not a mailbox; use 'dirsync custom-recipient set X'")]
    public async Task SetRecipientAsync_WrongClass_NamesTheRightCommand(ObjectClass actual, ObjectClass asked, string expected)
    {
        await AddAsync(actual, "X", actual == ObjectClass.CustomRecipient ? ["targetAddress=SMTP:x@example.net"] : []);

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => _admin.SetRecipientAsync(asked, "x", Changes.Of("title=Manager")));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData(ObjectClass.Mailbox, ObjectClass.DistributionList, "'X' is a mailbox, not a distribution-list; use 'dirsync mailbox remove X'")]
    [InlineData(ObjectClass.DistributionList, ObjectClass.CustomRecipient, "'X' is a distribution-list, not a custom-recipient; use 'dirsync dl remove X'")]
    [InlineData(ObjectClass.CustomRecipient, ObjectClass.DistributionList, "'X' is a custom-recipient, not a distribution-list; use 'dirsync custom-recipient remove X'")]
    public async Task RemoveRecipientAsync_WrongClass_NamesTheRightCommandAndRemovesNothing(ObjectClass actual, ObjectClass asked, string expected)
    {
        await AddAsync(actual, "X", actual == ObjectClass.CustomRecipient ? ["targetAddress=SMTP:x@example.net"] : []);

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => _admin.RemoveRecipientAsync(asked, "X"));

        Assert.Equal(expected, error.Message);
        Assert.Equal("X", (await _admin.GetRecipientAsync("X")).Alias);
    }

    [Fact]
    public async Task SetAndRemove_UnknownRecipient_ThrowNotFound()
    {
        var set = await AssertFailsUnchangedAsync<NotFoundException>(() => _admin.SetRecipientAsync(ObjectClass.Mailbox, "Ghost", Changes.Of("title=x")));
        var remove = await AssertFailsUnchangedAsync<NotFoundException>(() => _admin.RemoveRecipientAsync(ObjectClass.Mailbox, "Ghost"));
        var get = await Assert.ThrowsAsync<NotFoundException>(() => _admin.GetRecipientAsync("Ghost"));

        Assert.Equal("recipient 'Ghost' does not exist; see 'dirsync recipients list'", set.Message);
        Assert.Equal(set.Message, remove.Message);
        Assert.Equal(set.Message, get.Message);
        Assert.Equal(("recipient", "Ghost"), (get.Kind, get.Name));
    }

    [Fact]
    public async Task RemoveRecipientAsync_Mailbox_LeavesATombstone()
    {
        var value = await AddAsync(ObjectClass.Mailbox, "A");

        var tombstone = await _admin.RemoveRecipientAsync(ObjectClass.Mailbox, "A");

        Assert.True(tombstone.IsDeleted);
        Assert.Equal(2, tombstone.UsnChanged);
        Assert.True((await _store.FindByGuidAsync(value.Guid, includeDeleted: true))?.IsDeleted);
        Assert.Null(await _store.FindByAliasAsync("A"));
    }

    [Fact]
    public async Task SetAddressTemplateAsync_NewSmtpTemplate_RegeneratesSmtpOnEveryRecipientAndNothingElse()
    {
        await AddAsync(ObjectClass.Mailbox, "dougd", "givenName=Doug", "sn=Dosdall");
        await AddAsync(ObjectClass.Mailbox, "Mailbox11");
        await AddAsync(ObjectClass.CustomRecipient, "joe", "targetAddress=SMTP:joe@example.net");
        await AddAsync(ObjectClass.DistributionList, "List", "member=dougd");

        var changed = await _admin.SetAddressTemplateAsync("smtp", "%g.%s@Testorg.com");

        Assert.Equal(3, changed);
        Assert.Equal(7, await _store.GetHighestUsnAsync());
        Assert.Equal(["EDK:dougd@Site1.Testorg.com", "smtp:dougd@Site1.Testorg.com", "SMTP:Doug.Dosdall@Testorg.com"], await AddressesAsync("dougd"));
        Assert.Equal(["EDK:Mailbox11@Site1.Testorg.com", "smtp:Mailbox11@Site1.Testorg.com", "SMTP:Mailbox11@Testorg.com"], await AddressesAsync("Mailbox11"));
        Assert.Equal(["SMTP:joe@example.net", "EDK:joe@Site1.Testorg.com"], await AddressesAsync("joe"));
        Assert.Equal(["EDK:List@Site1.Testorg.com", "smtp:List@Site1.Testorg.com", "SMTP:List@Testorg.com"], await AddressesAsync("List"));
        Assert.Equal(
            [new AddressTemplateSetting("EDK", "%m@Site1.Testorg.com"), new AddressTemplateSetting("SMTP", "%g.%s@Testorg.com")],
            await _store.GetAddressTemplatesAsync());
    }

    [Fact]
    public async Task SetAddressTemplateAsync_TwoRecipientsWithTheSameNames_SecondFallsBackToItsAlias()
    {
        await AddAsync(ObjectClass.Mailbox, "jsmith", "givenName=John", "sn=Smith");
        await AddAsync(ObjectClass.Mailbox, "johns", "givenName=John", "sn=Smith");

        var changed = await _admin.SetAddressTemplateAsync("SMTP", "%g.%s@Testorg.com");

        // Recipients are regenerated in alias order: johns comes first and gets the name form.
        Assert.Equal(2, changed);
        Assert.Equal("SMTP:John.Smith@Testorg.com", (await _admin.GetRecipientAsync("johns")).GetPrimaryAddress("SMTP")?.ToString());
        Assert.Equal("SMTP:jsmith@Testorg.com", (await _admin.GetRecipientAsync("jsmith")).GetPrimaryAddress("SMTP")?.ToString());
    }

    [Fact]
    public async Task SetAddressTemplateAsync_NewAddressType_AddsItToEveryRecipient()
    {
        await AddAsync(ObjectClass.Mailbox, "dougd", "givenName=Doug", "sn=Dosdall");
        await AddAsync(ObjectClass.Mailbox, "Mailbox11");

        var changed = await _admin.SetAddressTemplateAsync("X400", "c=US;a= ;p=Testorg;o=Site1;s=%s;g=%g;");

        Assert.Equal(2, changed);
        Assert.Equal(["EDK:dougd@Site1.Testorg.com", "SMTP:dougd@Site1.Testorg.com", "X400:c=US;a= ;p=Testorg;o=Site1;s=Dosdall;g=Doug;"], await AddressesAsync("dougd"));
        Assert.Equal("X400:c=US;a= ;p=Testorg;o=Site1;s=Mailbox11;", (await _admin.GetRecipientAsync("Mailbox11")).GetPrimaryAddress("X400")?.ToString());
    }

    [Fact]
    public async Task SetAddressTemplateAsync_SameTemplateAgain_ChangesNobody()
    {
        await AddAsync(ObjectClass.Mailbox, "Mailbox11");

        var before = await SnapshotAsync();
        var changed = await _admin.SetAddressTemplateAsync("SMTP", "%m@Site1.Testorg.com");

        Assert.Equal(0, changed);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("SMTP", "%q@x.com", "invalid template '%q@x.com' for SMTP: unknown token '%q' at position 1; valid tokens are %g (given name), %s (surname), %d (display name), %m (alias), %i (initials), %% (a literal %), %rXY (replace X by Y in what follows; X = Y deletes X), with an optional length digit 1-9 as in %1g")]
    [InlineData("SMTP", "%m", "invalid template '%m' for SMTP: the template needs '@' followed by a literal domain, as in %g.%s@example.com")]
    [InlineData("SMTP", "sales@x.com", "invalid template 'sales@x.com' for SMTP: the template has no field token (%g, %s, %d, %m or %i), so every recipient would get the same address")]
    [InlineData("S MTP", "%m@x.com", "invalid template '%m@x.com' for S MTP: 'S MTP' is not an address type (1 to 16 letters, digits, '-' or '_')")]
    public async Task SetAddressTemplateAsync_InvalidTemplate_ThrowsAndChangesNothing(string type, string template, string expected)
    {
        await AddAsync(ObjectClass.Mailbox, "Mailbox11");

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => _admin.SetAddressTemplateAsync(type, template));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task AddContainerAsync_UnderAnExistingParent_IsListed()
    {
        await _admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
        await _admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales/West"));

        Assert.Equal(["Recipients", "Recipients/Sales", "Recipients/Sales/West"], (await _store.ListContainersAsync()).Select(c => c.Path.Value));
        Assert.Equal(0, await _store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task AddContainerAsync_ExistingOrOrphan_ThrowsAndChangesNothing()
    {
        var duplicate = await AssertFailsUnchangedAsync<ConflictException>(() => _admin.AddContainerAsync(DirectoryPath.Parse("recipients")));
        var orphan = await AssertFailsUnchangedAsync<NotFoundException>(() => _admin.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales/West")));

        Assert.Equal("container 'recipients' already exists", duplicate.Message);
        Assert.Equal("container 'Recipients/Sales' does not exist; add it first ('dirsync container add Recipients/Sales')", orphan.Message);
    }

    [Fact]
    public async Task PurgeTombstonesAsync_DefaultRetention_RemovesOnlyTombstonesOlderThanSixtyDays()
    {
        await AddAsync(ObjectClass.Mailbox, "Old");
        await AddAsync(ObjectClass.Mailbox, "Recent");
        await AddAsync(ObjectClass.Mailbox, "Alive");
        await _admin.RemoveRecipientAsync(ObjectClass.Mailbox, "Old");
        _time.Advance(TimeSpan.FromDays(30));
        await _admin.RemoveRecipientAsync(ObjectClass.Mailbox, "Recent");
        _time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMilliseconds(1));

        var (purged, deletedBefore) = await _admin.PurgeTombstonesAsync(DirectoryAdmin.DefaultTombstoneRetention);

        Assert.Equal(1, purged);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromDays(60), deletedBefore);
        Assert.Equal(4, await _store.GetPurgedThroughUsnAsync());
        var remaining = new List<string>();
        await foreach (var value in _store.GetChangesSinceAsync(0))
        {
            remaining.Add($"{value.Alias} {value.IsDeleted}");
        }

        Assert.Equal(["Alive False", "Recent True"], remaining);
    }

    [Fact]
    public async Task PurgeTombstonesAsync_ExactlyAtTheRetention_KeepsTheTombstone()
    {
        await AddAsync(ObjectClass.Mailbox, "A");
        await _admin.RemoveRecipientAsync(ObjectClass.Mailbox, "A");
        _time.Advance(TimeSpan.FromDays(60));

        var (purged, _) = await _admin.PurgeTombstonesAsync(TimeSpan.FromDays(60));

        Assert.Equal(0, purged);
        Assert.Equal(0, await _store.GetPurgedThroughUsnAsync());
    }

    [Fact]
    public async Task PurgeTombstonesAsync_ZeroAge_RemovesEveryTombstoneDeletedBeforeNow()
    {
        await AddAsync(ObjectClass.Mailbox, "A");
        await AddAsync(ObjectClass.Mailbox, "B");
        await AddAsync(ObjectClass.Mailbox, "C");
        await _admin.RemoveRecipientAsync(ObjectClass.Mailbox, "A");
        await _admin.RemoveRecipientAsync(ObjectClass.Mailbox, "B");
        _time.Advance(TimeSpan.FromSeconds(1));

        var (purged, deletedBefore) = await _admin.PurgeTombstonesAsync(TimeSpan.Zero);

        Assert.Equal(2, purged);
        Assert.Equal(_time.GetUtcNow(), deletedBefore);
        Assert.Equal(5, await _store.GetPurgedThroughUsnAsync());
        Assert.Equal(5, await _store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task PurgeTombstonesAsync_NegativeAge_Throws()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => _admin.PurgeTombstonesAsync(TimeSpan.FromDays(-1)));

        Assert.Equal("the age of tombstones to purge cannot be negative", error.Message);
    }

    [Fact]
    public async Task Operations_WhileAnotherWriterHoldsTheStore_FailAsBusyAndChangeNothing()
    {
        var path = _folder.File("store.db");
        await using var other = await SqliteDirectoryStore.OpenAsync(path, SqliteStoreOptions.Default with { LockTimeout = TimeSpan.FromMilliseconds(200) });
        var admin = new DirectoryAdmin(other, _time);
        var before = await SnapshotAsync();

        await using (var holding = await _store.BeginTransactionAsync())
        {
            var error = await Assert.ThrowsAsync<StoreException>(() => admin.AddRecipientAsync(ObjectClass.Mailbox, "A", new RecipientChanges()));
            Assert.Equal(ErrorCategory.Busy, error.Category);
        }

        Assert.Equal(before, await SnapshotAsync());
    }
}
