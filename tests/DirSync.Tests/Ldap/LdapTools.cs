using System.Diagnostics;
using System.Text;

namespace DirSync.Tests.Ldap;

/// <summary>Runs the OpenLDAP command-line tools (ldap-utils) and the servers' own commands, as an administrator would.</summary>
internal static class LdapTools
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
    }

    /// <summary>Runs <paramref name="tool"/>; fails the test with a clear message when it is not installed.</summary>
    public static async Task<Result> RunAsync(string tool, IEnumerable<string> args, string? input = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Find(tool))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(wait.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>The full path of a tool from the Debian packages scripts/test.sh installs.</summary>
    public static string Find(string tool)
    {
        foreach (var folder in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" })
        {
            var path = Path.Combine(folder, tool);
            if (File.Exists(path))
            {
                return path;
            }
        }

        var package = tool switch { "slapd" => "slapd", "samba" or "samba-tool" => "samba", _ => "ldap-utils" };
        Assert.Fail($"'{tool}' is not installed: the LDAP tests need the Debian package '{package}'; run 'bash scripts/test.sh', which installs it");
        return tool;
    }

    /// <summary>A free TCP port on loopback.</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Waits until something accepts connections on the port, or the process dies.</summary>
    public static async Task WaitForPortAsync(string host, int port, Process process, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the server exited with {process.ExitCode} before it listened on {host}:{port}:\n{describe()}");
            }

            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(host, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                if (clock.Elapsed > timeout)
                {
                    Assert.Fail($"nothing listened on {host}:{port} within {timeout.TotalSeconds} s:\n{describe()}");
                }

                await Task.Delay(50);
            }
        }
    }
}
