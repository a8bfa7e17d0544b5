using System.Text.Json;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync recipients list|show</c> over a store with every class in three containers.</summary>
public sealed class RecipientsCommandTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await CliStore.InitAsync();
        await _store.RunOkAsync("container", "add", "Recipients/Sales");
        await _store.RunOkAsync("container", "add", "Recipients/Sales/West");
        await _store.RunOkAsync("mailbox", "add", "dougd", "--given-name", "Doug", "--surname", "Dosdall", "--container", "Recipients/Sales");
        await _store.RunOkAsync("custom-recipient", "add", "joe", "--target-address", "SMTP:joe@example.net", "--container", "Recipients/Sales/West");
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");
        await _store.RunOkAsync("dl", "add", "List", "--member", "dougd", "--member", "joe", "--attr", "info=line one\nline two");
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string[]> ListAliasesAsync(params string[] args)
    {
        var result = await _store.RunOkAsync(["recipients", "list", .. args, "--json"]);
        var array = CliJson.Parse(result.Out);
        Assert.Equal(JsonValueKind.Array, array.ValueKind);
        return [.. array.EnumerateArray().Select(r => CliJson.DescribeRecipient(r).Split(" | ")[0])];
    }

    [Fact]
    public async Task List_Human_IsATableOrderedByAliasWithACount()
    {
        var result = await _store.RunOkAsync("recipients", "list");

        Assert.Equal(
            """
            ALIAS      DISPLAY NAME  CLASS              CONTAINER              ADDRESS                           SOURCE
            ---------  ------------  -----------------  ---------------------  --------------------------------  ------
            dougd      Doug Dosdall  mailbox            Recipients/Sales       SMTP:dougd@Site1.Testorg.com      local
            joe        joe           custom-recipient   Recipients/Sales/West  SMTP:joe@example.net              local
            List       List          distribution-list  Recipients             SMTP:List@Site1.Testorg.com       local
            Mailbox11  Mailbox11     mailbox            Recipients             SMTP:Mailbox11@Site1.Testorg.com  local
            4 recipients

            """,
            result.Out);
    }

    [Fact]
    public async Task List_Json_IsAnArrayOfRecipientsInTheContractShape()
    {
        var result = await _store.RunOkAsync("recipients", "list", "--json");

        Assert.EndsWith("]\n", result.Out, StringComparison.Ordinal);
        var recipients = CliJson.Parse(result.Out).EnumerateArray().Select(CliJson.DescribeRecipient).ToArray();
        Assert.Equal(
            [
                "dougd | Doug Dosdall | mailbox | Recipients/Sales | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | givenName=Doug;sn=Dosdall |  | 1/1",
                "joe | joe | custom-recipient | Recipients/Sales/West | SMTP:joe@example.net,EDK:joe@Site1.Testorg.com | SMTP:joe@example.net | (local) | (no attributes) |  | 2/2",
                "List | List | distribution-list | Recipients | EDK:List@Site1.Testorg.com,SMTP:List@Site1.Testorg.com | (no target) | (local) | info=line one\nline two | dougd,joe | 4/4",
                "Mailbox11 | Mailbox11 | mailbox | Recipients | EDK:Mailbox11@Site1.Testorg.com,SMTP:Mailbox11@Site1.Testorg.com | (no target) | (local) | (no attributes) |  | 3/3",
            ],
            recipients);
    }

    [Fact]
    public async Task List_Json_HoldsTheSameObjectsShowPrints()
    {
        var list = CliJson.Parse((await _store.RunOkAsync("recipients", "list", "--json")).Out);

        foreach (var recipient in list.EnumerateArray())
        {
            var alias = recipient.GetProperty("alias").GetString()!;
            var shown = CliJson.Parse((await _store.RunOkAsync("recipients", "show", alias, "--json")).Out);
            Assert.True(JsonElement.DeepEquals(recipient, shown), $"list and show differ for {alias}");
        }
    }

    [Theory]
    [InlineData(new[] { "--container", "Recipients" }, new[] { "List", "Mailbox11" })]
    [InlineData(new[] { "--container", "recipients/SALES" }, new[] { "dougd" })]
    [InlineData(new[] { "--container", "Recipients/Sales", "--subcontainers" }, new[] { "dougd", "joe" })]
    [InlineData(new[] { "--container", "Recipients", "--subcontainers" }, new[] { "dougd", "joe", "List", "Mailbox11" })]
    [InlineData(new[] { "--class", "mailbox" }, new[] { "dougd", "Mailbox11" })]
    [InlineData(new[] { "--class", "custom-recipient" }, new[] { "joe" })]
    [InlineData(new[] { "--class", "remote" }, new[] { "joe" })]
    [InlineData(new[] { "--class", "dl" }, new[] { "List" })]
    [InlineData(new[] { "--class", "distribution-list" }, new[] { "List" })]
    [InlineData(new[] { "--class", "mailbox", "--container", "Recipients/Sales", "--subcontainers" }, new[] { "dougd" })]
    [InlineData(new[] { "--class", "dl", "--container", "Recipients/Sales/West" }, new string[0])]
    public async Task List_Filters_SelectByContainerAndClass(string[] filter, string[] expected) =>
        Assert.Equal(expected, await ListAliasesAsync(filter));

    [Fact]
    public async Task List_NothingMatches_PrintsAnEmptyArrayOrAnEmptyTable()
    {
        var json = await _store.RunOkAsync("recipients", "list", "--class", "dl", "--container", "Recipients/Sales", "--json");
        var text = await _store.RunOkAsync("recipients", "list", "--class", "dl", "--container", "Recipients/Sales");

        Assert.Equal("[]\n", json.Out);
        Assert.Equal("ALIAS  DISPLAY NAME  CLASS  CONTAINER  ADDRESS  SOURCE\n-----  ------------  -----  ---------  -------  ------\n0 recipients\n", text.Out);
    }

    [Fact]
    public async Task List_OneRecipient_SaysRecipientInTheSingular()
    {
        var result = await _store.RunOkAsync("recipients", "list", "--class", "dl");

        Assert.EndsWith("\n1 recipient\n", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Human_PrintsEveryValueWithAlignedContinuationLines()
    {
        await using var store = await TestStores.OpenAsync(_store.Path);
        var list = (await store.FindByAliasAsync("List"))!;

        var result = await _store.RunOkAsync("recipients", "show", "list");

        Assert.Equal(
            $"""
            Alias:           List
            Display name:    List
            Class:           distribution-list
            Container:       Recipients
            GUID:            {list.Guid}
            Addresses:       EDK:List@Site1.Testorg.com
                             SMTP:List@Site1.Testorg.com
            Members:         dougd
                             joe
            info:            line one
                             line two
            Imported from:   (local)
            USN created:     4
            USN changed:     4
            Changed:         {list.WhenChanged:u}

            """,
            result.Out);
    }

    [Fact]
    public async Task Show_CustomRecipient_PrintsItsTargetAndAttributes()
    {
        await _store.RunOkAsync("custom-recipient", "set", "joe", "--attr", "otherTelephone=+1 1", "--attr", "otherTelephone=+1 2");

        var result = await _store.RunOkAsync("recipients", "show", "joe");

        var lines = result.Out.Split('\n');
        Assert.Equal("Target address:  SMTP:joe@example.net", lines[5]);
        Assert.Equal("Addresses:       SMTP:joe@example.net", lines[6]);
        Assert.Equal("                 EDK:joe@Site1.Testorg.com", lines[7]);
        Assert.Equal("otherTelephone:  +1 1", lines[8]);
        Assert.Equal("                 +1 2", lines[9]);
    }

    [Fact]
    public async Task Show_Json_IsOneRecipientObject()
    {
        var result = await _store.RunOkAsync("recipients", "show", "DOUGD", "--json");

        Assert.Equal(
            "dougd | Doug Dosdall | mailbox | Recipients/Sales | EDK:dougd@Site1.Testorg.com,SMTP:dougd@Site1.Testorg.com | (no target) | (local) | givenName=Doug;sn=Dosdall |  | 1/1",
            CliJson.DescribeRecipient(CliJson.Parse(result.Out)));
    }
}
