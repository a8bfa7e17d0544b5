using System.Text.Json;
using DirSync.Core.Model;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync attributes</c>: it needs no store.</summary>
public sealed class AttributesCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Attributes_Json_ListsEverySpellingPairInSchemaOrder()
    {
        var result = await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "attributes", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        var attributes = CliJson.Parse(result.Out).EnumerateArray().ToList();
        Assert.All(attributes, a => Assert.Equal(["exchangeName", "ldapName", "multiValued", "writable", "maxLength"], a.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(AttributeCatalog.All.Select(a => a.LdapName), attributes.Select(a => a.GetProperty("ldapName").GetString()));
        var displayName = attributes.Single(a => a.GetProperty("exchangeName").GetString() == "Display-Name");
        Assert.Equal("displayName", displayName.GetProperty("ldapName").GetString());
        Assert.Equal(JsonValueKind.False, displayName.GetProperty("multiValued").ValueKind);
        Assert.Equal(JsonValueKind.True, displayName.GetProperty("writable").ValueKind);
        Assert.Equal(256, displayName.GetProperty("maxLength").GetInt32());
        var usnChanged = attributes.Single(a => a.GetProperty("ldapName").GetString() == "uSNChanged");
        Assert.Equal(("USN-Changed", false), (usnChanged.GetProperty("exchangeName").GetString(), usnChanged.GetProperty("writable").GetBoolean()));
        var proxies = attributes.Single(a => a.GetProperty("ldapName").GetString() == "proxyAddresses");
        Assert.True(proxies.GetProperty("multiValued").GetBoolean());
    }

    [Fact]
    public async Task Attributes_Human_IsATableWithBothSpellings()
    {
        var result = await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "attributes");

        var lines = result.Out.Split('\n');
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("EXCHANGE NAME           LDAP NAME                   VALUES  SET BY", lines[0]);
        Assert.Equal("Common-Name             cn                          one     you", lines[2]);
        Assert.Equal("Display-Name            displayName                 one     you", lines[3]);
        Assert.Contains("Proxy-Addresses         proxyAddresses              many    you", lines);
        Assert.Contains("USN-Changed             uSNChanged                  one     directory", lines);
        Assert.Equal(AttributeCatalog.All.Count + 3, lines.Length);
    }
}
