using DirSync.Core.Gal;
using DirSync.Core.Hub;
using DirSync.Tests.Gal;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

public sealed class GalCommandTests : IAsyncLifetime
{
    private GalTestStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await GalTestStore.CreateAsync();
        await _store.AddAsync(
            GalTestStore.Mailbox("jsmith", "John Smith", "SMTP:jsmith@site1.testorg.com"),
            GalTestStore.Mailbox("jsmith2", "john smith", "SMTP:jsmith2@site1.testorg.com"),
            GalTestStore.Mailbox("mueller", "Müller", "SMTP:mueller@site1.testorg.com"),
            GalTestStore.DistributionList("staff", "All Staff"),
            GalTestStore.Imported("remote", "Ärger Remote", "Testorg/Site2/Server2"));
    }

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(_store.Path, args);

    [Fact]
    public async Task Rebuild_Text_SaysHowManyEntriesAndSuffixes()
    {
        var result = await RunAsync("gal", "rebuild");

        Assert.Equal((0, "Rebuilt the GAL: 5 entries (1 display name given a suffix)\n", ""), (result.ExitCode, result.Out, result.Error));
    }

    [Fact]
    public async Task Rebuild_Json_GivesTheCounts()
    {
        var result = await RunAsync("gal", "rebuild", "--json");

        Assert.Equal((0, "{\n  \"entries\": 5,\n  \"renamed\": 1\n}\n", ""), (result.ExitCode, result.Out, result.Error));
    }

    [Fact]
    public async Task Rebuild_RequestorSettingPresent_ShowsItsNameAsTheLocalPostoffice()
    {
        await _store.SetSettingAsync(HubSettings.RequestorKey, """{"name":"NET1/PO1"}""");

        Assert.Equal(0, (await RunAsync("gal", "rebuild")).ExitCode);

        Assert.Equal(
            [("staff", "NET1/PO1"), ("remote", "Testorg/Site2/Server2"), ("jsmith", "NET1/PO1"), ("jsmith2", "NET1/PO1"), ("mueller", "NET1/PO1")],
            (await _store.GalAsync()).Select(e => (e.Alias, e.Postoffice)));
    }

    [Fact]
    public async Task List_Text_IsATableInGalOrder()
    {
        await RunAsync("gal", "rebuild");

        var result = await RunAsync("gal", "list");

        Assert.Equal(
            """
            DISPLAY NAME   ALIAS    CLASS              ADDRESS                         POSTOFFICE
            -------------  -------  -----------------  ------------------------------  ---------------------
            All Staff      staff    distribution-list                                  Server1
            Ärger Remote   remote   custom-recipient   SMTP:remote@elsewhere.example   Testorg/Site2/Server2
            John Smith     jsmith   mailbox            SMTP:jsmith@site1.testorg.com   Server1
            john smith001  jsmith2  mailbox            SMTP:jsmith2@site1.testorg.com  Server1
            Müller         mueller  mailbox            SMTP:mueller@site1.testorg.com  Server1
            5 entries

            """.ReplaceLineEndings("\n"),
            result.Out);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task List_Json_IsAnArrayOfExactlyTheContractFields()
    {
        await RunAsync("gal", "rebuild");

        var result = await RunAsync("gal", "list", "--json");

        Assert.Equal(
            """
            [
              {
                "displayName": "All Staff",
                "alias": "staff",
                "class": "distribution-list",
                "address": "",
                "postoffice": "Server1"
              },
              {
                "displayName": "Ärger Remote",
                "alias": "remote",
                "class": "custom-recipient",
                "address": "SMTP:remote@elsewhere.example",
                "postoffice": "Testorg/Site2/Server2"
              },
              {
                "displayName": "John Smith",
                "alias": "jsmith",
                "class": "mailbox",
                "address": "SMTP:jsmith@site1.testorg.com",
                "postoffice": "Server1"
              },
              {
                "displayName": "john smith001",
                "alias": "jsmith2",
                "class": "mailbox",
                "address": "SMTP:jsmith2@site1.testorg.com",
                "postoffice": "Server1"
              },
              {
                "displayName": "Müller",
                "alias": "mueller",
                "class": "mailbox",
                "address": "SMTP:mueller@site1.testorg.com",
                "postoffice": "Server1"
              }
            ]

            """.ReplaceLineEndings("\n"),
            result.Out);
        Assert.Equal((0, ""), (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task List_NeverRebuilt_SaysSoAndSucceeds()
    {
        var result = await RunAsync("gal", "list");

        Assert.Equal((0, "The GAL is empty; run 'dirsync gal rebuild'\n", ""), (result.ExitCode, result.Out, result.Error));
    }

    [Fact]
    public async Task List_NeverRebuiltAsJson_IsAnEmptyArray()
    {
        var result = await RunAsync("gal", "list", "--json");

        Assert.Equal((0, "[]\n", ""), (result.ExitCode, result.Out, result.Error));
    }

    [Fact]
    public async Task Search_Text_FindsAccentedNamesFromAPlainPrefix()
    {
        await RunAsync("gal", "rebuild");

        var result = await RunAsync("gal", "search", "MUL");

        Assert.Equal(
            """
            DISPLAY NAME  ALIAS    CLASS    ADDRESS                         POSTOFFICE
            ------------  -------  -------  ------------------------------  ----------
            Müller        mueller  mailbox  SMTP:mueller@site1.testorg.com  Server1
            1 entry

            """.ReplaceLineEndings("\n"),
            result.Out);
    }

    [Fact]
    public async Task Search_JsonWithLimit_GivesTheFirstEntriesInTheListShape()
    {
        await RunAsync("gal", "rebuild");

        var result = await RunAsync("gal", "search", "john", "--limit", "1", "--json");

        Assert.Equal(
            """
            [
              {
                "displayName": "John Smith",
                "alias": "jsmith",
                "class": "mailbox",
                "address": "SMTP:jsmith@site1.testorg.com",
                "postoffice": "Server1"
              }
            ]

            """.ReplaceLineEndings("\n"),
            result.Out);
        Assert.Equal((0, ""), (result.ExitCode, result.Error));
    }

    [Theory]
    [InlineData("j", "jsmith jsmith2")]
    [InlineData("JO", "jsmith jsmith2")]
    [InlineData("a", "staff remote")]
    [InlineData("Ä", "staff remote")]
    [InlineData("mü", "mueller")]
    [InlineData("al", "staff")]
    public async Task Search_OneOrTwoCharacters_FindsEveryEntryStartingSoInGalOrder(string prefix, string aliases)
    {
        // One or two characters are answered from the first-characters indexes, on either backend.
        await RunAsync("gal", "rebuild");

        var result = await RunAsync("gal", "search", prefix, "--json");

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Equal(aliases.Split(' '), CliJson.Parse(result.Out).EnumerateArray().Select(e => e.GetProperty("alias").GetString()));
    }

    [Fact]
    public async Task Search_LimitReached_SaysThereMayBeMore()
    {
        await RunAsync("gal", "rebuild");

        var result = await RunAsync("gal", "search", "john", "--limit", "2");

        Assert.EndsWith("\n2 entries (--limit 2 reached; there may be more)\n", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_NoMatch_SaysSo()
    {
        await RunAsync("gal", "rebuild");

        var result = await RunAsync("gal", "search", "zz");

        Assert.Equal((0, "No GAL entry starts with 'zz'\n"), (result.ExitCode, result.Out));
    }

    [Fact]
    public async Task Search_NeverRebuilt_SaysTheGalIsEmpty()
    {
        var result = await RunAsync("gal", "search", "john");

        Assert.Equal((0, "The GAL is empty; run 'dirsync gal rebuild'\n"), (result.ExitCode, result.Out));
    }

    [Fact]
    public async Task Search_EmptyPrefix_FailsAsAnInvalidValue()
    {
        var result = await RunAsync("gal", "search", "");

        Assert.Equal((3, "", "dirsync: give at least one character to search for\n"), (result.ExitCode, result.Out, result.Error.ReplaceLineEndings("\n")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    public async Task Search_LimitOutOfRange_IsAUsageError(string limit)
    {
        var result = await RunAsync("gal", "search", "john", "--limit", limit);

        Assert.Equal(
            (2, "", $"dirsync: --limit must be a whole number of entries from 1 to 10000, not '{limit}' (see 'dirsync gal search --help')\n"),
            (result.ExitCode, result.Out, result.Error.ReplaceLineEndings("\n")));
    }
}
