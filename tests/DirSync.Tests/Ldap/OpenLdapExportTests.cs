using System.Text;

namespace DirSync.Tests.Ldap;

/// <summary>Exporting into a real OpenLDAP server: mailboxes here become inetOrgPerson entries there, which DirSync alone changes.</summary>
public sealed class OpenLdapExportTests
{
    private const int Directory = 12;
    private const int Refused = 13;

    private static async Task<(Slapd Slapd, LdapStore Store)> SetUpAsync(params string[] extra)
    {
        var slapd = await Slapd.StartAsync();
        var store = await LdapStore.CreateAsync();
        await store.OkAsync("address-template", "set", "SMTP", "%m@site1.example");
        await store.OkAsync("mailbox", "add", "Mailbox11", "--display-name", "Mailbox 11", "--given-name", "Eleven", "--surname", "Box", "--attr", "Title=Manager");
        await store.OkAsync("mailbox", "add", "Mailbox12", "--display-name", "Mailbox 12");
        await store.OkAsync(["instance", "set", "OUT", "--export", "--ldap", slapd.Url, "--base-dn", Slapd.Contacts, .. slapd.Bind, .. extra]);
        return (slapd, store);
    }

    [Fact]
    public async Task Run_FullExport_WritesInetOrgPersonEntriesOfTheStockSchema()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;

        Assert.Equal((2L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("OUT"));

        Assert.Equal(
            """
            dn: cn=Mailbox11,ou=Contacts,dc=example,dc=org
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: inetOrgPerson
            cn: Mailbox11
            displayName: Mailbox 11
            givenName: Eleven
            sn: Box
            title: Manager
            mail: Mailbox11@site1.example

            dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: inetOrgPerson
            cn: Mailbox12
            displayName: Mailbox 12
            sn: 12
            mail: Mailbox12@site1.example
            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            await slapd.SearchAsync(Slapd.Contacts, "(objectClass=inetOrgPerson)"));
    }

    [Fact]
    public async Task Run_Incremental_RenamesAndMovesTheSameEntryAndDeletesOwnedOnes()
    {
        var (slapd, store) = await SetUpAsync("--subcontainers");
        await using var _ = slapd;
        using var __ = store;
        await store.RunInstanceAsync("OUT");
        var uuid = await slapd.SearchAsync(Slapd.Contacts, "(cn=Mailbox11)", "entryUUID");

        await store.OkAsync("mailbox", "set", "Mailbox11", "--alias", "Mailbox99", "--attr", "Title=Director");
        Assert.Equal((0L, 1L, 0L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));
        Assert.Equal(uuid.Replace("cn=Mailbox11", "cn=Mailbox99", StringComparison.Ordinal), await slapd.SearchAsync(Slapd.Contacts, "(cn=Mailbox99)", "entryUUID"));

        await store.OkAsync("container", "add", "Recipients/Sales");
        await store.OkAsync("mailbox", "set", "Mailbox99", "--container", "Recipients/Sales");
        await store.OkAsync("mailbox", "remove", "Mailbox12");
        Assert.Equal((0L, 1L, 1L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));

        Assert.Equal(
            uuid.Replace("cn=Mailbox11,ou=Contacts", "cn=Mailbox99,ou=Sales,ou=Contacts", StringComparison.Ordinal) + "\ntitle: Director",
            await slapd.SearchAsync(Slapd.Contacts, "(objectClass=inetOrgPerson)", "entryUUID", "title"));
        var csn = await slapd.SearchAsync(Slapd.Suffix, "(objectClass=dcObject)", "contextCSN");

        Assert.Equal((0L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));
        Assert.Equal(csn, await slapd.SearchAsync(Slapd.Suffix, "(objectClass=dcObject)", "contextCSN"));
    }

    [Fact]
    public async Task Run_Full_RepairsHandEditsAndLeavesOtherEntriesAlone()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        await store.OkAsync("mailbox", "add", "Mailbox13");
        await store.RunInstanceAsync("OUT");
        await slapd.ModifyAsync("""
            dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org
            changetype: delete

            dn: cn=Mailbox11,ou=Contacts,dc=example,dc=org
            changetype: modify
            replace: displayName
            displayName: Edited by hand
            -
            add: description
            description: a note someone added

            dn: cn=Foreign,ou=Contacts,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: Foreign
            sn: Person
            mail: foreign@example.org
            """);
        await store.OkAsync("mailbox", "remove", "Mailbox13");
        var foreign = await slapd.SearchAsync(Slapd.Contacts, "(cn=Foreign)", "*", "entryCSN");

        Assert.Equal((1L, 1L, 1L, 0L, "full"), await store.RunInstanceAsync("OUT", "--full"));

        Assert.Equal(
            """
            dn: cn=Mailbox11,ou=Contacts,dc=example,dc=org
            displayName: Mailbox 11

            dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org
            displayName: Mailbox 12
            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            await slapd.SearchAsync(Slapd.Contacts, "(&(objectClass=inetOrgPerson)(!(cn=Foreign)))", "displayName"));
        Assert.Equal(foreign, await slapd.SearchAsync(Slapd.Contacts, "(cn=Foreign)", "*", "entryCSN"));
        Assert.Equal((0L, 0L, 0L, 2L, "full"), await store.RunInstanceAsync("OUT", "--full"));
    }

