using System.Text;
using DirSync.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DirSync.Tests.Crash;

/// <summary>Passwords never reach a file, an output or the event log; what dirsync writes is its owner's only; replayed or re-addressed messages are refused.</summary>
/// <remarks>
/// A dir-sync server NET/HUB with requestors NET/PO1 and NET/PO2 (each with its own password), driven through the
/// real command. Every check a message must pass (124, 154, 156, 158, 161) is tested one by one in
/// <see cref="Hub.MessageProofTests"/>; here a replay and a misdelivered reply go through the command end to end.
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretsTests : IDisposable
{
    private const string Password = "S3cret-Pw";
    private const string OtherPassword = "An0ther-Pw";
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly TempFolder _folder = new();
    private readonly List<CliResult> _results = [];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Passwords_ThroughAWholeCycle_AppearInNoFileNoOutputAndNoEvent()
    {
        await HubAsync();

        // A reader keeps the stores open, so their write-ahead logs stay on disk to be searched too.
        await using var hub = Hold("hub.db");
        await using var po1 = Hold("po1.db");
        await CycleAsync();
        await RunOkAsync("po1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", Password);
        await RunOkAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", Password);
        foreach (var store in new[] { "hub.db", "po1.db", "po2.db" })
        {
            await RunOkAsync(store, "events", "--json", "--limit", "1000");
        }

        var files = Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories);
        if (!TestStores.OnPostgres)
        {
            Assert.Contains(_folder.File("hub.db-wal"), files);
            Assert.Contains(_folder.File("po1.db-wal"), files);
        }

        // What the stores hold, row by row, whichever backend keeps them.
        var stored = new List<string>();
        foreach (var store in new[] { "hub.db", "po1.db", "po2.db" })
        {
            await using var opened = await TestStores.OpenAsync(_folder.File(store));
            foreach (var table in DirSync.Core.Storage.StoreTable.All)
            {
                await foreach (var row in ((DirSync.Core.Storage.IStoreTables)opened).ReadTableAsync(table))
                {
                    stored.AddRange(row.Select(v => v is byte[] bytes ? Encoding.UTF8.GetString(bytes) : v?.ToString() ?? ""));
                }
            }
        }

        Assert.True(stored.Count > 100, $"the stores held only {stored.Count} values");
        foreach (var secret in new[] { Password, OtherPassword })
        {
            var utf8 = Encoding.UTF8.GetBytes(secret);
            var utf16 = Encoding.Unicode.GetBytes(secret);
            Assert.All(files, file =>
            {
                var bytes = File.ReadAllBytes(file);
                Assert.False(bytes.AsSpan().IndexOf(utf8) >= 0 || bytes.AsSpan().IndexOf(utf16) >= 0, $"{file} holds a password");
            });
            Assert.All(_results, result => Assert.DoesNotContain(secret, result.Out + result.Error, StringComparison.Ordinal));
            Assert.All(stored, value => Assert.DoesNotContain(secret, value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Files_WrittenByDirsync_AreReadableByTheirOwnerOnly()
    {
        TestStores.SkipOnPostgres("the store files' modes; a database's rights are the server's (docs/operations.md)");
        await HubAsync();
        await using var hub = Hold("hub.db");
        await using var po1 = Hold("po1.db");
        await CycleAsync();

        // A replayed message is refused: the note beside it, and the folders made for it, are the owner's.
        await RunOkAsync("po1.db", "mailbox", "add", "carol");
        await RunOkAsync("po1.db", "requestor", "send");
        var message = Directory.GetFiles(_folder.File("hub-in"), "*.dsm").Single();
        var copy = File.ReadAllBytes(message);
        await RunOkAsync("hub.db", "server", "receive");
        File.WriteAllBytes(message, copy);
        Assert.Equal(9, (await RunAsync("hub.db", "server", "receive")).ExitCode);

        // An export, a bulk export, a bulk import's rejected rows, a message left waiting.
        await RunOkAsync("po1.db", "instance", "set", "E", "--export", "--file", "SYNC1");
        await RunOkAsync("po1.db", "run", "E");
        await RunOkAsync("po1.db", "bulk", "export", "everyone.csv");
        await File.WriteAllTextAsync(_folder.File("people.csv"), "Obj-Class,Common-Name,Display-Name\nMailbox,dave,Dave\nRemote,erin,Erin\n");
        await RunOkAsync("po1.db", "bulk", "import", "people.csv", "--skip-errors");
        await RunOkAsync("po1.db", "mailbox", "add", "frank");
        await RunOkAsync("po1.db", "requestor", "send");

        var name = Path.GetFileName(message);
        string[] written =
        [
            "hub.db", "hub.db-wal", "hub.db-shm", "po1.db", "po1.db-wal", "po1.db-shm", "po2.db",
            "SYNC1", "everyone.csv", "people.csv.rejects.csv",
            $"hub-in/rejected/{name}.reason.txt",
            Path.GetRelativePath(_folder.Path, Directory.GetFiles(_folder.File("hub-in"), "*.dsm").Single()),
        ];
        Assert.All(written, file => Assert.Equal((file, OwnerOnlyFile), (file, File.GetUnixFileMode(_folder.File(file)))));
        string[] made = ["hub-in/processing", "hub-in/rejected", "po1-in/processing", "po2-in/processing"];
        Assert.All(made, folder => Assert.Equal((folder, OwnerOnlyFolder), (folder, File.GetUnixFileMode(_folder.File(folder)))));
    }

    [Fact]
    public async Task ServerReceive_SameMessageDroppedTwice_RefusesTheCopyAs161AndChangesNothing()
    {
        await HubAsync();
        await RunOkAsync("po1.db", "mailbox", "add", "alice");
        await RunOkAsync("po1.db", "requestor", "send");
        var message = Directory.GetFiles(_folder.File("hub-in"), "*.dsm").Single();
        var copy = File.ReadAllBytes(message);
        var id = MessageId(copy);
        await RunOkAsync("hub.db", "server", "receive");
        File.WriteAllBytes(message, copy);

        await AssertRefusedAsync(message, 161, $"message {id} from NET/PO1 was already taken in; a replayed copy is refused");
    }

    [Fact]
    public async Task RequestorReceive_ReplyForAnotherRequestor_IsRefusedAs154AndChangesNothing()
    {
        await HubAsync();
        await RunOkAsync("po1.db", "mailbox", "add", "alice");
        await RunOkAsync("po1.db", "requestor", "send");
        await RunOkAsync("po2.db", "mailbox", "add", "bob");
        await RunOkAsync("po2.db", "requestor", "send");
        await RunOkAsync("hub.db", "server", "receive");
        await RunOkAsync("hub.db", "server", "send");
        var reply = Directory.GetFiles(_folder.File("po1-in"), "*.dsm").Single();
        var misdelivered = _folder.File($"po2-in/{Path.GetFileName(reply)}");
        File.Copy(reply, misdelivered);
        File.Delete(Directory.GetFiles(_folder.File("po2-in"), "*.dsm").Single(f => f != misdelivered));
        var before = await StoreSnapshot.TakeAsync(_folder.File("po2.db"));
        var status = await RunOkAsync("po2.db", "requestor", "status", "--json");

        var result = await RunAsync("po2.db", "requestor", "receive");

        var name = Path.GetFileName(reply);
        Assert.Equal(
            (9, $"dirsync: requestor receive: {name} refused — 154: a reply addressed to NET/PO1 arrived at NET/PO2 (see 'dirsync events')\n"),
            (result.ExitCode, result.Error));
        Assert.Equal(before, await StoreSnapshot.TakeAsync(_folder.File("po2.db")));
        Assert.Equal(status.Out, (await RunOkAsync("po2.db", "requestor", "status", "--json")).Out);
        Assert.Equal($"154: a reply addressed to NET/PO1 arrived at NET/PO2\n", File.ReadAllText(_folder.File($"po2-in/rejected/{name}.reason.txt")));
    }

    private static string MessageId(byte[] message)
    {
        var line = Encoding.UTF8.GetString(message).Split('\n').Single(l => l.StartsWith("# message-id: ", StringComparison.Ordinal));
        return line["# message-id: ".Length..];
    }

    /// <summary>The server refuses <paramref name="message"/> with <paramref name="code"/>: exit 9, one line, the message and its note in rejected/, an event, and nothing else changed.</summary>
    private async Task AssertRefusedAsync(string message, int code, string reason)
    {
        var before = await StoreSnapshot.TakeAsync(_folder.File("hub.db"));
        var status = await RunOkAsync("hub.db", "server", "status", "--json");

        var result = await RunAsync("hub.db", "server", "receive");

        var name = Path.GetFileName(message);
        Assert.Equal((9, $"dirsync: server receive: {name} refused — {code}: {reason} (see 'dirsync events')\n"), (result.ExitCode, result.Error));
        Assert.Equal(before, await StoreSnapshot.TakeAsync(_folder.File("hub.db")));
        Assert.Equal(status.Out, (await RunOkAsync("hub.db", "server", "status", "--json")).Out);
        Assert.Equal($"{code}: {reason}\n", File.ReadAllText(_folder.File($"hub-in/rejected/{name}.reason.txt")));
        Assert.True(File.Exists(_folder.File($"hub-in/rejected/{name}")));
        var events = CliJson.Parse((await RunOkAsync("hub.db", "events", "--json")).Out).EnumerateArray().Where(e => e.GetProperty("code").GetInt32() == code).ToList();
        Assert.Equal($"{code}: {reason} (message {name} moved to rejected/)", Assert.Single(events).GetProperty("message").GetString());
    }

    /// <summary>The server NET/HUB and requestors NET/PO1 and NET/PO2, made through the real command.</summary>
    private async Task HubAsync()
    {
        foreach (var folder in new[] { "hub-in", "po1-in", "po2-in" })
        {
            Directory.CreateDirectory(_folder.File(folder));
        }

        await RunOkAsync("hub.db", "init", "--org", "Testorg", "--site", "Hub", "--server", "HubServer");
        await RunOkAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await RunOkAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", Password);
        await RunOkAsync("hub.db", "server", "add-requestor", "NET/PO2", "--inbox", "po2-in", "--password", OtherPassword);
        await RunOkAsync("po1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await RunOkAsync("po1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", Password);
        await RunOkAsync("po2.db", "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");
        await RunOkAsync("po2.db", "requestor", "enable", "--name", "NET/PO2", "--inbox", "po2-in", "--server-inbox", "hub-in", "--password", OtherPassword, "--apply-on-receive");
    }

    /// <summary>A whole Dir-Sync cycle: both requestors send, the server takes in and replies, the requestors take the replies in.</summary>
    private async Task CycleAsync()
    {
        await RunOkAsync("po1.db", "mailbox", "add", "alice");
        await RunOkAsync("po2.db", "mailbox", "add", "bob");
        await RunOkAsync("po1.db", "requestor", "send");
        await RunOkAsync("po2.db", "requestor", "send");
        await RunOkAsync("hub.db", "server", "receive");
        await RunOkAsync("hub.db", "server", "send");
        await RunOkAsync("po1.db", "requestor", "receive");
        await RunOkAsync("po1.db", "requestor", "import");
        await RunOkAsync("po2.db", "requestor", "receive");
    }

    private SqliteConnection? Hold(string store)
    {
        if (TestStores.OnPostgres)
        {
            return null;
        }

        var connection = new SqliteConnection($"Data Source={_folder.File(store)};Pooling=False");
        connection.Open();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT count(*) FROM sqlite_master";
        read.ExecuteScalar();
        return connection;
    }

    private async Task<CliResult> RunAsync(string store, params string[] args)
    {
        var result = await CliRunner.RunProcessAsync(_folder.Path, CliRunner.NoEnvironment, ["--store", store, .. args]);
        _results.Add(result);
        return result;
    }

    private async Task<CliResult> RunOkAsync(string store, params string[] args)
    {
        var result = await RunAsync(store, args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync --store {store} {string.Join(' ', args)}: {result}");
        return result;
    }
}
