namespace DirSync.Tests.Ldap;

/// <summary>Bad settings and unusable servers: one line naming the problem and the fix, a documented exit code, the store unchanged.</summary>
public sealed class LdapBadInputTests
{
    private const int InvalidValue = 3;
    private const int NotFound = 4;
    private const int FileSystem = 11;
    private const int Directory = 12;

    [Theory]
    [InlineData("--ldap", "http://example.org", "'http://example.org' is not an LDAP URL; write ldap://host:port or ldaps://host:port")]
    [InlineData("--ldap", "ldap://example.org/ou=People?cn", "'ldap://example.org/ou=People?cn' has more than a server and port; give the base DN with --base-dn and the filter with --filter")]
    [InlineData("--base-dn", "ou=People,dc", "--base-dn 'ou=People,dc' is not a distinguished name: 'dc' at position 11 is not of the form type=value; write it as RFC 4514 does, such as ou=People,dc=example,dc=org")]
    [InlineData("--filter", "(&(objectClass=person)(mail=*)", "--filter '(&(objectClass=person)(mail=*)' is not an LDAP filter: the filter ends where ')' was expected; write it as RFC 4515 does, such as (&(objectClass=inetOrgPerson)(mail=*))")]
    [InlineData("--filter", "(cn=a(b)", "--filter '(cn=a(b)' is not an LDAP filter: unexpected '(' at position 6; a value's parenthesis is written '\\28'; write it as RFC 4515 does, such as (&(objectClass=inetOrgPerson)(mail=*))")]
    public async Task InstanceSet_BadSetting_IsRefusedUpFront(string option, string value, string message)
    {
        using var store = await LdapStore.CreateAsync();
        var args = new Dictionary<string, string> { ["--ldap"] = "ldap://127.0.0.1:1", ["--base-dn"] = "ou=People,dc=example,dc=org", [option] = value };

        await store.FailsAsync(InvalidValue, message, ["instance", "set", "PEOPLE", "--import", .. args.SelectMany(a => new[] { a.Key, a.Value })]);
    }

    [Fact]
    public async Task InstanceSet_MissingPasswordFile_IsRefusedUpFront()
    {
        using var store = await LdapStore.CreateAsync();
        var missing = store.Folder.File("nothing.pw");

        await store.FailsAsync(
            FileSystem,
            $"the password file '{missing}' does not exist; write the bind password on its first line (readable by this user only)",
            "instance", "set", "PEOPLE", "--import", "--ldap", "ldap://127.0.0.1:1", "--base-dn", Slapd.People, "--bind-dn", Slapd.AdminDn, "--password-file", missing);
    }

    [Fact]
    public async Task Run_UnreachableServer_NamesItAndTheFix()
    {
        using var store = await LdapStore.CreateAsync();
        var port = LdapTools.FreePort();
        await store.OkAsync("instance", "set", "PEOPLE", "--import", "--ldap", $"ldap://127.0.0.1:{port}", "--base-dn", Slapd.People);

        await store.FailsAsync(
            Directory,
            $"cannot use ldap://127.0.0.1:{port}: cannot connect to 127.0.0.1:{port}: Connection refused; check the URL and that the server is running and reachable",
            "run", "PEOPLE");
    }

    [Fact]
    public async Task Run_RefusedBind_NamesTheAccountAndTheFix()
    {
        await using var slapd = await Slapd.StartAsync();
        using var store = await LdapStore.CreateAsync();
        var wrong = store.Folder.File("wrong.pw");
        await File.WriteAllTextAsync(wrong, "not-the-password\n");
        await store.OkAsync("instance", "set", "PEOPLE", "--import", "--ldap", slapd.Url, "--base-dn", Slapd.People, "--bind-dn", Slapd.AdminDn, "--password-file", wrong);

        await store.FailsAsync(
            Directory,
            $"{slapd.Url} refused the bind as '{Slapd.AdminDn}': invalid credentials (49); check --bind-dn and the first line of the password file",
            "run", "PEOPLE");
    }

    [Fact]
    public async Task Run_BaseDnThatDoesNotExist_NamesWhatTheServerHolds()
    {
        await using var slapd = await Slapd.StartAsync();
        using var store = await LdapStore.CreateAsync();
        await store.OkAsync(["instance", "set", "PEOPLE", "--import", "--ldap", slapd.Url, "--base-dn", "ou=Nobody,dc=example,dc=org", .. slapd.Bind]);

        await store.FailsAsync(
            NotFound,
            $"the base DN 'ou=Nobody,dc=example,dc=org' does not exist on {slapd.Url}; check --base-dn (the server holds: dc=example,dc=org)",
            "run", "PEOPLE");
    }

    [Fact]
    public async Task Run_TlsCertificateThatDoesNotVerify_NamesTheFix()
    {
        var domain = await SambaDomain.GetAsync();
        using var store = await LdapStore.CreateAsync();
        var otherCa = store.Folder.File("other-ca.pem");
        using (var key = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Some Other CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllTextAsync(otherCa, ca.ExportCertificatePem());
        }

        await store.OkAsync("instance", "set", "AD", "--import", "--ldap", domain.Url, "--base-dn", SambaDomain.DomainDn, "--bind-dn", SambaDomain.AdminName, "--password-file", domain.PasswordFile, "--tls-ca", otherCa);
        var result = await store.RunAsync("run", "AD");
        Assert.Equal(Directory, result.ExitCode);
        Assert.StartsWith($"dirsync: cannot use ldaps://{SambaDomain.HostName}:636: the TLS certificate of {SambaDomain.HostName} does not verify against the CA given with --tls-ca", result.Error, StringComparison.Ordinal);
        Assert.EndsWith("; give the CA that signed the server's certificate with --tls-ca, and use the host name the certificate names\n", result.Error.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);

        await store.OkAsync("instance", "set", "AD", "--tls-ca", "");
        var noCa = await store.RunAsync("run", "AD");
        Assert.Equal(Directory, noCa.ExitCode);
        Assert.StartsWith($"dirsync: cannot use ldaps://{SambaDomain.HostName}:636: the TLS certificate of {SambaDomain.HostName} does not verify against the system's trusted CAs", noCa.Error, StringComparison.Ordinal);
        Assert.EndsWith("; give the server's CA with --tls-ca FILE\n", noCa.Error.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Single(noCa.Error.TrimEnd().Split('\n'));
    }
}
