using DirSync.Tests.Support;

namespace DirSync.Tests.Ldap;

/// <summary>
/// The GAL-sync picture, end to end with the real dirsync process and real servers: people in OpenLDAP reach Active
/// Directory as contacts through one DirSync store, and the store's own mailboxes reach both.
/// </summary>
public sealed class LiveDirectoriesEndToEndTests
{
    [Fact]
    public async Task Cycle_OpenLdapPeopleAndStoreMailboxes_ReachActiveDirectoryAndOpenLdap()
    {
        await using var slapd = await Slapd.StartAsync();
        var domain = await SambaDomain.GetAsync();
        var contacts = await domain.NewUnitAsync("Gal");
        using var store = await LdapStore.CreateAsync();
        await slapd.ModifyAsync("""
            dn: cn=Ann Smith,ou=People,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: Ann Smith
            sn: Smith
            uid: ann
            mail: ann@example.org
            title: Engineer

            dn: cn=Bob Jones,ou=People,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: Bob Jones
            sn: Jones
            uid: bob
            mail: bob@example.org

            dn: cn=Dan Brown,ou=People,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: Dan Brown
            sn: Brown
            uid: dan
            mail: dan@example.org

            dn: ou=Sub,ou=People,dc=example,dc=org
            changetype: add
            objectClass: organizationalUnit
            ou: Sub
            """);
        await Ok(store, "address-template", "set", "SMTP", "%m@site1.example");
        await Ok(store, "mailbox", "add", "Mailbox11", "--display-name", "Mailbox 11");
        await Ok(store, "mailbox", "add", "Mailbox12", "--display-name", "Mailbox 12");
        await Ok(store, ["instance", "set", "PEOPLE", "--import", "--ldap", slapd.Url, "--base-dn", Slapd.People, .. slapd.Bind]);
        await Ok(store, ["instance", "set", "TOLDAP", "--export", "--ldap", slapd.Url, "--base-dn", Slapd.Contacts, "--classes", "mailbox,custom-recipient", .. slapd.Bind]);
        await Ok(store, ["instance", "set", "TOAD", "--export", "--ldap", domain.Url, "--base-dn", contacts, "--classes", "mailbox,custom-recipient", .. domain.Bind]);

        Assert.Equal(["PEOPLE 3/0/0/0", "TOLDAP 2/0/0/0", "TOAD 5/0/0/0"], await CycleAsync(store));
        Assert.Equal(["Mailbox11", "Mailbox12"], await OpenLdapNamesAsync(slapd));
        Assert.Equal(
            "ann Ann Smith ann@example.org|bob Bob Jones bob@example.org|dan Dan Brown dan@example.org|Mailbox11 Mailbox 11 Mailbox11@site1.example|Mailbox12 Mailbox 12 Mailbox12@site1.example",
            await AdContactsAsync(domain, contacts));

        await slapd.ModifyAsync("""
            dn: cn=Cy Twombly,ou=People,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: Cy Twombly
            sn: Twombly
            uid: cy
            mail: cy@example.org

            dn: cn=Ann Smith,ou=People,dc=example,dc=org
            changetype: modrdn
            newrdn: cn=Ann Smith-Lee
            deleteoldrdn: 1

            dn: cn=Bob Jones,ou=People,dc=example,dc=org
            changetype: modrdn
            newrdn: cn=Bob Jones
            deleteoldrdn: 1
            newsuperior: ou=Sub,ou=People,dc=example,dc=org

            dn: cn=Bob Jones,ou=Sub,ou=People,dc=example,dc=org
            changetype: modify
            replace: mail
            mail: robert@example.org

            dn: cn=Dan Brown,ou=People,dc=example,dc=org
            changetype: delete
            """);
        await Ok(store, "mailbox", "set", "Mailbox12", "--alias", "Mailbox21", "--display-name", "Mailbox Twenty-One");

        Assert.Equal(["PEOPLE 1/2/1/0", "TOLDAP 0/1/0/0", "TOAD 1/3/1/0"], await CycleAsync(store));
        Assert.Equal(["Mailbox11", "Mailbox21"], await OpenLdapNamesAsync(slapd));
        Assert.Equal(
            "ann Ann Smith-Lee ann@example.org|bob Bob Jones robert@example.org|cy Cy Twombly cy@example.org|Mailbox11 Mailbox 11 Mailbox11@site1.example|Mailbox21 Mailbox Twenty-One Mailbox21@site1.example",
            await AdContactsAsync(domain, contacts));

        // Nothing changed: nothing is written anywhere.
        var csn = await slapd.SearchAsync(Slapd.Suffix, "(objectClass=dcObject)", "contextCSN");
        var usns = await domain.SearchAsync(contacts, "(objectClass=contact)", "uSNChanged");
        Assert.Equal(["PEOPLE 0/0/0/0", "TOLDAP 0/0/0/0", "TOAD 0/0/0/0"], await CycleAsync(store));
        Assert.Equal(csn, await slapd.SearchAsync(Slapd.Suffix, "(objectClass=dcObject)", "contextCSN"));
        Assert.Equal(usns, await domain.SearchAsync(contacts, "(objectClass=contact)", "uSNChanged"));

        // Hand edits in both targets, and entries DirSync did not make, which it leaves alone.
        await domain.ModifyAsync($"""
            dn: CN=cy,{contacts}
            changetype: delete

            dn: CN=ann,{contacts}
            changetype: modify
            replace: displayName
            displayName: Someone typed here

            dn: CN=Not Ours,{contacts}
            changetype: add
            objectClass: contact
            displayName: Not Ours
            """);
        await slapd.ModifyAsync("""
            dn: cn=Mailbox11,ou=Contacts,dc=example,dc=org
            changetype: modify
            replace: mail
            mail: wrong@example.org

            dn: cn=Not Ours,ou=Contacts,dc=example,dc=org
            changetype: add
            objectClass: inetOrgPerson
            cn: Not Ours
            sn: Ours
            """);

        Assert.Equal("0/1/0/1", await RunAsync(store, "TOLDAP", "--full"));
        Assert.Equal("1/1/0/3", await RunAsync(store, "TOAD", "--full"));
        Assert.Equal(["Mailbox11", "Mailbox21", "Not Ours"], await OpenLdapNamesAsync(slapd));
        Assert.Equal("dn: cn=Mailbox11,ou=Contacts,dc=example,dc=org\nmail: Mailbox11@site1.example", await slapd.SearchAsync(Slapd.Contacts, "(cn=Mailbox11)", "mail"));
        Assert.Equal(
            "ann Ann Smith-Lee ann@example.org|bob Bob Jones robert@example.org|cy Cy Twombly cy@example.org|Mailbox11 Mailbox 11 Mailbox11@site1.example|Mailbox21 Mailbox Twenty-One Mailbox21@site1.example|Not Ours Not Ours -",
            await AdContactsAsync(domain, contacts));
    }

