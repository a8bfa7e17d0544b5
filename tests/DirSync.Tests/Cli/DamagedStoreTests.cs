using System.Buffers.Binary;
using System.Text;
using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Cli;

/// <summary>
/// A store with one page zeroed (a bad disk, a copy cut short): the real dirsync reports it as a damaged store (exit 6)
/// with nothing on standard output, takes no more writes, and <c>dirsync store check</c> finds it — and, after a
/// restore, finds the store whole and lets writes go on.
/// </summary>
public sealed class DamagedStoreTests : IAsyncLifetime
{
    private const int Recipients = 20_000;

    private CliStore _store = null!;
    private string _backup = null!;

    public async ValueTask InitializeAsync()
    {
        if (TestStores.OnPostgres)
        {
            return;
        }

        _store = await CliStore.InitAsync();
        var csv = new StringBuilder("Obj-Class,Common-Name,Display-Name\n");
        for (var n = 1; n <= Recipients; n++)
        {
            csv.Append($"Mailbox,user{n:00000},User {n:00000}\n");
        }

        await File.WriteAllTextAsync(_store.Folder.File("users.csv"), csv.ToString());
        await _store.RunOkAsync("bulk", "import", "users.csv");
        _backup = _store.Folder.File("backup.db");
        File.Copy(_store.Path, _backup);
    }

    public ValueTask DisposeAsync()
    {
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task RecipientsListJson_ZeroedPage_WritesNothingAndExitsSix()
    {
        TestStores.SkipOnPostgres("damage to the SQLite file itself; a PostgreSQL store is checked by the server's own tools (pg_amcheck), see PostgresStoreCommandTests");
        ZeroFirstLeafOfObjects();

        var result = await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "recipients", "list", "--json");

        Assert.Equal(6, result.ExitCode);
        Assert.Equal("", result.Out);
        // With --json the error is the JSON object, its message the line dirsync: would have printed.
        using var error = System.Text.Json.JsonDocument.Parse(result.Error);
        Assert.Equal((6, "store"), (error.RootElement.GetProperty("code").GetInt32(), error.RootElement.GetProperty("error").GetString()));
        Assert.Matches($"^the store '{Escape(_store.Path)}' is damaged \\(.+\\); it takes no more writes: check it with 'dirsync store check' and restore it from a backup \\(see 'A damaged store' in docs/operations.md\\)$", error.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MailboxAdd_StoreFoundDamaged_IsRefusedAndWritesNothing()
    {
        TestStores.SkipOnPostgres("damage to the SQLite file itself; a PostgreSQL store is checked by the server's own tools (pg_amcheck), see PostgresStoreCommandTests");
        ZeroFirstLeafOfObjects();
        await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "recipients", "list");
        var highest = HighestUsn();

        var result = await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "mailbox", "add", "zzz");

        Assert.Equal((6, ""), (result.ExitCode, result.Out));
        Assert.Matches($"^dirsync: the store '{Escape(_store.Path)}' was found damaged \\(.+\\) and takes no writes until 'dirsync store check' finds it whole; restore it from a backup \\(see 'A damaged store' in docs/operations.md\\)\n$", result.Error);
        Assert.Equal(highest, HighestUsn());
    }

    [Fact]
    public async Task StoreCheck_ZeroedPage_ReportsTheDamageExitsSixAndStopsWrites()
    {
        TestStores.SkipOnPostgres("damage to the SQLite file itself; a PostgreSQL store is checked by the server's own tools (pg_amcheck), see PostgresStoreCommandTests");
        ZeroFirstLeafOfObjects();

        var result = await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "store", "check", "--json");

        Assert.Equal(6, result.ExitCode);
        var report = CliJson.Parse(result.Out);
        Assert.Equal(_store.Path, report.GetProperty("store").GetString());
        Assert.Equal("integrity_check", report.GetProperty("check").GetString());
        Assert.False(report.GetProperty("whole").GetBoolean());
        Assert.NotEqual(0, report.GetProperty("problems").GetArrayLength());
        Assert.StartsWith($"{{\"code\":6,\"error\":\"store\",\"message\":\"the store '{_store.Path}' is damaged: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(6, (await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "mailbox", "add", "zzz")).ExitCode);
    }

    [Fact]
    public async Task StoreCheck_AfterRestoringTheBackup_FindsItWholeAndWritesGoOn()
    {
        TestStores.SkipOnPostgres("damage to the SQLite file itself; a PostgreSQL store is checked by the server's own tools (pg_amcheck), see PostgresStoreCommandTests");
        ZeroFirstLeafOfObjects();
        Assert.Equal(6, (await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "store", "check")).ExitCode);
        File.Copy(_backup, _store.Path, overwrite: true);

        var check = await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "store", "check");
        var add = await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "mailbox", "add", "zzz");

        Assert.Equal((0, $"Store {_store.Path}: whole (integrity_check found nothing wrong)\n", ""), (check.ExitCode, check.Out, check.Error));
        Assert.Equal((0, ""), (add.ExitCode, add.Error));
        Assert.False(File.Exists(_store.Path + "-damaged"));
    }

    [Fact]
    public async Task StoreCheck_WholeStore_ExitsZero()
    {
        TestStores.SkipOnPostgres("damage to the SQLite file itself; a PostgreSQL store is checked by the server's own tools (pg_amcheck), see PostgresStoreCommandTests");
        var result = await CliRunner.RunProcessAsync(_store.Folder.Path, null, "--store", _store.Path, "store", "check", "--quick", "--json");

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Equal(
            $"{{\"store\":\"{_store.Path}\",\"check\":\"quick_check\",\"whole\":true,\"problems\":[]}}",
            System.Text.Json.JsonSerializer.Serialize(CliJson.Parse(result.Out)));
    }

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private long HighestUsn()
    {
        using var connection = new SqliteConnection($"Data Source={_store.Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(usn_changed) FROM objects";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Zeroes the first leaf page of the objects table: every listing reads it, a new recipient (added at the end) does not.</summary>
    private void ZeroFirstLeafOfObjects()
    {
        int root;
        using (var connection = new SqliteConnection($"Data Source={_store.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); SELECT rootpage FROM sqlite_master WHERE name = 'objects'";
            using var reader = command.ExecuteReader();
            reader.NextResult();
            reader.Read();
            root = reader.GetInt32(0);
        }

        var bytes = File.ReadAllBytes(_store.Path);
        var size = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(16));
        var page = root;
        while (bytes[(page - 1) * size] == 0x05)
        {
            // An interior table page: follow the first cell's left child.
            var start = (page - 1) * size;
            var cell = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(start + 12));
            page = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(start + cell));
        }

        Assert.Equal(0x0D, bytes[(page - 1) * size]);
        Assert.NotEqual(root, page);
        Array.Clear(bytes, (page - 1) * size, size);
        File.WriteAllBytes(_store.Path, bytes);
    }
}
