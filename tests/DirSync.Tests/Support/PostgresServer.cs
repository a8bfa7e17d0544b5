using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DirSync.Postgres;
using Npgsql;

namespace DirSync.Tests.Support;

/// <summary>A private PostgreSQL server for this test run: Debian's binaries, a temporary cluster, a private port and socket on loopback.</summary>
/// <remarks>
/// <para>Started on first use and stopped (its folder removed) when the test run ends, by <see cref="PostgresServerFixture"/>.
/// PostgreSQL refuses to run as root: as root the cluster belongs to the <c>postgres</c> user the Debian package
/// makes, in a folder under <c>/tmp</c> that user can reach wherever the checkout lives.</para>
/// <para>When the binaries are missing the tests that need the server skip, unless <see cref="RequiredVariable"/> is
/// set (scripts/test.sh sets it): then they fail, so CI cannot pass without PostgreSQL.</para>
/// </remarks>
public sealed class PostgresServer
{
    /// <summary>Set to 1 when a missing PostgreSQL must fail the run rather than skip its tests.</summary>
    public const string RequiredVariable = "DIRSYNC_REQUIRE_POSTGRES";

    /// <summary>The role that owns the test databases; the server asks it for a password over TCP.</summary>
    public const string Superuser = "postgres";

    /// <summary>A role with a password, for the tests of password handling (TCP only: the socket trusts everyone).</summary>
    public const string PasswordRole = "dirsync_pw";

    /// <summary>Its password.</summary>
    public const string PasswordRolePassword = "s3cret-Pw";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresServer? _started;
    private static string? _unavailable;
    private static int _databases;

    private readonly string _bin;
    private readonly string _root;
    private readonly string? _runAs;

