namespace DirSync.Tests.Ldap;

/// <summary>Importing from a real OpenLDAP server: people there become custom recipients here, and follow every change.</summary>
public sealed class OpenLdapImportTests
{
    private const int Guard = 10;
    private const int Directory = 12;

    private static string Person(string cn, string uid, string mail, string parent = Slapd.People, string extra = "") => $"""
        dn: cn={cn},{parent}
        changetype: add
        objectClass: inetOrgPerson
        cn: {cn}
        sn: {cn.Split(' ')[^1]}
        uid: {uid}
        mail: {mail}
        {extra}
        """;

    private static async Task<(Slapd Slapd, LdapStore Store)> SetUpAsync(SlapdOptions? options = null)
    {
        var slapd = await Slapd.StartAsync(options);
        await slapd.ModifyAsync(string.Join("\n\n",
            Person("Ann Smith", "ann", "ann@example.org", extra: "title: Engineer\ndisplayName: Ann Smith\ntelephoneNumber: +1 555 0100\nl: Berlin\no: Example Corp\nou: Research"),
            Person("Bob Jones", "bob", "bob@example.org"),
            """
            dn: cn=No Mail,ou=People,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: No Mail
            sn: Mail
            uid: nomail
            """,
            Person("Out Side", "outside", "outside@example.org", Slapd.Contacts)));
        var store = await LdapStore.CreateAsync();
        await store.OkAsync(["instance", "set", "PEOPLE", "--import", "--ldap", slapd.Url, "--base-dn", Slapd.People, .. slapd.Bind]);
        return (slapd, store);
    }

    [Fact]
    public async Task Run_FirstImport_MakesCustomRecipientsOfPeopleWithMailUnderTheBase()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;

