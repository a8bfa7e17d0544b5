using System.Diagnostics;
using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Ldap;

/// <summary>A private OpenLDAP server for one test: slapd on a free loopback port, back-mdb, its own folder and configuration.</summary>
/// <remarks>Never the machine's own slapd: the configuration, database and port are the test's, and the process is ended with the test.</remarks>
internal sealed class Slapd : IAsyncDisposable
{
    public const string Suffix = "dc=example,dc=org";
    public const string People = "ou=People,dc=example,dc=org";
    public const string Contacts = "ou=Contacts,dc=example,dc=org";
    public const string AdminDn = "cn=admin,dc=example,dc=org";
    public const string AdminPassword = "secret-Admin1";

    private readonly StringBuilder _log = new();
    private Process? _process;

    private Slapd(TempFolder folder, int port, SlapdOptions options)
    {
        Folder = folder;
        Port = port;
        Options = options;
    }

    public TempFolder Folder { get; }

    public int Port { get; }

    public SlapdOptions Options { get; }

    public string Url => $"ldap://127.0.0.1:{Port}";

    /// <summary>A file whose first line is the administrator's password.</summary>
    public string PasswordFile => Folder.File("admin.pw");

    /// <summary>The options an instance needs to bind as the administrator.</summary>
    public string[] Bind => ["--bind-dn", AdminDn, "--password-file", PasswordFile];

    public static async Task<Slapd> StartAsync(SlapdOptions? options = null)
    {
        options ??= new SlapdOptions();
        var slapd = new Slapd(new TempFolder(), LdapTools.FreePort(), options);
        Directory.CreateDirectory(slapd.Folder.File("db"));
        await File.WriteAllTextAsync(slapd.PasswordFile, AdminPassword + "\n");
        await File.WriteAllTextAsync(slapd.Folder.File("slapd.conf"), slapd.Configuration());
        await slapd.LaunchAsync();
        await slapd.ModifyAsync($"""
            dn: {Suffix}
            changetype: add
            objectClass: dcObject
            objectClass: organization
            o: Example
            dc: example

            dn: {People}
            changetype: add
            objectClass: organizationalUnit
            ou: People

            dn: {Contacts}
            changetype: add
            objectClass: organizationalUnit
            ou: Contacts
            """);
        return slapd;
    }

    /// <summary>Applies LDIF change records with ldapmodify as the administrator; fails the test when it does not apply.</summary>
    public async Task<string> ModifyAsync(string ldif)
    {
        var result = await TryModifyAsync(ldif);
        Assert.True(result.ExitCode == 0, $"ldapmodify failed:\n{result}\n--- input ---\n{ldif}");
        return result.Out;
    }

    public Task<LdapTools.Result> TryModifyAsync(string ldif) =>
        LdapTools.RunAsync("ldapmodify", ["-x", "-H", Url, "-D", AdminDn, "-y", PasswordFileNoNewline()], ldif.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");

    /// <summary>The entries under <paramref name="baseDn"/> matching <paramref name="filter"/>, as ldapsearch prints them (unwrapped, sorted by DN).</summary>
    public async Task<string> SearchAsync(string baseDn, string filter, params string[] attributes)
    {
        var result = await LdapTools.RunAsync("ldapsearch", ["-x", "-LLL", "-o", "ldif-wrap=no", "-H", Url, "-D", AdminDn, "-y", PasswordFileNoNewline(), "-b", baseDn, "-S", "", filter, .. attributes]);
        Assert.True(result.ExitCode is 0 or 32, $"ldapsearch failed:\n{result}");
        return result.Out.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
    }

    /// <summary>Stops the server (the data stays); <see cref="RestartAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        Folder.Dispose();
    }

    private string PasswordFileNoNewline()
    {
        // ldapmodify -y takes the whole file, line end included.
        var path = Folder.File("admin.pw.raw");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, AdminPassword);
        }

        return path;
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo(LdapTools.Find("slapd"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // -d keeps slapd in the foreground, so the test owns the process; 0 logs nothing but errors.
        foreach (var arg in new[] { "-d", "0", "-f", Folder.File("slapd.conf"), "-h", Url })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Log(e.Data);
        _process.ErrorDataReceived += (_, e) => Log(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await LdapTools.WaitForPortAsync("127.0.0.1", Port, _process, TimeSpan.FromSeconds(20), () => _log.ToString());
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private string Configuration()
    {
        var syncprov = Options.SyncProv
            ? $"""
              overlay syncprov
              syncprov-checkpoint 100 10
              {(Options.SessionLog ? "syncprov-sessionlog 10000" : "")}
              """
            : "";
        return $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            {(Options.SyncProv ? "moduleload syncprov" : "")}
            pidfile {Folder.File("slapd.pid")}
            sizelimit {Options.SizeLimit}
            database mdb
            suffix "{Suffix}"
            rootdn "{AdminDn}"
            rootpw {AdminPassword}
            directory {Folder.File("db")}
            maxsize 4294967296
            {(Options.NoSync ? "dbnosync" : "")}
            index objectClass eq
            index entryUUID eq
            index entryCSN eq
            {Options.ExtraDatabaseConfig}
            {syncprov}
            """;
    }
}