    private static async Task Ok(LdapStore store, params string[] args)
    {
        var result = await store.RunProcessAsync(args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync {string.Join(' ', args)}: {result}");
    }

    /// <summary>One cycle in the order a schedule would run it: import from OpenLDAP, then both exports.</summary>
    private static async Task<IReadOnlyList<string>> CycleAsync(LdapStore store) =>
        [
            "PEOPLE " + await RunAsync(store, "PEOPLE"),
            "TOLDAP " + await RunAsync(store, "TOLDAP"),
            "TOAD " + await RunAsync(store, "TOAD"),
        ];

    /// <summary>Runs an instance with the real dirsync and returns added/modified/deleted/unchanged.</summary>
    private static async Task<string> RunAsync(LdapStore store, string instance, params string[] options)
    {
        var result = await store.RunProcessAsync(["run", instance, "--json", .. options]);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync run {instance}: {result}");
        var json = CliJson.Parse(result.Out);
        return $"{json.GetProperty("added")}/{json.GetProperty("modified")}/{json.GetProperty("deleted")}/{json.GetProperty("unchanged")}";
    }

    private static Task<IReadOnlyList<string>> OpenLdapNamesAsync(Slapd slapd) => OpenLdapExportTests.CommonNamesAsync(slapd);

    /// <summary>The contacts under the unit as "cn displayName mail", sorted by cn, joined by '|'.</summary>
    private static async Task<string> AdContactsAsync(SambaDomain domain, string unit)
    {
        var text = await domain.SearchAsync(unit, "(objectClass=contact)", "cn", "displayName", "mail");
        var entries = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            string Value(string name) => lines.FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal))?[(name.Length + 2)..] ?? "-";
            return $"{Value("cn")} {Value("displayName")} {Value("mail")}";
        });
        return string.Join('|', entries.Order(StringComparer.OrdinalIgnoreCase));
    }
}