    [Fact]
    public async Task Run_EntryTheServerRefuses_IsReportedWithItsDnAndSentAgainByTheNextRun()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        await slapd.ModifyAsync("""
            dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: Mailbox12
            sn: Squatter
            """);

        var result = await store.RunAsync("run", "OUT");

        Assert.Equal(Refused, result.ExitCode);
        const string Reason = "cn=Mailbox12,ou=Contacts,dc=example,dc=org: an entry DirSync did not create already has this name, and DirSync leaves it alone; remove or rename it there, or rename 'Mailbox12' here";
        Assert.Equal(
            $"dirsync: {slapd.Url} ({Slapd.Contacts}) refused 1 entries: {Reason}; what it accepted is recorded, the refused ones are sent again by the next run\n",
            result.Error.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains($"  refused: {Reason}\n", result.Out.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org\nsn: Squatter", await slapd.SearchAsync(Slapd.Contacts, "(cn=Mailbox12)", "sn"));
        Assert.Equal("dn: cn=Mailbox11,ou=Contacts,dc=example,dc=org\nsn: Box", await slapd.SearchAsync(Slapd.Contacts, "(cn=Mailbox11)", "sn"));

        await slapd.ModifyAsync("dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org\nchangetype: delete");
        Assert.Equal((1L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));
        Assert.Equal("dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org\nsn: 12", await slapd.SearchAsync(Slapd.Contacts, "(cn=Mailbox12)", "sn"));
        Assert.Equal((0L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));
    }

    [Fact]
    public async Task Run_NamesThatNeedEscaping_AreWrittenRenamedAndDeleted()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        string[] aliases = ["Smith, John", "a+b", "Quote\"d", "<angle>", "semi;colon", "eq=ual", "#hash", "Zoë Ünïcode", "ends with dot."];
        foreach (var alias in aliases)
        {
            await store.OkAsync("mailbox", "add", alias);
        }

        Assert.Equal((11L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("OUT"));
        Assert.Equal(aliases.Concat(["Mailbox11", "Mailbox12"]).Order(StringComparer.Ordinal), await CommonNamesAsync(slapd));

        foreach (var alias in aliases)
        {
            await store.OkAsync("mailbox", "set", alias, "--alias", alias + " 2");
        }

        Assert.Equal((0L, 9L, 0L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));
        Assert.Equal(aliases.Select(a => a + " 2").Concat(["Mailbox11", "Mailbox12"]).Order(StringComparer.Ordinal), await CommonNamesAsync(slapd));

        foreach (var alias in aliases)
        {
            await store.OkAsync("mailbox", "remove", alias + " 2");
        }

        Assert.Equal((0L, 0L, 9L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));
        Assert.Equal(["Mailbox11", "Mailbox12"], await CommonNamesAsync(slapd));
    }

    [Fact]
    public async Task Run_ConnectionLostMidExport_RecordsWhatWasAcceptedAndTheRerunConverges()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        for (var n = 1; n <= 60; n++)
        {
            await store.OkAsync("mailbox", "add", $"Bulk{n:00}");
        }

        await using var proxy = new DroppingProxy(slapd.Port, limit: 2500);
        await store.OkAsync("instance", "set", "OUT", "--ldap", proxy.Url);

        var result = await store.RunAsync("run", "OUT");

        Assert.Equal(Directory, result.ExitCode);
        Assert.StartsWith($"dirsync: the connection to {proxy.Url} was lost", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("the watermark is where it was — run 'dirsync run OUT' again when the server is back\n", result.Error.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        var written = (await CommonNamesAsync(slapd)).Count;
        Assert.InRange(written, 1, 61);

        await store.OkAsync("instance", "set", "OUT", "--ldap", slapd.Url);
        var (added, modified, deleted, unchanged, mode) = await store.RunInstanceAsync("OUT");
        // What was accepted before the loss is updated in place; creates whose answer was lost are found and taken as DirSync's own.
        Assert.Equal(("full", 62L, 0L), (mode, added + modified + unchanged, deleted));
        Assert.InRange(added, 62 - written, 62);
        Assert.Equal(62, (await CommonNamesAsync(slapd)).Count);
        Assert.Equal((0L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("OUT"));
    }

    /// <summary>The cn of every person entry under ou=Contacts, decoded, in ordinal order.</summary>
    internal static async Task<IReadOnlyList<string>> CommonNamesAsync(Slapd slapd)
    {
        var text = await slapd.SearchAsync(Slapd.Contacts, "(objectClass=inetOrgPerson)", "cn");
        return text.Split('\n')
            .Where(l => l.StartsWith("cn:", StringComparison.Ordinal))
            .Select(l => l.StartsWith("cn:: ", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Convert.FromBase64String(l[5..])) : l[4..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
