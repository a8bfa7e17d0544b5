using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Admin;

/// <summary>The rules every writer goes through, against a real SQLite store on site Site1 of Testorg.</summary>
public sealed class RecipientEditorTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private SqliteDirectoryStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await StoreFactory.CreateAsync(_folder.File("store.db"));

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<T> EditAsync<T>(Func<RecipientEditor, ValueTask<T>> work)
    {
        await using var transaction = await _store.BeginTransactionAsync();
        var editor = await RecipientEditor.CreateAsync(transaction);
        var result = await work(editor);
        await transaction.CommitAsync();
        return result;
    }

    private Task<DirectoryObject> AddAsync(ObjectClass objectClass, string alias, params string[] settings) =>
        EditAsync(editor => editor.AddAsync(objectClass, alias, Changes.Of(settings)));

    private Task<DirectoryObject> AddMailboxAsync(string alias, params string[] settings) => AddAsync(ObjectClass.Mailbox, alias, settings);

    private Task<ModifyResult> ModifyAsync(string alias, RecipientChanges changes) =>
        EditAsync(async editor => await editor.ModifyAsync(await editor.GetAsync(alias), changes));

    private Task<ModifyResult> ModifyAsync(string alias, params string[] settings) => ModifyAsync(alias, Changes.Of(settings));

    private async Task SetTemplateAsync(string addressType, string template)
    {
        await using var transaction = await _store.BeginTransactionAsync();
        await transaction.SetAddressTemplateAsync(addressType, template);
        await transaction.CommitAsync();
    }

    private async Task<DirectoryObject> StoredAsync(string alias) =>
        await _store.FindByAliasAsync(alias) ?? throw new InvalidOperationException($"no recipient '{alias}' in the store");

    private static string[] Addresses(DirectoryObject value) => [.. value.ProxyAddresses.Select(p => p.ToString())];

    // Everything a failed edit must leave as it was: the USN counter and every object, tombstones included.
    private async Task<string> SnapshotAsync()
    {
        var lines = new List<string> { $"usn {await _store.GetHighestUsnAsync()}" };
        await foreach (var value in _store.GetChangesSinceAsync(0))
        {
            lines.Add($"{value.UsnChanged} {value.Alias} {value.DisplayName} {value.IsDeleted} {string.Join(',', Addresses(value))} {string.Join(',', value.Members.Select(m => m.Alias))}");
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
    public async Task AddAsync_GivenNameAndSurname_DisplayNameJoinsThem()
    {
        var value = await AddMailboxAsync("dougd", "givenName=Doug", "sn=Dosdall");

        Assert.Equal("Doug Dosdall", value.DisplayName);
        Assert.Equal("Doug Dosdall", (await StoredAsync("dougd")).DisplayName);
    }

    [Theory]
    [InlineData("Given-Name=Doug", "Doug")]
    [InlineData("Surname=Dosdall", "Dosdall")]
    [InlineData("title=Manager", "dougd")]
    public async Task AddAsync_MissingNames_DisplayNameFallsBackToWhatThereIs(string setting, string expected) =>
        Assert.Equal(expected, (await AddMailboxAsync("dougd", setting)).DisplayName);

    [Fact]
    public async Task AddAsync_NoNamesAtAll_DisplayNameIsTheAlias() =>
        Assert.Equal("Mailbox11", (await AddMailboxAsync("Mailbox11")).DisplayName);

    [Fact]
    public async Task AddAsync_ExplicitDisplayName_WinsOverTheNames() =>
        Assert.Equal("Dosdall, Doug", (await AddMailboxAsync("dougd", "givenName=Doug", "sn=Dosdall", "Display-Name=Dosdall, Doug")).DisplayName);

    [Fact]
    public async Task AddAsync_Mailbox_GetsTheSiteAddressesUsnAndDefaultContainer()
    {
        var value = await AddMailboxAsync("Mailbox11");

        Assert.Equal(["EDK:Mailbox11@Site1.Testorg.com", "SMTP:Mailbox11@Site1.Testorg.com"], Addresses(value));
        var stored = await StoredAsync("Mailbox11");
        Assert.Equal(Addresses(value), Addresses(stored));
        Assert.Equal(DirectoryPath.Recipients, stored.Container);
        Assert.Equal((1L, 1L), (stored.UsnCreated, stored.UsnChanged));
        Assert.Null(stored.TargetAddress);
        Assert.Empty(stored.Members);
        Assert.Equal(1, await _store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task AddAsync_AliasWithCharactersAddressesForbid_DropsThem()
    {
        var value = await AddMailboxAsync("John Smith (Sales)");

        Assert.Equal(["EDK:JohnSmithSales@Site1.Testorg.com", "SMTP:JohnSmithSales@Site1.Testorg.com"], Addresses(value));
    }

    [Fact]
    public async Task AddAsync_AccentedNamesUnderGivenSurnameTemplate_FoldsToPlainLetters()
    {
        await SetTemplateAsync("SMTP", "%g.%s@Testorg.com");

        var value = await AddMailboxAsync("jmueller", "givenName=Jörg", "sn=Müller-Lüdenscheidt");

        Assert.Equal(["EDK:jmueller@Site1.Testorg.com", "SMTP:Jorg.Muller-Ludenscheidt@Testorg.com"], Addresses(value));
    }

    [Fact]
    public async Task AddAsync_CustomRecipient_TargetIsThePrimaryOfItsType()
    {
        var value = await AddAsync(ObjectClass.CustomRecipient, "joe", "targetAddress=SMTP:joe@example.net");

        Assert.Equal("SMTP:joe@example.net", value.TargetAddress?.ToString());
        Assert.Equal(["SMTP:joe@example.net", "EDK:joe@Site1.Testorg.com"], Addresses(value));
        Assert.Equal("SMTP:joe@example.net", (await StoredAsync("joe")).TargetAddress?.ToString());
    }

    [Fact]
    public async Task AddAsync_CustomRecipientWithoutTarget_ThrowsAndWritesNothing()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddAsync(ObjectClass.CustomRecipient, "joe"));

        Assert.Equal("a custom recipient needs a target address (--target-address TYPE:address)", error.Message);
        Assert.Null(await _store.FindByAliasAsync("joe"));
    }

    [Theory]
    [InlineData(ObjectClass.Mailbox, "mailbox")]
    [InlineData(ObjectClass.DistributionList, "distribution-list")]
    public async Task AddAsync_TargetAddressOnAnotherClass_Throws(ObjectClass objectClass, string token)
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(
            () => AddAsync(objectClass, "joe", "Target-Address=SMTP:joe@example.net"));

        Assert.Equal($"only a custom recipient has a target address; 'joe' is a {token}", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_TargetAddressOnAMailbox_Throws()
    {
        await AddMailboxAsync("Mailbox11");

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(
            () => ModifyAsync("Mailbox11", "targetAddress=SMTP:joe@example.net"));

        Assert.Equal("only a custom recipient has a target address; 'Mailbox11' is a mailbox", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_NewTarget_BecomesPrimaryAndTheOldStaysAsSecondary()
    {
        await AddAsync(ObjectClass.CustomRecipient, "joe", "targetAddress=SMTP:joe@example.net");

        var result = await ModifyAsync("joe", "targetAddress=SMTP:joe@example.org");

        Assert.True(result.Changed);
        Assert.Equal("SMTP:joe@example.org", result.Value.TargetAddress?.ToString());
        Assert.Equal(["smtp:joe@example.net", "EDK:joe@Site1.Testorg.com", "SMTP:joe@example.org"], Addresses(await StoredAsync("joe")));
    }

    [Fact]
    public async Task AddAsync_DistributionList_KeepsItsMembersByAnchor()
    {
        var a = await AddMailboxAsync("A");
        var b = await AddMailboxAsync("B");

        var list = await AddAsync(ObjectClass.DistributionList, "List", "member=B", "member=a");

        Assert.Equal([b.Guid, a.Guid], list.Members.Select(m => m.Guid));
        Assert.Equal(["A", "B"], (await StoredAsync("List")).Members.Select(m => m.Alias));
        Assert.Equal(["EDK:List@Site1.Testorg.com", "SMTP:List@Site1.Testorg.com"], Addresses(list));
    }

    [Fact]
    public async Task AddAsync_MembersOnAMailbox_Throws()
    {
        await AddMailboxAsync("A");

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync("B", "member=A"));

        Assert.Equal("only a distribution list has members; 'B' is a mailbox", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_AddMemberOnACustomRecipient_Throws()
    {
        await AddMailboxAsync("A");
        await AddAsync(ObjectClass.CustomRecipient, "joe", "targetAddress=SMTP:joe@example.net");
        var changes = new RecipientChanges();
        changes.AddMembers.Add("A");

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => ModifyAsync("joe", changes));

        Assert.Equal("only a distribution list has members; 'joe' is a custom-recipient", error.Message);
    }

    [Fact]
    public async Task AddAsync_UnknownMember_ThrowsNotFoundAndWritesNothing()
    {
        await AddMailboxAsync("A");

        var error = await AssertFailsUnchangedAsync<NotFoundException>(() => AddAsync(ObjectClass.DistributionList, "List", "member=A", "member=Ghost"));

        Assert.Equal("recipient 'Ghost' does not exist; a member must exist before it is added to a list", error.Message);
        Assert.Null(await _store.FindByAliasAsync("List"));
    }

    [Fact]
    public async Task ModifyAsync_ListAsItsOwnMember_Throws()
    {
        await AddAsync(ObjectClass.DistributionList, "List");
        var changes = new RecipientChanges();
        changes.AddMembers.Add("list");

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => ModifyAsync("List", changes));

        Assert.Equal("'List' cannot be a member of itself", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_AddingAnExistingMember_Throws()
    {
        await AddMailboxAsync("A");
        await AddAsync(ObjectClass.DistributionList, "List", "member=A");
        var changes = new RecipientChanges();
        changes.AddMembers.Add("a");

        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => ModifyAsync("List", changes));

        Assert.Equal("'A' is already a member of 'List'", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_RemovingANonMember_ThrowsNotFound()
    {
        await AddMailboxAsync("A");
        await AddMailboxAsync("B");
        await AddAsync(ObjectClass.DistributionList, "List", "member=A");
        var changes = new RecipientChanges();
        changes.RemoveMembers.Add("B");

        var error = await AssertFailsUnchangedAsync<NotFoundException>(() => ModifyAsync("List", changes));

        Assert.Equal("member 'B' does not exist; 'List' has no such member", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_AddAndRemoveMembers_ChangesTheListWithOneUsn()
    {
        await AddMailboxAsync("A");
        await AddMailboxAsync("B");
        await AddMailboxAsync("C");
        await AddAsync(ObjectClass.DistributionList, "List", "member=A", "member=B");
        var changes = new RecipientChanges();
        changes.AddMembers.Add("C");
        changes.RemoveMembers.Add("a");

        var result = await ModifyAsync("List", changes);

        Assert.True(result.Changed);
        Assert.Equal(["B", "C"], (await StoredAsync("List")).Members.Select(m => m.Alias));
        Assert.Equal(5, (await StoredAsync("List")).UsnChanged);
        Assert.Equal(5, await _store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task ModifyAsync_SameMembersInAnotherOrder_ChangesNothingAndTakesNoUsn()
    {
        await AddMailboxAsync("A");
        await AddMailboxAsync("B");
        await AddAsync(ObjectClass.DistributionList, "List", "member=A", "member=B");

        var result = await ModifyAsync("List", "member=B", "member=A");

        Assert.False(result.Changed);
        Assert.Equal(3, await _store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task ModifyAsync_RenameUnderAliasTemplates_RegeneratesAndKeepsOldPrimariesAsSecondary()
    {
        await AddMailboxAsync("Mailbox11");

        var result = await ModifyAsync("Mailbox11", "cn=Mailbox99");

        Assert.True(result.Changed);
        Assert.Null(await _store.FindByAliasAsync("Mailbox11"));
        var stored = await StoredAsync("Mailbox99");
        Assert.Equal(
            ["edk:Mailbox11@Site1.Testorg.com", "smtp:Mailbox11@Site1.Testorg.com", "EDK:Mailbox99@Site1.Testorg.com", "SMTP:Mailbox99@Site1.Testorg.com"],
            Addresses(stored));
        Assert.Equal((1L, 2L), (stored.UsnCreated, stored.UsnChanged));
        Assert.Equal(stored.Guid, await _store.FindAddressOwnerAsync(ProxyAddress.Parse("smtp:mailbox11@site1.testorg.com")));
    }

    [Fact]
    public async Task ModifyAsync_SurnameChangeUnderGivenSurnameTemplate_RegeneratesOnlyThatType()
    {
        await SetTemplateAsync("SMTP", "%g.%s@Testorg.com");
        await AddMailboxAsync("dougd", "givenName=Doug", "sn=Dosdall");

        var result = await ModifyAsync("dougd", "Surname=Smith");

        Assert.True(result.Changed);
        Assert.Equal(
            ["EDK:dougd@Site1.Testorg.com", "smtp:Doug.Dosdall@Testorg.com", "SMTP:Doug.Smith@Testorg.com"],
            Addresses(await StoredAsync("dougd")));
        Assert.Equal("Doug Dosdall", (await StoredAsync("dougd")).DisplayName);
    }

    [Fact]
    public async Task ModifyAsync_ChangeAFieldNoTemplateUses_LeavesTheAddresses()
    {
        await SetTemplateAsync("SMTP", "%g.%s@Testorg.com");
        await AddMailboxAsync("dougd", "givenName=Doug", "sn=Dosdall");

        var result = await ModifyAsync("dougd", "displayName=The Doug", "title=Manager");

        Assert.True(result.Changed);
        Assert.Equal(["EDK:dougd@Site1.Testorg.com", "SMTP:Doug.Dosdall@Testorg.com"], Addresses(await StoredAsync("dougd")));
    }

    [Fact]
    public async Task ModifyAsync_RenameBackToAnOldName_PromotesTheSecondaryAgain()
    {
        await AddMailboxAsync("Mailbox11");
        await ModifyAsync("Mailbox11", "cn=Mailbox99");

        await ModifyAsync("Mailbox99", "cn=Mailbox11");

        Assert.Equal(
            ["EDK:Mailbox11@Site1.Testorg.com", "SMTP:Mailbox11@Site1.Testorg.com", "edk:Mailbox99@Site1.Testorg.com", "smtp:Mailbox99@Site1.Testorg.com"],
            Addresses(await StoredAsync("Mailbox11")));
    }

    [Fact]
    public async Task AddAsync_GeneratedAddressTaken_FallsBackToTheAlias()
    {
        await SetTemplateAsync("SMTP", "%g.%s@Testorg.com");
        await AddMailboxAsync("jsmith", "givenName=John", "sn=Smith");

        var second = await AddMailboxAsync("johns", "givenName=John", "sn=Smith");

        Assert.Equal(["EDK:johns@Site1.Testorg.com", "SMTP:johns@Testorg.com"], Addresses(second));
        Assert.Equal(["EDK:jsmith@Site1.Testorg.com", "SMTP:John.Smith@Testorg.com"], Addresses(await StoredAsync("jsmith")));
    }

    [Fact]
    public async Task AddAsync_GeneratedAndAliasAddressesTaken_FallsBackToAliasAndTwo()
    {
        await SetTemplateAsync("SMTP", "%g.%s@Testorg.com");
        await AddMailboxAsync("bob", "givenName=John", "sn=Smith");
        // Carl's given name makes the address jsmith@Testorg.com, the alias form of the next one.
        await AddMailboxAsync("carl", "givenName=jsmith");

        var third = await AddMailboxAsync("jsmith", "givenName=John", "sn=Smith");

        Assert.Equal(["EDK:jsmith@Site1.Testorg.com", "SMTP:jsmith2@Testorg.com"], Addresses(third));
        Assert.Equal("SMTP:jsmith@Testorg.com", (await StoredAsync("carl")).GetPrimaryAddress("SMTP")?.ToString());
    }

    [Fact]
    public async Task ModifyAsync_NothingDiffers_ChangesNothingAndTakesNoUsn()
    {
        await AddMailboxAsync("dougd", "givenName=Doug", "sn=Dosdall", "otherTelephone=+1 1", "otherTelephone=+1 2");
        await AddMailboxAsync("other");

        var result = await ModifyAsync("DOUGD", "Given-Name=Doug", "sn=Dosdall", "displayName=Doug Dosdall", "otherTelephone=+1 1", "otherTelephone=+1 2", "Common-Name=dougd");

        Assert.False(result.Changed);
        Assert.Equal(1, result.Value.UsnChanged);
        Assert.Equal(2, await _store.GetHighestUsnAsync());
        Assert.Equal(1, (await StoredAsync("dougd")).UsnChanged);
    }

    [Fact]
    public async Task ModifyAsync_SomethingDiffers_TakesTheNextUsnAndKeepsUsnCreated()
    {
        await AddMailboxAsync("dougd");
        await AddMailboxAsync("other");

        var result = await ModifyAsync("dougd", "title=Manager");

        Assert.True(result.Changed);
        var stored = await StoredAsync("dougd");
        Assert.Equal((1L, 3L), (stored.UsnCreated, stored.UsnChanged));
        Assert.Equal("Manager", stored.Attributes.GetSingle(AttributeCatalog.Get("Title")));
        Assert.Equal(3, await _store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task ModifyAsync_EmptyValue_ClearsTheAttribute()
    {
        await AddMailboxAsync("dougd", "title=Manager", "department=Sales");

        await ModifyAsync("dougd", "title=");

        var stored = await StoredAsync("dougd");
        Assert.Null(stored.Attributes.GetSingle(AttributeCatalog.Get("title")));
        Assert.Equal("Sales", stored.Attributes.GetSingle(AttributeCatalog.Get("department")));
    }

    [Fact]
    public async Task AddAsync_SingleValuedAttributeTwice_Throws()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync("dougd", "givenName=Doug", "Given-Name=Douglas"));

        Assert.Equal("givenName takes one value, not 2", error.Message);
    }

    [Fact]
    public async Task AddAsync_ValueTooLong_ThrowsNamingTheLimit()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync("dougd", "initials=ABCDEFG"));

        Assert.Equal("the value of initials is 7 characters; the limit is 6", error.Message);
    }

    [Fact]
    public async Task AddAsync_ValueAtTheLimit_IsAccepted()
    {
        var value = await AddMailboxAsync("dougd", "initials=ABCDEF", "extensionAttribute1=" + new string('x', 1024));

        Assert.Equal("ABCDEF", value.Attributes.GetSingle(AttributeCatalog.Initials));
    }

    [Theory]
    [InlineData("title=Man\u0001ager")]
    [InlineData("title=Man\u007fager")]
    [InlineData("title=Manager\u0000")]
    public async Task AddAsync_ControlCharacterInValue_Throws(string setting)
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync("dougd", setting));

        Assert.Equal("the value of title contains a control character", error.Message);
    }

    [Fact]
    public async Task AddAsync_LineBreaksAndTabsInAValue_AreKept()
    {
        await AddMailboxAsync("dougd", "info=line one\r\nline two\tend");

        Assert.Equal("line one\r\nline two\tend", (await StoredAsync("dougd")).Attributes.GetSingle(AttributeCatalog.Get("Comment")));
    }

    [Fact]
    public async Task AddAsync_SameMultiValuedValueTwiceInAnyCase_Throws()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync("dougd", "otherTelephone=ext a", "otherTelephone=EXT A"));

        Assert.Equal("otherTelephone has the value 'EXT A' twice", error.Message);
    }

    [Fact]
    public async Task AddAsync_DuplicateAliasInAnyCase_ThrowsConflictNamingTheHolder()
    {
        await AddMailboxAsync("Mailbox11");

        var error = await AssertFailsUnchangedAsync<ConflictException>(() => AddAsync(ObjectClass.DistributionList, "MAILBOX11"));

        Assert.Equal("the alias 'MAILBOX11' is already used by mailbox 'Mailbox11'; choose another alias", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_RenameOntoAnotherAlias_ThrowsConflict()
    {
        await AddMailboxAsync("A");
        await AddMailboxAsync("B");

        var error = await AssertFailsUnchangedAsync<ConflictException>(() => ModifyAsync("A", "cn=b"));

        Assert.Equal("the alias 'b' is already used by mailbox 'B'; choose another alias", error.Message);
    }

    [Fact]
    public async Task AddAsync_AliasGivenTwiceDifferently_Throws()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync("A", "cn=B"));

        Assert.Equal("the alias is given twice ('A' and 'B')", error.Message);
    }

    [Theory]
    [InlineData("Sales/West", "invalid alias 'Sales/West': an alias cannot contain control characters, '/' or '\\'")]
    [InlineData(" A", "invalid alias ' A': an alias cannot start or end with white space")]
    [InlineData("", "invalid alias '': an alias cannot be empty")]
    public async Task AddAsync_InvalidAlias_Throws(string alias, string expected)
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync(alias));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task AddAsync_InvalidDisplayName_Throws()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(() => AddMailboxAsync("A", "displayName=two\nlines"));

        Assert.Equal("invalid display name 'two\nlines': a display name cannot contain control characters", error.Message);
    }

    [Fact]
    public async Task AddAsync_MissingContainer_ThrowsNotFoundWithTheCommandThatMakesIt()
    {
        var changes = new RecipientChanges { Container = DirectoryPath.Parse("Recipients/Sales") };

        var error = await AssertFailsUnchangedAsync<NotFoundException>(() => EditAsync(editor => editor.AddAsync(ObjectClass.Mailbox, "A", changes)));

        Assert.Equal("container 'Recipients/Sales' does not exist; create it with 'dirsync container add Recipients/Sales'", error.Message);
    }

    [Fact]
    public async Task ModifyAsync_MoveToAnExistingContainer_ChangesTheContainer()
    {
        await AddMailboxAsync("A");
        await using (var transaction = await _store.BeginTransactionAsync())
        {
            await transaction.AddContainerAsync(DirectoryPath.Parse("Recipients/Sales"));
            await transaction.CommitAsync();
        }

        var result = await ModifyAsync("A", new RecipientChanges { Container = DirectoryPath.Parse("recipients/sales") });

        Assert.True(result.Changed);
        Assert.Equal("Recipients/Sales", (await StoredAsync("A")).Container.Value);
    }

    [Fact]
    public async Task ModifyAsync_SameContainerInAnotherCase_ChangesNothingAndTakesNoUsn()
    {
        await AddMailboxAsync("A");

        var result = await ModifyAsync("A", new RecipientChanges { Container = DirectoryPath.Parse("RECIPIENTS") });

        Assert.False(result.Changed);
        Assert.Equal(1, await _store.GetHighestUsnAsync());
        Assert.Equal("Recipients", (await StoredAsync("A")).Container.Value);
    }

    [Fact]
    public async Task AddAsync_TwoPrimariesOfOneType_Throws()
    {
        var error = await AssertFailsUnchangedAsync<InvalidValueException>(
            () => AddMailboxAsync("A", "proxyAddresses=SMTP:a@example.com", "proxyAddresses=SMTP:b@example.com"));

        Assert.Equal("more than one primary SMTP address; write the others with a lower-case type (smtp:...)", error.Message);
    }

    [Fact]
    public async Task AddAsync_GivenProxies_AreKeptAndMissingTypesGenerated()
    {
        var value = await AddMailboxAsync("A", "proxyAddresses=SMTP:alice@example.com", "proxyAddresses=x400:c=US;s=A;");

        Assert.Equal(["SMTP:alice@example.com", "X400:c=US;s=A;", "EDK:A@Site1.Testorg.com"], Addresses(value));
    }

    [Fact]
    public async Task AddAsync_GivenProxyHeldByAnother_ThrowsConflict()
    {
        await AddMailboxAsync("A");

        var error = await AssertFailsUnchangedAsync<ConflictException>(() => AddMailboxAsync("B", "proxyAddresses=smtp:a@site1.testorg.com"));

        Assert.Equal("the address smtp:a@site1.testorg.com is already used by another recipient", error.Message);
    }

    [Fact]
    public async Task RemoveAsync_LeavesATombstoneWithTheNextUsnAndFreesTheAlias()
    {
        var value = await AddMailboxAsync("A");
        await AddAsync(ObjectClass.DistributionList, "List", "member=A");

        var tombstone = await EditAsync(async editor => await editor.RemoveAsync(await editor.GetAsync("a")));

        Assert.True(tombstone.IsDeleted);
        Assert.Equal(value.Guid, tombstone.Guid);
        Assert.Equal((1L, 4L), (tombstone.UsnCreated, tombstone.UsnChanged));
        Assert.Null(await _store.FindByAliasAsync("A"));
        Assert.Empty((await StoredAsync("List")).Members);
        Assert.Equal(3, (await StoredAsync("List")).UsnChanged);
        Assert.Equal("A", (await AddMailboxAsync("A")).Alias);
    }

    [Fact]
    public async Task GetAsync_UnknownAlias_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(() => EditAsync(async editor => await editor.GetAsync("Ghost")));

        Assert.Equal("recipient 'Ghost' does not exist; see 'dirsync recipients list'", error.Message);
    }

    [Fact]
    public async Task AddAsync_WithOriginAndAnchor_KeepsThem()
    {
        var anchor = Guid.NewGuid();
        var guid = Guid.NewGuid();
        var origin = new ObjectOrigin("source-2", anchor, "Testorg/Site2/Server2");

        await EditAsync(editor => editor.AddAsync(ObjectClass.CustomRecipient, "Mailbox21", Changes.Of("targetAddress=EDK:Mailbox21@Site2.Testorg.com"), origin, guid));

        var stored = await _store.FindByOriginAsync("source-2", anchor);
        Assert.Equal(guid, stored?.Guid);
        Assert.Equal(origin, stored?.Origin);
        Assert.Equal(["EDK:Mailbox21@Site2.Testorg.com", "SMTP:Mailbox21@Site1.Testorg.com"], Addresses(stored!));
    }

    [Fact]
    public async Task RegenerateAddressesAsync_UnchangedTemplate_ChangesNobody()
    {
        await AddMailboxAsync("A");
        await AddMailboxAsync("B");

        var changed = await EditAsync(editor => editor.RegenerateAddressesAsync("SMTP"));

        Assert.Equal(0, changed);
        Assert.Equal(2, await _store.GetHighestUsnAsync());
    }

    [Fact]
    public async Task RemoveAsync_Recipient_LeavesTheListOfLiveRecipients()
    {
        await AddMailboxAsync("A");
        await AddMailboxAsync("B");
        await EditAsync(async editor => await editor.RemoveAsync(await editor.GetAsync("A")));

        var aliases = new List<string>();
        await foreach (var value in _store.ListAsync(RecipientFilter.All))
        {
            aliases.Add(value.Alias);
        }

        Assert.Equal(["B"], aliases);
    }
}