    private PostgresServer(string bin, string root, string? runAs, int port)
    {
        _bin = bin;
        _root = root;
        _runAs = runAs;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1, also the number of the socket file.</summary>
    public int Port { get; }

    /// <summary>The folder of the server's Unix socket.</summary>
    public string SocketFolder => _root;

    private string Data => Path.Combine(_root, "data");

    /// <summary>The server, started on first use; skips (or, when required, fails) the calling test when PostgreSQL is not installed.</summary>
    public static async Task<PostgresServer> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_started is null && _unavailable is null)
            {
                var bin = FindBinaries();
                if (bin is null)
                {
                    _unavailable = "PostgreSQL is not installed (no pg_config --bindir, no /usr/lib/postgresql/*/bin/initdb); scripts/test.sh installs it";
                }
                else
                {
                    try
                    {
                        _started = await StartAsync(bin);
                    }
                    catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
                    {
                        // Tried once a run: every test that needs the server fails with this reason, without trying again.
                        _unavailable = $"the test PostgreSQL server did not start: {e.Message}";
                        if (Environment.GetEnvironmentVariable(RequiredVariable) != "1")
                        {
                            Assert.Fail(_unavailable);
                        }
                    }
                }
            }
        }
        finally
        {
            Gate.Release();
        }

        if (_started is null)
        {
            if (Environment.GetEnvironmentVariable(RequiredVariable) == "1")
            {
                Assert.Fail(_unavailable!);
            }

            Assert.Skip(_unavailable!);
        }

        return _started;
    }

    /// <summary>Stops the server if this run started one and removes its folder.</summary>
    public static async Task StopAsync()
    {
        if (_started is { } server)
        {
            _started = null;
            await server.RunToolAsync("pg_ctl", "stop", "-D", server.Data, "-m", "immediate", "-w");
            try
            {
                Directory.Delete(server._root, recursive: true);
            }
            catch (IOException)
            {
                // The server may still be letting go of a file; the system's temp cleaner takes the rest.
            }
        }
    }

    /// <summary>The URI of <paramref name="database"/> as the superuser over the socket.</summary>
    public string Uri(string database) =>
        $"postgresql://{Superuser}@/{database}?host={System.Uri.EscapeDataString(SocketFolder)}&port={Port}";

    /// <summary>The URI of <paramref name="database"/> over TCP as <paramref name="user"/>, with a password in it when given.</summary>
    public string TcpUri(string database, string user, string? password = null) =>
        $"postgresql://{user}{(password is null ? "" : ":" + System.Uri.EscapeDataString(password))}@127.0.0.1:{Port}/{database}";

    /// <summary>A new, empty database.</summary>
    public async Task<string> CreateDatabaseAsync(string? owner = null)
    {
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await AdminAsync($"CREATE DATABASE {name}{(owner is null ? "" : " OWNER " + owner)}");
        return name;
    }

    /// <summary>A new database that is a copy of <paramref name="template"/>, which nobody may be connected to.</summary>
    public async Task<string> CloneDatabaseAsync(string template)
    {
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await AdminAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        return name;
    }

    /// <summary>Drops a database, disconnecting whoever is connected.</summary>
    public Task DropDatabaseAsync(string name) => AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    /// <summary>Runs SQL as the superuser in the <c>postgres</c> database.</summary>
    public Task AdminAsync(string sql) => ExecuteAsync("postgres", sql);

    /// <summary>Runs SQL as the superuser in <paramref name="database"/>.</summary>
    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query as the superuser in <paramref name="database"/> and returns its first column, one string a row.</summary>
    public async Task<List<string>> QueryAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) ?? "");
        }

        return rows;
    }

    /// <summary>The address of a database on this server, as the store's own parser reads it.</summary>
    public PostgresStoreAddress Address(string database) => PostgresStoreAddress.Parse(Uri(database));

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = SocketFolder, Port = Port, Username = Superuser, Database = database, Pooling = false }.ConnectionString;

    private static string? FindBinaries()
    {
        try
        {
            var start = new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var bin = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            if (process.ExitCode == 0 && File.Exists(Path.Combine(bin, "initdb")))
            {
                return bin;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config: look where Debian puts each major version.
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static async Task<PostgresServer> StartAsync(string bin)
    {
        var root = Environment.UserName == "root" ? "/tmp" : Path.GetTempPath();
        await RemoveOrphansAsync(bin, root);
        var folder = Path.Combine(root, $"dirsync-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(folder);
        string? runAs = null;
        if (Environment.UserName == "root")
        {
            runAs = "postgres";
            await RunAsync("chown", null, $"{runAs}:{runAs}", folder);
        }

        // Others may pass through to the socket (tests run dirsync as another user too); the cluster's own folder stays 0700.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var server = new PostgresServer(bin, folder, runAs, FreePort());
        await server.RunToolAsync("initdb", "-D", server.Data, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
        await server.RunToolAsync(
            "sh", "-c",
            $"printf 'local all all trust\\nhost all {PasswordRole} 127.0.0.1/32 scram-sha-256\\nhost all all 127.0.0.1/32 trust\\n' > '{server.Data}/pg_hba.conf'");

        // Durability against a machine crash is not what these tests test; a killed dirsync process still loses nothing.
        var settings = string.Join(' ', [
            $"-p {server.Port}",
            $"-k {folder}",
            "-c listen_addresses=127.0.0.1",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=300",
            "-c shared_buffers=64MB",
        ]);
        await server.RunToolAsync("pg_ctl", "start", "-D", server.Data, "-w", "-t", "60", "-l", Path.Combine(folder, "server.log"), "-o", settings);
        await server.AdminAsync($"CREATE ROLE {PasswordRole} LOGIN PASSWORD '{PasswordRolePassword}'");
        return server;
    }

    /// <summary>Stops and removes the servers of earlier test runs whose process died before it could (a killed test run).</summary>
    private static async Task RemoveOrphansAsync(string bin, string root)
    {
        foreach (var folder in Directory.EnumerateDirectories(root, "dirsync-pg-*"))
        {
            var parts = Path.GetFileName(folder).Split('-');
            if (parts.Length < 4 || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var pid) || Directory.Exists($"/proc/{pid}"))
            {
                continue;
            }

            var data = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                var runAs = Environment.UserName == "root" ? "postgres" : null;
                try
                {
                    await RunAsync(Path.Combine(bin, "pg_ctl"), runAs, "stop", "-D", data, "-m", "immediate", "-w");
                }
                catch (InvalidOperationException)
                {
                    // Not running after all: the folder goes anyway.
                }
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Another run's cleanup got there first.
            }
        }
    }

    private Task RunToolAsync(string tool, params string[] args) =>
        RunAsync(tool == "sh" ? "sh" : Path.Combine(_bin, tool), _runAs, args);

    private static async Task RunAsync(string program, string? runAs, params string[] args)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (runAs is not null)
        {
            foreach (var arg in new[] { "-u", runAs, "--", program })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
