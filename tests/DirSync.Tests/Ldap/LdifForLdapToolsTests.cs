namespace DirSync.Tests.Ldap;

/// <summary>LDIF files for LDAP tools: the walkthrough's export files, applied with ldapmodify to a real slapd.</summary>
public sealed class LdifForLdapToolsTests
{
    [Fact]
    public async Task Export_WithBaseDnAndInetOrgPerson_FilesApplyWithLdapModifyRenamesAndMovesIncluded()
    {
        await using var slapd = await Slapd.StartAsync();
        using var store = await LdapStore.CreateAsync();
        foreach (var n in new[] { 11, 12, 13 })
        {
            await store.OkAsync("mailbox", "add", $"Mailbox{n}", "--display-name", $"Mailbox {n}");
        }

        await store.OkAsync("mailbox", "set", "Mailbox13", "--attr", "Title=Manager");
        await store.OkAsync("container", "add", "Recipients/Sales");
        await store.OkAsync("address-template", "set", "SMTP", "%m@site1.example");
        var sync1 = store.Folder.File("SYNC1");
        await store.OkAsync("instance", "set", "INSTANCE1", "--export", "--file", sync1, "--subcontainers", "--base-dn", Slapd.Contacts, "--ldif-inetorgperson", "--address-type", "SMTP");

        await store.OkAsync("run", "INSTANCE1");
        await ApplyAsync(slapd, sync1);
        Assert.Equal(
            """
            dn: cn=Mailbox11,ou=Contacts,dc=example,dc=org
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: inetOrgPerson
            cn: Mailbox11
            displayName: Mailbox 11
            sn: 11
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

            dn: cn=Mailbox13,ou=Contacts,dc=example,dc=org
            objectClass: top
            objectClass: person
            objectClass: organizationalPerson
            objectClass: inetOrgPerson
            cn: Mailbox13
            displayName: Mailbox 13
            title: Manager
            sn: 13
            mail: Mailbox13@site1.example
            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            await slapd.SearchAsync(Slapd.Contacts, "(objectClass=inetOrgPerson)"));
        var uuids = await slapd.SearchAsync(Slapd.Contacts, "(objectClass=inetOrgPerson)", "entryUUID");

        // The organizational units of sub-containers are the directory administrator's to make.
        await slapd.ModifyAsync($"dn: ou=Sales,{Slapd.Contacts}\nchangetype: add\nobjectClass: organizationalUnit\nou: Sales");
        await store.OkAsync("mailbox", "set", "Mailbox12", "--alias", "Mailbox22", "--display-name", "Mailbox 22");
        await store.OkAsync("mailbox", "set", "Mailbox11", "--container", "Recipients/Sales");
        await store.OkAsync("mailbox", "set", "Mailbox13", "--attr", "Title=");
        await store.OkAsync("mailbox", "add", "Mailbox14", "--display-name", "Mailbox 14");
        await store.OkAsync("run", "INSTANCE1");

        var text = await File.ReadAllTextAsync(sync1);
        Assert.Contains("dn: cn=Mailbox12,ou=Contacts,dc=example,dc=org\ncontrol: ", text, StringComparison.Ordinal);
        Assert.Contains("changetype: modrdn\nnewrdn: cn=Mailbox22\ndeleteoldrdn: 1\n\n", text, StringComparison.Ordinal);
        Assert.Contains("changetype: modrdn\nnewrdn: cn=Mailbox11\ndeleteoldrdn: 1\nnewsuperior: ou=Sales,ou=Contacts,dc=example,dc=org\n\n", text, StringComparison.Ordinal);
        await ApplyAsync(slapd, sync1);

        Assert.Equal(
            uuids.Replace("cn=Mailbox11,ou=Contacts", "cn=Mailbox11,ou=Sales,ou=Contacts", StringComparison.Ordinal)
                .Replace("cn=Mailbox12,", "cn=Mailbox22,", StringComparison.Ordinal),
            string.Join("\n\n", (await slapd.SearchAsync(Slapd.Contacts, "(&(objectClass=inetOrgPerson)(!(cn=Mailbox14)))", "entryUUID")).Split("\n\n")
                .OrderBy(b => b.Contains("Mailbox11", StringComparison.Ordinal) ? 0 : b.Contains("Mailbox22", StringComparison.Ordinal) ? 1 : 2)));
        Assert.Equal(
            """
            dn: cn=Mailbox11,ou=Sales,ou=Contacts,dc=example,dc=org
            displayName: Mailbox 11

            dn: cn=Mailbox13,ou=Contacts,dc=example,dc=org
            displayName: Mailbox 13

            dn: cn=Mailbox14,ou=Contacts,dc=example,dc=org
            displayName: Mailbox 14

            dn: cn=Mailbox22,ou=Contacts,dc=example,dc=org
            displayName: Mailbox 22
            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            await slapd.SearchAsync(Slapd.Contacts, "(objectClass=inetOrgPerson)", "displayName", "title"));

        await store.OkAsync("mailbox", "remove", "Mailbox22");
        await store.OkAsync("run", "INSTANCE1");
        await ApplyAsync(slapd, sync1);
        Assert.Equal(["Mailbox11", "Mailbox13", "Mailbox14"], await OpenLdapExportTests.CommonNamesAsync(slapd));
    }

    private static async Task ApplyAsync(Slapd slapd, string file)
    {
        var result = await LdapTools.RunAsync("ldapmodify", ["-x", "-H", slapd.Url, "-D", Slapd.AdminDn, "-w", Slapd.AdminPassword, "-f", file]);
        Assert.True(result.ExitCode == 0, $"ldapmodify -f {file}:\n{result}\n--- file ---\n{await File.ReadAllTextAsync(file)}");
    }
}
