using System.Globalization;
using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The dirsync command on a PostgreSQL store named by URI: init, passwords kept out of every message, a dropped connection.</summary>
public sealed class PostgresStoreCommandTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private PostgresServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await PostgresServer.GetAsync();

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(_folder.Path, null, args);

    [Fact]
    public async Task Init_EmptyDatabase_CreatesTheStoreThatInfoThenShows()
    {
        var uri = _server.Uri(await _server.CreateDatabaseAsync());

        var init = await RunAsync("--store", uri, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        var info = await RunAsync("--store", uri, "info", "--json");
        var add = await RunAsync("--store", uri, "mailbox", "add", "Mailbox11");

        Assert.True(init.ExitCode == 0 && init.Error.Length == 0, init.ToString());
        Assert.StartsWith($"Created store {uri}\n  Testorg/Site1/Server1, identity ", init.Out, StringComparison.Ordinal);
        Assert.Equal((0, ""), (info.ExitCode, info.Error));
        var json = CliJson.Parse(info.Out);
        Assert.Equal((uri, "Site1", 0L), (json.GetProperty("store").GetString(), json.GetProperty("site").GetString(), json.GetProperty("highestUsn").GetInt64()));
        Assert.Equal((0, "Created mailbox Mailbox11 (Mailbox11) USN 1: EDK:Mailbox11@Site1.Testorg.com, SMTP:Mailbox11@Site1.Testorg.com\n"), (add.ExitCode, add.Out));
    }

    [Fact]
    public async Task StoreCheck_PostgresStore_ExitsThreeNamingTheServersOwnCheck()
    {
        var uri = _server.Uri(await _server.CreateDatabaseAsync());
        await RunAsync("--store", uri, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        var check = await RunAsync("--store", uri, "store", "check");

        Assert.Equal(
            (3, "", $"dirsync: 'store check' runs SQLite's integrity check on a store file; {DirSync.Postgres.PostgresStoreAddress.Parse(uri).Display} is a PostgreSQL store, which the server checks itself (pg_amcheck; see 'PostgreSQL' in docs/operations.md)\n"),
            (check.ExitCode, check.Out, check.Error));
    }

    [Fact]
    public async Task Init_DatabaseHoldingAStoreOrOtherTables_ExitsFiveAndTouchesNothing()
    {
        var full = await _server.CreateDatabaseAsync();
        await RunAsync("--store", _server.Uri(full), "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        var other = await _server.CreateDatabaseAsync();
        await _server.ExecuteAsync(other, "CREATE TABLE invoices (id int)");

        var again = await RunAsync("--store", _server.Uri(full), "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");
        var foreign = await RunAsync("--store", _server.Uri(other), "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");

        Assert.Equal(
            (5, "", $"dirsync: '{_server.Uri(full)}' already holds a DirSync store; init never overwrites a store — name another database\n"),
            (again.ExitCode, again.Out, again.Error));
        Assert.Equal(
            (5, "", $"dirsync: the database of '{_server.Uri(other)}' holds 1 other table; init wants an empty database — create one with 'createdb'\n"),
            (foreign.ExitCode, foreign.Out, foreign.Error));
        Assert.Equal(["Site1"], await _server.QueryAsync(full, "SELECT site FROM store_info"));
        Assert.Equal(["invoices"], await _server.QueryAsync(other, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task Store_PasswordInTheUriOrAFile_IsUsedAndNeverPrinted()
    {
        var database = await _server.CreateDatabaseAsync(owner: PostgresServer.PasswordRole);
        var shown = _server.TcpUri(database, PostgresServer.PasswordRole);
        var withPassword = _server.TcpUri(database, PostgresServer.PasswordRole, PostgresServer.PasswordRolePassword);
        var wrong = _server.TcpUri(database, PostgresServer.PasswordRole, "not-the-password");
        await File.WriteAllTextAsync(_folder.File("pw.txt"), PostgresServer.PasswordRolePassword + "\n");

        var init = await RunAsync("--store", withPassword, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        var fromFile = await RunAsync("--store", shown, "--store-password-file", "pw.txt", "info");
        var denied = await RunAsync("--store", wrong, "info");
        var none = await RunAsync("--store", shown, "info");
        var badParameter = await RunAsync("--store", withPassword + "?colour=blue", "info");

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.StartsWith($"Created store {shown}\n", init.Out, StringComparison.Ordinal);
        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        Assert.StartsWith($"Store:         {shown}\n", fromFile.Out, StringComparison.Ordinal);
        Assert.Equal(
            (6, $"dirsync: cannot open store '{shown}': password authentication failed for user \"{PostgresServer.PasswordRole}\"\n"),
            (denied.ExitCode, denied.Error));
        Assert.Equal(
            (6, $"dirsync: cannot open store '{shown}': the server wants a password and none was given; put it in ~/.pgpass (or the file PGPASSFILE names) or name a file holding it with --store-password-file\n"),
            (none.ExitCode, none.Error));
        Assert.Equal(
            (3, $"dirsync: 'colour' in '{shown}?colour=blue' is not a parameter dirsync understands; use host, port, dbname, user, password, passfile, sslmode, application_name, connect_timeout\n"),
            (badParameter.ExitCode, badParameter.Error));
        foreach (var result in new[] { init, fromFile, denied, none, badParameter })
        {
            Assert.DoesNotContain(PostgresServer.PasswordRolePassword, result.Out + result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", result.Out + result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Store_PasswordInPgpassFile_IsFoundThroughPgpassfile()
    {
        var database = await _server.CreateDatabaseAsync(owner: PostgresServer.PasswordRole);
        var uri = _server.TcpUri(database, PostgresServer.PasswordRole);
        var passfile = _folder.File("pgpass");
        await File.WriteAllTextAsync(passfile, $"127.0.0.1:{_server.Port}:*:{PostgresServer.PasswordRole}:{PostgresServer.PasswordRolePassword}\n");
        File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var init = await CliRunner.RunProcessAsync(
            _folder.Path, new Dictionary<string, string> { ["PGPASSFILE"] = passfile }, "--store", uri, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        Assert.True(init.ExitCode == 0 && init.Error.Length == 0, init.ToString());
        Assert.StartsWith($"Created store {uri}\n", init.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_ConnectionDroppedMidImport_ExitsSixWithOneLineAndTheRerunConverges()
    {
        var database = await _server.CreateDatabaseAsync();
        var uri = _server.Uri(database);
        await RunAsync("--store", uri, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        var csv = new StringBuilder("Obj-Class,Common-Name,Display-Name\n");
        for (var n = 1; n <= 400; n++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Mailbox,bulk{n:000},Bulk {n:000}\n");
        }

        await File.WriteAllTextAsync(_folder.File("people.csv"), csv.ToString());
        var pause = _folder.File("pause");
        var writer = CliRunner.RunProcessAsync(
            _folder.Path,
            new Dictionary<string, string> { ["DIRSYNC_FAULT_PAUSE_AT"] = "200", ["DIRSYNC_FAULT_PAUSE_FILE"] = pause },
            "--store", uri, "bulk", "import", "people.csv");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(File.Exists(pause) && (await File.ReadAllTextAsync(pause)).Length > 0))
        {
            Assert.False(writer.IsCompleted, $"the import ended before its 200th row: {(writer.IsCompleted ? await writer : null)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the import did not reach its 200th row within a minute");
            await Task.Delay(20);
        }

        await _server.AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND application_name = 'dirsync'");
        File.Delete(pause);
        var dropped = await writer;
        var count = await RunAsync("--store", uri, "recipients", "list", "--json");
        var rerun = await RunAsync("--store", uri, "bulk", "import", "people.csv", "--json");
        var after = await RunAsync("--store", uri, "info", "--json");

        Assert.Equal(6, dropped.ExitCode);
        Assert.Equal("", dropped.Out);
        Assert.Matches(
            $"^dirsync: the store '{System.Text.RegularExpressions.Regex.Escape(uri)}' failed: [^\\n]+; what the command had not committed was rolled back — run it again\\n$",
            dropped.Error);
        Assert.Equal("[]\n", count.Out);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(400, CliJson.Parse(rerun.Out).GetProperty("added").GetInt64());
        Assert.Equal(400, CliJson.Parse(after.Out).GetProperty("highestUsn").GetInt64());
    }
}
