using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync address-template list|set</c>.</summary>
public sealed class AddressTemplateCommandTests : IAsyncLifetime
{
    private CliStore _store = null!;

    public async ValueTask InitializeAsync() => _store = await CliStore.InitAsync();

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(string Type, string Template)[]> TemplatesAsync()
    {
        var result = await _store.RunOkAsync("address-template", "list", "--json");
        var templates = CliJson.Parse(result.Out);
        Assert.Equal(JsonValueKind.Array, templates.ValueKind);
        Assert.All(templates.EnumerateArray(), t => Assert.Equal(["addressType", "template"], t.EnumerateObject().Select(p => p.Name)));
        return [.. templates.EnumerateArray().Select(t => (t.GetProperty("addressType").GetString()!, t.GetProperty("template").GetString()!))];
    }

    private async Task<string[]> AddressesAsync(string alias)
    {
        var result = await _store.RunOkAsync("recipients", "show", alias, "--json");
        return CliJson.Strings(CliJson.Parse(result.Out).GetProperty("proxyAddresses"));
    }

    [Fact]
    public async Task List_NewStore_HasTheSiteDefaultsForSmtpAndEdk()
    {
        var text = await _store.RunOkAsync("address-template", "list");

        Assert.Equal([("EDK", "%m@Site1.Testorg.com"), ("SMTP", "%m@Site1.Testorg.com")], await TemplatesAsync());
        Assert.Equal("TYPE  TEMPLATE\n----  --------------------\nEDK   %m@Site1.Testorg.com\nSMTP  %m@Site1.Testorg.com\n", text.Out);
    }

    [Fact]
    public async Task List_OrganizationAndSiteWithSpaces_AreCleanedIntoTheDomain()
    {
        using var other = await CliStore.InitAsync("Test Org", "Site Ünë", "Server1");

        var result = await other.RunOkAsync("address-template", "list", "--json");

        Assert.Equal(
            [("EDK", "%m@SiteUne.TestOrg.com"), ("SMTP", "%m@SiteUne.TestOrg.com")],
            CliJson.Parse(result.Out).EnumerateArray().Select(t => (t.GetProperty("addressType").GetString(), t.GetProperty("template").GetString())));
    }

    [Fact]
    public async Task Set_Smtp_RegeneratesSmtpOnlyAndKeepsTheOldAsSecondary()
    {
        await _store.RunOkAsync("mailbox", "add", "dougd", "--given-name", "Doug", "--surname", "Dosdall");
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");
        await _store.RunOkAsync("custom-recipient", "add", "joe", "--target-address", "SMTP:joe@example.net");

        var result = await _store.RunOkAsync("address-template", "set", "smtp", "%g.%s@Testorg.com");

        Assert.Equal("Set the SMTP template; 2 recipients got a new primary SMTP address\n", result.Out);
        Assert.Equal([("EDK", "%m@Site1.Testorg.com"), ("SMTP", "%g.%s@Testorg.com")], await TemplatesAsync());
        Assert.Equal(["EDK:dougd@Site1.Testorg.com", "smtp:dougd@Site1.Testorg.com", "SMTP:Doug.Dosdall@Testorg.com"], await AddressesAsync("dougd"));
        Assert.Equal(["EDK:Mailbox11@Site1.Testorg.com", "smtp:Mailbox11@Site1.Testorg.com", "SMTP:Mailbox11@Testorg.com"], await AddressesAsync("Mailbox11"));
        Assert.Equal(["SMTP:joe@example.net", "EDK:joe@Site1.Testorg.com"], await AddressesAsync("joe"));
    }

    [Fact]
    public async Task Set_OneRecipientChanged_SaysRecipientInTheSingular()
    {
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");

        var result = await _store.RunOkAsync("address-template", "set", "EDK", "%m@Testorg.com");

        Assert.Equal("Set the EDK template; 1 recipient got a new primary EDK address\n", result.Out);
        Assert.Equal(["edk:Mailbox11@Site1.Testorg.com", "SMTP:Mailbox11@Site1.Testorg.com", "EDK:Mailbox11@Testorg.com"], await AddressesAsync("Mailbox11"));
    }

    [Fact]
    public async Task Set_NewType_AddsItsAddressToEveryRecipient()
    {
        await _store.RunOkAsync("mailbox", "add", "Mailbox11");

        var result = await _store.RunOkAsync("address-template", "set", "MS", "TESTORG/SITE1/%m");

        Assert.Equal("Set the MS template; 1 recipient got a new primary MS address\n", result.Out);
        Assert.Equal(["EDK:Mailbox11@Site1.Testorg.com", "SMTP:Mailbox11@Site1.Testorg.com", "MS:TESTORG/SITE1/MAILBOX11"], await AddressesAsync("Mailbox11"));
        Assert.Equal([("EDK", "%m@Site1.Testorg.com"), ("MS", "TESTORG/SITE1/%m"), ("SMTP", "%m@Site1.Testorg.com")], await TemplatesAsync());
    }

    [Fact]
    public async Task Set_TemplateTheFirstRecipientAlreadyHolds_SecondGetsTheAliasForm()
    {
        await _store.RunOkAsync("mailbox", "add", "jsmith", "--given-name", "John", "--surname", "Smith");
        await _store.RunOkAsync("mailbox", "add", "smithj", "--given-name", "John", "--surname", "Smith");

        await _store.RunOkAsync("address-template", "set", "SMTP", "%1g%s@Testorg.com");

        Assert.Equal("SMTP:JSmith@Testorg.com", (await AddressesAsync("jsmith"))[^1]);
        Assert.Equal("SMTP:smithj@Testorg.com", (await AddressesAsync("smithj"))[^1]);
    }
}
