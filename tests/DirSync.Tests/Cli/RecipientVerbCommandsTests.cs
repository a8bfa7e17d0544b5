using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync mailbox|custom-recipient|dl add|set|remove</c>, end to end in this process.</summary>
public sealed class RecipientVerbCommandsTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await CliStore.InitAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> JsonAsync(params string[] args)
    {
        var result = await _store.RunOkAsync([.. args, "--json"]);
        return CliJson.DescribeRecipient(CliJson.Parse(result.Out));
    }

    private async Task<string> ShowAsync(string alias) => await JsonAsync("recipients", "show", alias);

    [Fact]
    public async Task MailboxAdd_SeedMailbox_GetsTheSeedsAddresses()
    {
        var result = await _store.RunOkAsync("mailbox", "add", "Mailbox11");

        Assert.Equal("Created mailbox Mailbox11 (Mailbox11) USN 1: EDK:Mailbox11@Site1.Testorg.com, SMTP:Mailbox11@Site1.Testorg.com\n", result.Out);
        Assert.Equal(
            "Mailbox11 | Mailbox11 | mailbox | Recipients | EDK:Mailbox11@Site1.Testorg.com,SMTP:Mailbox11@Site1.Testorg.com | (no target) | (local) | (no attributes) |  | 1/1",
            await ShowAsync("Mailbox11"));
    }

    [Fact]
    public async Task MailboxAdd_Json_PrintsTheRecipientAsStored()
    {
        var added = await _store.RunOkAsync("mailbox", "add", "dougd", "--given-name", "Doug", "--surname", "Dosdall", "--attr", "Title=Manager", "--attr", "Telephone-Office2=+1 1", "--attr", "otherTelephone=+1 2", "--json");

        var described = CliJson.DescribeRecipient(CliJson.Parse(added.Out));
        Assert.Equal(
            "dougd | Doug Dosdall | mailbox | Recipients | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | givenName=Doug;sn=Dosdall;title=Manager;otherTelephone=+1 1,+1 2 |  | 1/1",
            described);
        var shown = await _store.RunOkAsync("recipients", "show", "dougd", "--json");
        Assert.Equal(added.Out, shown.Out);
    }

    [Fact]
    public async Task MailboxAdd_EveryOption_IsStored()
    {
        await _store.RunOkAsync("container", "add", "Recipients/Sales");

        var described = await JsonAsync("mailbox", "add", "dougd", "--display-name", "Dosdall, Doug", "--given-name", "Doug", "--surname", "Dosdall", "--container", "recipients/sales", "--attr", "initials=DD");

        Assert.Equal(
            "dougd | Dosdall, Doug | mailbox | Recipients/Sales | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | givenName=Doug;sn=Dosdall;initials=DD |  | 1/1",
            described);
    }

    [Theory]
    [InlineData("Given-Name", "Surname", "Display-Name")]
    [InlineData("givenName", "sn", "displayName")]
    [InlineData("GIVEN-NAME", "SURNAME", "DISPLAY-NAME")]
    [InlineData("givenname", "SN", "DisplayName")]
    public async Task MailboxAdd_AttributeSpellings_AllMeanTheSameAttribute(string given, string surname, string display)
    {
        var described = await JsonAsync("mailbox", "add", "dougd", "--attr", $"{given}=Doug", "--attr", $"{surname}=Dosdall", "--attr", $"{display}=The Doug");

        Assert.Equal(
            "dougd | The Doug | mailbox | Recipients | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | givenName=Doug;sn=Dosdall |  | 1/1",
            described);
    }

    [Fact]
    public async Task MailboxSet_Rename_RegeneratesAddressesAndKeepsTheOldOnes()
    {
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");

        var result = await _store.RunOkAsync("mailbox", "set", "mailbox11", "--alias", "Mailbox99");

        Assert.Equal(
            "Changed mailbox Mailbox99 (Mailbox11) USN 2: edk:Mailbox11@Site1.Testorg.com, smtp:Mailbox11@Site1.Testorg.com, EDK:Mailbox99@Site1.Testorg.com, SMTP:Mailbox99@Site1.Testorg.com\n",
            result.Out);
    }

    [Fact]
    public async Task MailboxSet_Json_PrintsTheChangedRecipient()
    {
        await _store.RunOkAsync("mailbox", "add", "dougd", "--given-name", "Doug", "--surname", "Dosdall", "--attr", "title=Engineer");

        var described = await JsonAsync("mailbox", "set", "dougd", "--surname", "Smith", "--display-name", "Doug Smith", "--attr", "title=", "--attr", "extensionAttribute3=x3");

        Assert.Equal(
            "dougd | Doug Smith | mailbox | Recipients | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | givenName=Doug;sn=Smith;extensionAttribute3=x3 |  | 1/2",
            described);
        Assert.Equal(described, await ShowAsync("dougd"));
    }

    [Fact]
    public async Task MailboxSet_SameValues_SaysUnchangedAndTakesNoUsn()
    {
        await _store.RunOkAsync("mailbox", "add", "dougd", "--given-name", "Doug");
        var before = await _store.SnapshotAsync();

        var result = await _store.RunOkAsync("mailbox", "set", "dougd", "--given-name", "Doug");

        Assert.Equal("Unchanged mailbox dougd (Doug) USN 1: EDK:dougd@Site1.Testorg.com, SMTP:dougd@Site1.Testorg.com\n", result.Out);
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task MailboxRemove_LeavesATombstoneAndFreesTheAlias()
    {
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");

        var removed = await _store.RunOkAsync("mailbox", "remove", "Mailbox11");

        Assert.Equal("Removed mailbox Mailbox11 (Mailbox11) USN 2\n", removed.Out);
        var list = await _store.RunOkAsync("recipients", "list", "--json");
        Assert.Equal("[]\n", list.Out);
        var again = await _store.RunOkAsync("mailbox", "add", "Mailbox11", "--json");
        Assert.EndsWith("| 3/3", CliJson.DescribeRecipient(CliJson.Parse(again.Out)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailboxRemove_Json_PrintsTheTombstone()
    {
        await _store.RunOkAsync("mailbox", "add", "Mailbox11", "--attr", "title=Manager");

        var described = await JsonAsync("mailbox", "remove", "Mailbox11");

        Assert.Equal("Mailbox11 | Mailbox11 | mailbox | Recipients |  | (no target) | (local) | (no attributes) |  | 1/2", described);
    }

    [Fact]
    public async Task CustomRecipientAdd_Json_HasTheTargetAsPrimary()
    {
        var described = await JsonAsync("custom-recipient", "add", "joe", "--target-address", "SMTP:joe@example.net", "--display-name", "Joe Outside");

        Assert.Equal(
            "joe | Joe Outside | custom-recipient | Recipients | SMTP:joe@example.net,EDK:joe@Site1.Testorg.com | SMTP:joe@example.net | (local) | (no attributes) |  | 1/1",
            described);
    }

    [Fact]
    public async Task CustomRecipientSet_NewTarget_KeepsTheOldAsSecondary()
    {
        await _store.RunOkAsync("custom-recipient", "add", "joe", "--target-address", "SMTP:joe@example.net");

        var described = await JsonAsync("custom-recipient", "set", "joe", "--target-address", "SMTP:joe@example.org");

        Assert.Equal(
            "joe | joe | custom-recipient | Recipients | smtp:joe@example.net,EDK:joe@Site1.Testorg.com,SMTP:joe@example.org | SMTP:joe@example.org | (local) | (no attributes) |  | 1/2",
            described);
    }

    [Fact]
    public async Task CustomRecipientRemove_RemovesIt()
    {
        await _store.RunOkAsync("custom-recipient", "add", "joe", "--target-address", "SMTP:joe@example.net");

        var result = await _store.RunOkAsync("custom-recipient", "remove", "joe");

        Assert.Equal("Removed custom-recipient joe (joe) USN 2\n", result.Out);
        Assert.Equal(4, (await _store.RunAsync("recipients", "show", "joe")).ExitCode);
    }

    [Fact]
    public async Task DlAdd_Json_ListsMembersByAlias()
    {
        await _store.RunOkAsync("mailbox", "add", "B");
        await _store.RunOkAsync("mailbox", "add", "A");

        var described = await JsonAsync("dl", "add", "List", "--member", "b", "--member", "A", "--display-name", "All of us");

        Assert.Equal(
            "List | All of us | distribution-list | Recipients | EDK:List@Site1.Testorg.com,SMTP:List@Site1.Testorg.com | (no target) | (local) | (no attributes) | B,A | 3/3",
            described);
        Assert.Equal(
            "List | All of us | distribution-list | Recipients | EDK:List@Site1.Testorg.com,SMTP:List@Site1.Testorg.com | (no target) | (local) | (no attributes) | A,B | 3/3",
            await ShowAsync("List"));
    }

    [Fact]
    public async Task DlSet_AddAndRemoveMembers_ChangesTheList()
    {
        await _store.RunOkAsync("mailbox", "add", "A");
        await _store.RunOkAsync("mailbox", "add", "B");
        await _store.RunOkAsync("mailbox", "add", "C");
        await _store.RunOkAsync("dl", "add", "List", "--member", "A", "--member", "B");

        await _store.RunOkAsync("dl", "set", "List", "--add-member", "C", "--remove-member", "A");

        Assert.EndsWith("| B,C | 4/5", await ShowAsync("List"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DlSet_Member_ReplacesTheWholeList()
    {
        await _store.RunOkAsync("mailbox", "add", "A");
        await _store.RunOkAsync("mailbox", "add", "B");
        await _store.RunOkAsync("dl", "add", "List", "--member", "A");

        await _store.RunOkAsync("dl", "set", "List", "--member", "B");

        Assert.EndsWith("| B | 3/4", await ShowAsync("List"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DlSet_SameMembersInAnotherOrder_IsUnchanged()
    {
        await _store.RunOkAsync("mailbox", "add", "A");
        await _store.RunOkAsync("mailbox", "add", "B");
        await _store.RunOkAsync("dl", "add", "List", "--member", "A", "--member", "B");
        var before = await _store.SnapshotAsync();

        var result = await _store.RunOkAsync("dl", "set", "List", "--member", "B", "--member", "A");

        Assert.StartsWith("Unchanged distribution-list List (List) USN 3", result.Out, StringComparison.Ordinal);
        Assert.Equal(before, await _store.SnapshotAsync());
    }

    [Fact]
    public async Task DlRemove_AMemberMailbox_TakesItOutOfTheList()
    {
        await _store.RunOkAsync("mailbox", "add", "A");
        await _store.RunOkAsync("mailbox", "add", "B");
        await _store.RunOkAsync("dl", "add", "List", "--member", "A", "--member", "B");

        await _store.RunOkAsync("mailbox", "remove", "A");

        Assert.EndsWith("| B | 3/4", await ShowAsync("List"), StringComparison.Ordinal);
        var removed = await _store.RunOkAsync("dl", "remove", "List");
        Assert.Equal("Removed distribution-list List (List) USN 6\n", removed.Out);
    }
}
