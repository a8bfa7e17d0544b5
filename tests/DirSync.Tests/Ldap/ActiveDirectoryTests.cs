namespace DirSync.Tests.Ldap;

/// <summary>Importing from and exporting to a real Active Directory domain controller (Samba's), over verified TLS.</summary>
public sealed class ActiveDirectoryTests
{
    private static string User(string cn, string parent, string sam, string? mail, string extra = "") => $"""
        dn: CN={cn},{parent}
        changetype: add
        objectClass: user
        sAMAccountName: {sam}
        givenName: {cn.Split(' ')[0]}
        sn: {cn.Split(' ')[^1]}
        displayName: {cn}
        {(mail is null ? "" : "mail: " + mail)}
        {extra}
        """;

    [Fact]
    public async Task Run_ImportFromAd_ReadsEverythingThenOnlyWhatDirSyncReportsChanged()
    {
        var domain = await SambaDomain.GetAsync();
        var staff = await domain.NewUnitAsync("Staff");
        await domain.ModifyAsync(string.Join("\n\n",
            User("Eve Adams", staff, "eve" + Suffix(staff), "eve@dirsync.test", "title: CFO\ndepartment: Finance\ncompany: DirSync Test"),
            User("Nomail Person", staff, "nomail" + Suffix(staff), null),
            $"""
            dn: CN=Fay Wong,{staff}
            changetype: add
            objectClass: contact
            givenName: Fay
            sn: Wong
            displayName: Fay Wong
            mail: fay@partner.test
            """));
        using var store = await LdapStore.CreateAsync();
        await store.OkAsync(["instance", "set", "AD", "--import", "--ldap", domain.Url, "--base-dn", staff, .. domain.Bind]);

        Assert.Equal((2L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("AD"));
        Assert.Equal(
            [
                $"eve{Suffix(staff)} | Eve Adams | custom-recipient | SMTP:eve@dirsync.test | givenName=Eve, sn=Adams, title=CFO, company=DirSync Test, department=Finance",
                "fay | Fay Wong | custom-recipient | SMTP:fay@partner.test | givenName=Fay, sn=Wong",
            ],
            await store.RecipientsAsync());

        await domain.ModifyAsync($"""
            dn: CN=Eve Adams,{staff}
            changetype: modify
            replace: title
            title: CEO

            dn: CN=Fay Wong,{staff}
            changetype: delete

            {User("Gus Grey", staff, "gus" + Suffix(staff), "gus@dirsync.test")}

            dn: CN=Nomail Person,{staff}
            changetype: modify
            add: mail
            mail: nomail@dirsync.test
            """);

        Assert.Equal((2L, 1L, 1L, 0L, "incremental"), await store.RunInstanceAsync("AD"));
        Assert.Equal(
            [$"eve{Suffix(staff)}", $"gus{Suffix(staff)}", $"nomail{Suffix(staff)}"],
            (await store.RecipientsAsync()).Select(r => r.Split(' ')[0]));
        Assert.Contains("title=CEO", (await store.RecipientsAsync())[0], StringComparison.Ordinal);

        await domain.ModifyAsync($"""
            dn: CN=Gus Grey,{staff}
            changetype: modrdn
            newrdn: CN=Gustav Grey
            deleteoldrdn: 1
            newsuperior: {SambaDomain.DomainDn}
            """);

        // Moved out of the base: it leaves.
        Assert.Equal((0L, 0L, 1L, 0L, "incremental"), await store.RunInstanceAsync("AD"));
        Assert.Equal((0L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("AD"));
        await domain.ModifyAsync($"dn: CN=Gustav Grey,{SambaDomain.DomainDn}\nchangetype: delete");
    }

    [Fact]
    public async Task Run_ExportToAd_MakesContactsRenamesThemAndRepairsHandEdits()
    {
        var domain = await SambaDomain.GetAsync();
        var contacts = await domain.NewUnitAsync("Contacts");
        using var store = await LdapStore.CreateAsync();
        await store.OkAsync("address-template", "set", "SMTP", "%m@site1.example");
        await store.OkAsync("mailbox", "add", "Mailbox11", "--display-name", "Mailbox 11", "--given-name", "Eleven", "--surname", "Box", "--attr", "Title=Manager", "--attr", "Department=Sales");
        await store.OkAsync("mailbox", "add", "Mailbox12", "--display-name", "Mailbox 12");
        await store.OkAsync(["instance", "set", "ADOUT", "--export", "--ldap", domain.Url, "--base-dn", contacts, .. domain.Bind]);

        Assert.Equal((2L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("ADOUT"));
        Assert.Equal(
            $"""
            dn: CN=Mailbox11,{contacts}
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: contact
            cn: Mailbox11
            sn: Box
            title: Manager
            givenName: Eleven
            displayName: Mailbox 11
            department: Sales
            proxyAddresses: SMTP:Mailbox11@site1.example
            proxyAddresses: EDK:Mailbox11@Site1.Testorg.com
            mail: Mailbox11@site1.example
            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            await domain.SearchAsync(contacts, "(cn=Mailbox11)", "objectClass", "cn", "sn", "title", "givenName", "displayName", "department", "proxyAddresses", "mail"));
        var guid = await domain.SearchAsync(contacts, "(cn=Mailbox11)", "objectGUID");

        await store.OkAsync("mailbox", "set", "Mailbox11", "--alias", "Mailbox99");
        await store.OkAsync("mailbox", "remove", "Mailbox12");
        Assert.Equal((0L, 1L, 1L, 0L, "incremental"), await store.RunInstanceAsync("ADOUT"));
        Assert.Equal(guid.Replace("CN=Mailbox11", "CN=Mailbox99", StringComparison.Ordinal), await domain.SearchAsync(contacts, "(objectClass=contact)", "objectGUID"));

        await domain.ModifyAsync($"""
            dn: CN=Mailbox99,{contacts}
            changetype: modify
            replace: title
            title: Edited by hand

            dn: CN=Someone Else,{contacts}
            changetype: add
            objectClass: contact
            displayName: Someone Else
            """);
        Assert.Equal((0L, 0L, 0L, 0L, "incremental"), await store.RunInstanceAsync("ADOUT"));
        Assert.Equal((0L, 1L, 0L, 0L, "full"), await store.RunInstanceAsync("ADOUT", "--full"));
        Assert.Equal(
            $"dn: CN=Mailbox99,{contacts}\ntitle: Manager\n\ndn: CN=Someone Else,{contacts}",
            await domain.SearchAsync(contacts, "(objectClass=contact)", "title"));
    }

    [Fact]
    public async Task Run_PlainLdapWithACa_UpgradesWithStartTls()
    {
        var domain = await SambaDomain.GetAsync();
        var staff = await domain.NewUnitAsync("StartTls");
        await domain.ModifyAsync(User("Hal Hill", staff, "hal" + Suffix(staff), "hal@dirsync.test"));
        using var store = await LdapStore.CreateAsync();
        await store.OkAsync(["instance", "set", "AD", "--import", "--ldap", $"ldap://{SambaDomain.HostName}", "--base-dn", staff, .. domain.Bind]);

        Assert.Equal((1L, 0L, 0L, 0L, "full"), await store.RunInstanceAsync("AD"));
    }

    /// <summary>sAMAccountNames are unique in the domain: each test's people get its unit's number.</summary>
    private static string Suffix(string unit) => unit[(unit.IndexOfAny("0123456789".ToCharArray()))..unit.IndexOf('-', StringComparison.Ordinal)];
}