        Assert.Equal((2L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("PEOPLE"));

        Assert.Equal(
            [
                "ann | Ann Smith | custom-recipient | SMTP:ann@example.org | sn=Smith, title=Engineer, company=Example Corp, department=Research, telephoneNumber=+1 555 0100, l=Berlin",
                "bob | Bob Jones | custom-recipient | SMTP:bob@example.org | sn=Jones",
            ],
            await store.RecipientsAsync());
        Assert.Equal((0L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
    }

    [Fact]
    public async Task Run_Incremental_FollowsAddsChangesRenamesMovesAndDeletes()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        await store.RunInstanceAsync("PEOPLE");

        await slapd.ModifyAsync($"""
            {Person("Cy Twombly", "cy", "cy@example.org")}

            dn: cn=Ann Smith,ou=People,dc=example,dc=org
            changetype: modify
            replace: title
            title: Director
            -
            delete: telephoneNumber

            dn: ou=Sub,ou=People,dc=example,dc=org
            changetype: add
            objectClass: organizationalUnit
            ou: Sub

            dn: cn=Bob Jones,ou=People,dc=example,dc=org
            changetype: modrdn
            newrdn: cn=Robert Jones
            deleteoldrdn: 1
            newsuperior: ou=Sub,ou=People,dc=example,dc=org
            """);

        Assert.Equal((1L, 2L, 0L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
        Assert.Equal(
            [
                "ann | Ann Smith | custom-recipient | SMTP:ann@example.org | sn=Smith, title=Director, company=Example Corp, department=Research, l=Berlin",
                "bob | Robert Jones | custom-recipient | SMTP:bob@example.org | sn=Jones",
                "cy | Cy Twombly | custom-recipient | SMTP:cy@example.org | sn=Twombly",
            ],
            await store.RecipientsAsync());

        await slapd.ModifyAsync("""
            dn: cn=Robert Jones,ou=Sub,ou=People,dc=example,dc=org
            changetype: delete

            dn: cn=Cy Twombly,ou=People,dc=example,dc=org
            changetype: modrdn
            newrdn: cn=Cy Twombly
            deleteoldrdn: 1
            newsuperior: ou=Contacts,dc=example,dc=org
            """);

        // Bob is gone, Cy moved out of the base: both leave.
        Assert.Equal((0L, 0L, 2L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
        Assert.Equal(["ann"], (await store.RecipientsAsync()).Select(r => r.Split(' ')[0]));
        Assert.Equal((0L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
    }

    [Fact]
    public async Task Run_PresentPhaseWithoutSessionLog_DeletesWhatTheServerNoLongerNames()
    {
        var (slapd, store) = await SetUpAsync(new SlapdOptions { SessionLog = false });
        await using var _ = slapd;
        using var __ = store;
        await store.RunInstanceAsync("PEOPLE");

        await slapd.ModifyAsync("""
            dn: cn=Bob Jones,ou=People,dc=example,dc=org
            changetype: delete

            dn: cn=Ann Smith,ou=People,dc=example,dc=org
            changetype: modify
            replace: title
            title: Director
            """);

        Assert.Equal((0L, 1L, 1L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
        Assert.Equal(["ann"], (await store.RecipientsAsync()).Select(r => r.Split(' ')[0]));
    }

    [Fact]
    public async Task Run_ServerWithoutSyncProv_FallsBackToTimestampsAndAnAnchorReconcile()
    {
        var (slapd, store) = await SetUpAsync(new SlapdOptions { SyncProv = false });
        await using var _ = slapd;
        using var __ = store;
        Assert.Equal((2L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("PEOPLE"));

        await slapd.ModifyAsync($"""
            dn: cn=Bob Jones,ou=People,dc=example,dc=org
            changetype: delete

            dn: cn=Ann Smith,ou=People,dc=example,dc=org
            changetype: modify
            replace: title
            title: Director

            {Person("Cy Twombly", "cy", "cy@example.org")}
            """);

        Assert.Equal((1L, 1L, 1L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
        Assert.Equal(["ann", "cy"], (await store.RecipientsAsync()).Select(r => r.Split(' ')[0]));
        Assert.Contains("title=Director", (await store.RecipientsAsync())[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DryRun_PrintsThePlanAndChangesNothing()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        await store.RunInstanceAsync("PEOPLE");
        await slapd.ModifyAsync($"""
            {Person("Cy Twombly", "cy", "cy@example.org")}

            dn: cn=Bob Jones,ou=People,dc=example,dc=org
            changetype: delete
            """);
        var before = await store.SnapshotAsync();

        var result = await store.OkAsync("run", "PEOPLE", "--dry-run");

        Assert.Equal(before, await store.SnapshotAsync());
        Assert.Contains("  delete    bob                      deleted at the source", result.Out, StringComparison.Ordinal);
        Assert.Contains("  add       cy                       Cy Twombly → SMTP:cy@example.org", result.Out, StringComparison.Ordinal);
        Assert.EndsWith("1 added, 0 modified, 1 deleted, 0 unchanged\nDry run: nothing was changed.\n", result.Out.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal((1L, 0L, 1L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
    }

    [Fact]
    public async Task Run_MassDeleteAtTheSource_IsStoppedByTheDeleteGuard()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        await slapd.ModifyAsync(string.Join("\n\n", Enumerable.Range(1, 10).Select(n => Person($"P{n} Person", $"p{n}", $"p{n}@example.org"))));
        Assert.Equal((12L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("PEOPLE"));
        await slapd.ModifyAsync(string.Join("\n\n", Enumerable.Range(1, 10).Select(n => $"dn: cn=P{n} Person,{Slapd.People}\nchangetype: delete")
            .Append($"dn: cn=Bob Jones,{Slapd.People}\nchangetype: delete")));

        var result = await store.FailsAsync(
            Guard,
            $"the changes from {slapd.Url} ({Slapd.People}) would delete 11 recipients, more than the limit of 10 (500, or 10% of the 12 it owns here, whichever is smaller, and at least 10); nothing was applied. If the deletes are intended, run again with --allow-deletes 11, or raise the limit with 'dirsync instance set PEOPLE --delete-limit <n>'",
            "run", "PEOPLE");

        Assert.Equal((0L, 0L, 11L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE", "--allow-deletes", "11"));
    }

    [Fact]
    public async Task Run_ConnectionLostMidRead_LeavesStoreAndCookieAsTheyWere()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        await store.RunInstanceAsync("PEOPLE");
        await slapd.ModifyAsync(string.Join("\n\n", Enumerable.Range(1, 40).Select(n => Person($"P{n} Person", $"p{n}", $"p{n}@example.org"))));
        await using var proxy = new DroppingProxy(slapd.Port, limit: 3000);
        await store.OkAsync("instance", "set", "PEOPLE", "--ldap", proxy.Url);
        var before = await store.SnapshotAsync();

        var result = await store.RunAsync("run", "PEOPLE");

        Assert.Equal(Directory, result.ExitCode);
        Assert.StartsWith($"dirsync: the connection to {proxy.Url} was lost", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Equal(before, await store.SnapshotAsync());

        await store.OkAsync("instance", "set", "PEOPLE", "--ldap", slapd.Url);
        Assert.Equal((40L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("PEOPLE"));
    }

    [Fact]
    public async Task Run_EntriesDirSyncWroteIntoTheBase_AreNotImportedBack()
    {
        var (slapd, store) = await SetUpAsync();
        await using var _ = slapd;
        using var __ = store;
        await store.OkAsync("mailbox", "add", "Mailbox11", "--display-name", "Mailbox 11");
        await store.OkAsync("address-template", "set", "SMTP", "%m@site1.example");
        await store.OkAsync(["instance", "set", "OUT", "--export", "--ldap", slapd.Url, "--base-dn", Slapd.People, .. slapd.Bind]);
        await store.OkAsync("run", "OUT");

        Assert.Equal((2L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("PEOPLE"));
        Assert.Equal(["ann", "bob", "Mailbox11"], (await store.RecipientsAsync()).Select(r => r.Split(' ')[0]));
        await store.OkAsync("mailbox", "set", "Mailbox11", "--display-name", "Mailbox Eleven");
        await store.OkAsync("run", "OUT");
        var again = await store.OkAsync("run", "PEOPLE");
        Assert.Contains("0 added, 0 modified, 0 deleted, 0 unchanged", again.Out, StringComparison.Ordinal);
        Assert.Contains($"note: 1 entries DirSync itself wrote to {slapd.Url} ({Slapd.People}) were passed over", again.Out, StringComparison.Ordinal);
    }
}
