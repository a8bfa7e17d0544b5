using System.Diagnostics;
using System.Net;
using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Ldap;

/// <summary>A real Active Directory domain controller for the test run: Samba's, provisioned once into a temporary folder.</summary>
/// <remarks>
/// <para>Provisioning takes seconds, so one domain serves every test; each test works in organizational units
/// of its own (<see cref="NewUnitAsync"/>). Samba listens on loopback only (389 and 636), runs with
/// <c>-i</c> and ends when the test process closes its standard input, or dies.</para>
/// <para>Simple binds need TLS: the tests use ldaps:// with the CA Samba generated. Its certificate names
/// <see cref="HostName"/>, which scripts/test.sh maps to 127.0.0.1 in /etc/hosts.</para>
/// </remarks>
internal sealed class SambaDomain
{
    public const string HostName = "dc1.dirsync.test";
    public const string Realm = "DIRSYNC.TEST";
    public const string DomainDn = "DC=dirsync,DC=test";
    public const string AdminName = "Administrator@dirsync.test";
    public const string AdminPassword = "DirSync-Test-1";

    private static readonly Lazy<Task<SambaDomain>> Instance = new(StartAsync);
    private static int _units;

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private SambaDomain(TempFolder folder, Process process)
    {
        Folder = folder;
        _process = process;
    }

    public TempFolder Folder { get; }

    public string Url => $"ldaps://{HostName}";

    /// <summary>The CA that signed the domain controller's certificate.</summary>
    public string CaFile => Folder.File("private/tls/ca.pem");

    /// <summary>A file whose first line is the administrator's password.</summary>
    public string PasswordFile => Folder.File("admin.pw");

    /// <summary>The options an instance needs to reach the domain as the administrator, over verified TLS.</summary>
    public string[] Bind => ["--bind-dn", AdminName, "--password-file", PasswordFile, "--tls-ca", CaFile];

    /// <summary>The domain controller of this test run, started on first use.</summary>
    public static Task<SambaDomain> GetAsync() => Instance.Value;

    /// <summary>A new, empty organizational unit under the domain for one test.</summary>
    public async Task<string> NewUnitAsync(string name)
    {
        var dn = $"OU={name}{Interlocked.Increment(ref _units)}-{Environment.ProcessId},{DomainDn}";
        await ModifyAsync($"""
            dn: {dn}
            changetype: add
            objectClass: organizationalUnit
            """);
        return dn;
    }

    /// <summary>Applies LDIF change records with ldapmodify over LDAPS as the administrator.</summary>
    public async Task<string> ModifyAsync(string ldif)
    {
        var result = await TryModifyAsync(ldif);
        Assert.True(result.ExitCode == 0, $"ldapmodify failed:\n{result}\n--- input ---\n{ldif}");
        return result.Out;
    }

    public Task<LdapTools.Result> TryModifyAsync(string ldif) =>
        LdapTools.RunAsync("ldapmodify", ["-x", "-H", Url, "-D", AdminName, "-w", AdminPassword], ldif.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n", Tls());

    /// <summary>The entries under <paramref name="baseDn"/> matching <paramref name="filter"/>, unwrapped and sorted by DN.</summary>
    public async Task<string> SearchAsync(string baseDn, string filter, params string[] attributes)
    {
        var result = await LdapTools.RunAsync("ldapsearch", ["-x", "-LLL", "-o", "ldif-wrap=no", "-H", Url, "-D", AdminName, "-w", AdminPassword, "-b", baseDn, "-S", "", filter, .. attributes], null, Tls());
        Assert.True(result.ExitCode is 0 or 32, $"ldapsearch failed:\n{result}");
        return result.Out.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
    }

    private Dictionary<string, string> Tls() => new() { ["LDAPTLS_CACERT"] = CaFile };

    private static async Task<SambaDomain> StartAsync()
    {
        var addresses = await Dns.GetHostAddressesAsync(HostName).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : []);
        Assert.True(
            addresses.Any(IPAddress.IsLoopback),
            $"{HostName} must resolve to 127.0.0.1 for the Active Directory tests (the domain controller's certificate names it); add '127.0.0.1 {HostName}' to /etc/hosts — scripts/test.sh does");

        var folder = new TempFolder();
        var provision = await LdapTools.RunAsync(
            "samba-tool",
            ["domain", "provision", $"--realm={Realm}", "--domain=DIRSYNC", "--host-name=dc1", "--server-role=dc", "--dns-backend=NONE",
                $"--adminpass={AdminPassword}", $"--targetdir={folder.Path}", "--option=interfaces=lo", "--option=bind interfaces only=yes"],
            timeout: TimeSpan.FromMinutes(3));
        Assert.True(provision.ExitCode == 0, $"samba-tool domain provision failed:\n{provision}");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "admin.pw"), AdminPassword + "\n");

        var start = new ProcessStartInfo(LdapTools.Find("samba"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only the LDAP server: no file sharing, Kerberos or winbind, none of which the tests need.
        foreach (var arg in new[] { "-i", "-M", "single", "-s", Path.Combine(folder.Path, "etc", "smb.conf"), "--option=server services=ldap", $"--option=log file={Path.Combine(folder.Path, "samba.log")}" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var domain = new SambaDomain(folder, process);
        process.OutputDataReceived += (_, e) => domain.Log(e.Data);
        process.ErrorDataReceived += (_, e) => domain.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => domain.Stop();
        await LdapTools.WaitForPortAsync("127.0.0.1", 636, process, TimeSpan.FromSeconds(60), () => domain._log.ToString());

        // The TLS certificate is made as the server starts: wait until a verified bind works.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var probe = await LdapTools.RunAsync("ldapsearch", ["-x", "-H", domain.Url, "-D", AdminName, "-w", AdminPassword, "-b", "", "-s", "base", "defaultNamingContext"], null, domain.Tls());
            if (probe.ExitCode == 0)
            {
                return domain;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60) || process.HasExited)
            {
                Assert.Fail($"the Samba domain controller did not answer a verified LDAPS bind:\n{probe}\n{domain._log}");
            }

            await Task.Delay(250);
        }
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

    private void Stop()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        Folder.Dispose();
    }
}
