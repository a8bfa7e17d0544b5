using System.Text;
using DirSync.Core.Hub;
using DirSync.Core.Sync;
using DirSync.Core.Transport;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>What an adversarial run found the real dirsync doing wrong with hostile settings, files and messages, each now refused or handled as documented.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostileInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private CrashSiteRunner Site => new(_folder.Path);

    [Theory]
    [InlineData("NaN")]
    [InlineData("1e3")]
    [InlineData("Infinity")]
    [InlineData("-0")]
    [InlineData(" 5")]
    [InlineData("1,5")]
    [InlineData(".5")]
    public async Task LockTimeout_NotAPlainDecimal_ExitsThreeWithOneLineAndChangesNothing(string value)
    {
        await Site.OkAsync("site1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        var before = await StoreSnapshot.TakeAsync(_folder.File("site1.db"));

        var result = await CliRunner.RunProcessAsync(_folder.Path, new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = value }, "--store", "site1.db", "mailbox", "add", "New");

        CommandRunnerTests.AssertError(
            result, 3, $"DIRSYNC_LOCK_TIMEOUT='{value}' is not a number of seconds from 0 to 86400, written as digits with an optional '.' (such as 30 or 0.5)");
        Assert.Equal(before, await StoreSnapshot.TakeAsync(_folder.File("site1.db")));
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("30")]
    [InlineData("86400")]
    public async Task LockTimeout_PlainDecimal_IsAccepted(string value)
    {
        await Site.OkAsync("site1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        var result = await CliRunner.RunProcessAsync(_folder.Path, new Dictionary<string, string> { ["DIRSYNC_LOCK_TIMEOUT"] = value }, "--store", "site1.db", "mailbox", "add", "New");

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task Run_ChangeSetWithAnInvalidValue_ExitsEightLikeEveryRefusedImport()
    {
        using var sites = await CliSites.CreateAsync();
        await sites.OkAsync(sites.Server1, "run", "INSTANCE1");
        var edited = ChangeSetFile.EditAndReseal(File.ReadAllBytes(sites.Sync1), body => body.Replace("cn: Mailbox12\n", "cn: Mailbox/12\n", StringComparison.Ordinal));
        File.WriteAllBytes(sites.Sync1, edited);
        var before = await SyncSnapshot.TakeAsync(sites.Server2);

        var result = await CliRunner.RunProcessAsync(sites.Folder.Path, null, "--store", sites.Server2, "run", "INSTANCE2");

        CommandRunnerTests.AssertError(
            result, 8, $"{sites.Sync1}:{ChangeSetFile.LineOf(edited, "dn: cn=Mailbox12,")}: 'Mailbox/12': invalid alias 'Mailbox/12': an alias cannot contain control characters, '/' or '\\'");
        Assert.Equal(before, await SyncSnapshot.TakeAsync(sites.Server2));
    }

    [Fact]
    public async Task Run_FullChangeSetDeletingUnderTenPercentOfWhatTheSourceOwnedBefore_PassesTheGuardAsAnIncrementalOneWould()
    {
        // 3,000 recipients owned: the limit is 300 whether the deletes come as a full set or incrementally.
        await Site.OkAsync("site1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await Site.OkAsync("site2.db", "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");
        await BulkAsync("site1.db", Enumerable.Range(1, 3000).Select(n => $"Mailbox,,u{n:0000}"));
        await Site.OkAsync("site1.db", "instance", "set", "E", "--export", "--file", "SYNC1");
        await Site.OkAsync("site2.db", "instance", "set", "I", "--import", "--file", "SYNC1");
        await Site.OkAsync("site1.db", "run", "E", "--full");
        await Site.OkAsync("site2.db", "run", "I");
        await BulkAsync("site1.db", Enumerable.Range(1, 280).Select(n => $"Mailbox,Delete,u{n:0000}"));
        await Site.OkAsync("site1.db", "run", "E", "--full");

        var result = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "site2.db", "run", "I", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"deleted\": 280", result.Out, StringComparison.Ordinal);
        Assert.Equal(2720, (await Site.OkAsync("site2.db", "recipients", "list")).Split('\n').Count(l => l.StartsWith("u", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ServerReceive_LinkToAFolderNamedLikeAMessage_IsSetAsideWith124AndItsTargetLeftAlone()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("elsewhere"));
        File.WriteAllText(_folder.File("elsewhere/keep.txt"), "untouched");
        await Site.OkAsync("hub.db", "init", "--org", "Testorg", "--site", "Hub", "--server", "HubServer");
        await Site.OkAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        File.CreateSymbolicLink(_folder.File("hub-in/x.dsm"), _folder.File("elsewhere"));

        var result = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "hub.db", "server", "receive");

        var reason = "124: invalid Dir-Sync message: x.dsm: the message is a symbolic link; DirSync reads message files themselves, never through a link";
        Assert.Equal((9, $"dirsync: server receive: x.dsm refused — {reason} (see 'dirsync events')\n"), (result.ExitCode, result.Error));
        Assert.False(Path.Exists(_folder.File("hub-in/x.dsm")));
        Assert.Equal(_folder.File("elsewhere"), new FileInfo(_folder.File("hub-in/rejected/x.dsm")).LinkTarget);
        Assert.Equal(reason + "\n", File.ReadAllText(_folder.File("hub-in/rejected/x.dsm.reason.txt")));
        Assert.Equal(["keep.txt"], Directory.GetFiles(_folder.File("elsewhere")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ServerReceive_SenderFileNameWithTerminalEscapes_IsShownEscapedOnStandardOutput()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        await Site.OkAsync("hub.db", "init", "--org", "Testorg", "--site", "Hub", "--server", "HubServer");
        await Site.OkAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        var name = "\u001b]0;owned\u0007\u001b[2J.dsm";
        File.WriteAllText(_folder.File("hub-in/" + name), "not a message\n");

        var result = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "hub.db", "server", "receive");

        Assert.Equal(9, result.ExitCode);
        Assert.DoesNotContain(result.Out + result.Error, c => char.IsControl(c) && c != '\n');
        Assert.Equal("server receive: 0 messages, 0 updates, 1 refused", result.Out.Split('\n')[0]);
        Assert.StartsWith("  \\u001b]0;owned\\u0007\\u001b[2J.dsm: refused — 124: ", result.Out.Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkImport_HugeValue_ErrorLineShowsTwoHundredCharactersAndCountsTheRest()
    {
        await Site.OkAsync("site1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        var alias = new string('a', 100_000) + "/";
        await File.WriteAllTextAsync(_folder.File("big.csv"), $"Obj-Class,Common-Name\nMailbox,{alias}\n");

        var result = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "site1.db", "bulk", "import", "big.csv");

        var shown = new string('a', 200) + "…(99801 more)";
        CommandRunnerTests.AssertError(
            result, 8, $"{_folder.File("big.csv")}:2: invalid alias '{shown}': an alias is at most 64 characters");
    }

    [Fact]
    public async Task ServerReceive_SignedMessageDeclaringTheLastTransactionNumber_IsRefusedWith129AndLaterUpdatesArrive()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("po1-in"));
        await Site.OkAsync("hub.db", "init", "--org", "Testorg", "--site", "Hub", "--server", "HubServer");
        await Site.OkAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await Site.OkAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await Site.OkAsync("po1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await Site.OkAsync("po1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");

        // First contact sets where a requestor's numbers stand; the forgery comes after it.
        await Site.OkAsync("po1.db", "requestor", "send");
        await Site.OkAsync("hub.db", "server", "receive");
        await Site.OkAsync("po1.db", "mailbox", "add", "u1");
        await Site.OkAsync("po1.db", "requestor", "send");

        // The genuine message, renumbered to the highest transaction number and signed again with the requestor's key.
        var genuine = Assert.Single(Directory.GetFiles(_folder.File("hub-in"), "*.dsm"));
        var forged = await ForgeAsync(genuine, first: long.MaxValue);
        var before = await StoreSnapshot.TakeAsync(_folder.File("hub.db"));

        var result = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "hub.db", "server", "receive");

        var name = Path.GetFileName(forged);
        var reason = $"129: the message from NET/PO1 starts at transaction {long.MaxValue}, but the last taken in is 0: transactions 1 to {long.MaxValue - 1} never arrived, and taking it in would make the server skip NET/PO1's later updates; nothing of it was taken in";
        Assert.Equal((9, $"dirsync: server receive: {name} refused — {reason} (see 'dirsync events')\n"), (result.ExitCode, result.Error));
        Assert.True(File.Exists(_folder.File($"hub-in/rejected/{name}")));
        Assert.Contains($"\"message\": \"{reason} (message {name} moved to rejected/)\"", await Site.OkAsync("hub.db", "events", "--json"), StringComparison.Ordinal);
        var after = await StoreSnapshot.TakeAsync(_folder.File("hub.db"));
        Assert.Equal(Recipients(before), Recipients(after));

        // The requestor's own next message (u1 again, unacknowledged, and u2) is taken in whole.
        await Site.OkAsync("po1.db", "mailbox", "add", "u2");
        await Site.OkAsync("po1.db", "requestor", "send");
        await Site.OkAsync("hub.db", "server", "receive");
        Assert.Equal(0, (await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", "hub.db", "recipients", "show", "u1")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, "--store", "hub.db", "recipients", "show", "u2")).ExitCode);
    }

    [Fact]
    public async Task ServerReceive_SignedMessageWhoseLastNumberDoesNotFollowFromItsRecords_IsRefusedWith129()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("po1-in"));
        await Site.OkAsync("hub.db", "init", "--org", "Testorg", "--site", "Hub", "--server", "HubServer");
        await Site.OkAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await Site.OkAsync("hub.db", "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await Site.OkAsync("po1.db", "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await Site.OkAsync("po1.db", "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");

        // First contact sets where a requestor's numbers stand; the forgery comes after it.
        await Site.OkAsync("po1.db", "requestor", "send");
        await Site.OkAsync("hub.db", "server", "receive");
        await Site.OkAsync("po1.db", "mailbox", "add", "u1");
        await Site.OkAsync("po1.db", "requestor", "send");
        var forged = await ForgeAsync(Assert.Single(Directory.GetFiles(_folder.File("hub-in"), "*.dsm")), first: 1, last: long.MaxValue);

        var result = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "hub.db", "server", "receive");

        Assert.Equal(
            (9, $"dirsync: server receive: {Path.GetFileName(forged)} refused — 129: the message from NET/PO1 declares transactions 1 to {long.MaxValue} but holds 1 record: its numbers are not its own; nothing of it was taken in (see 'dirsync events')\n"),
            (result.ExitCode, result.Error));
    }

    private static string Recipients(string snapshot) =>
        string.Join('\n', snapshot.Split('\n').Where(l => l.Contains(" mailbox ", StringComparison.OrdinalIgnoreCase) || l.Contains("Mailbox '", StringComparison.Ordinal)));

    /// <summary>Replaces <paramref name="genuine"/> by a copy numbered from <paramref name="first"/> (through <paramref name="last"/>, else as its records imply), signed with NET/PO1's key.</summary>
    private async Task<string> ForgeAsync(string genuine, long first, long? last = null)
    {
        HubMessage message;
        ChangeSetHeader header;
        var records = new List<ChangeRecord>();
        using (var reader = MessageFile.Open(genuine, Path.GetFileName(genuine)))
        {
            header = reader.Header;
            message = HubMessage.Parse(header, "genuine");
            while (reader.Read(out var record))
            {
                records.Add(record);
            }
        }

        var renumbered = message with { Id = Guid.NewGuid(), FirstTransaction = first, ReqSync = last ?? first - 1 + records.Count };
        var path = Path.Combine(Path.GetDirectoryName(genuine)!, "forged.dsm");
        await using (var file = File.Create(path))
        {
            await MessageFile.WriteAsync(file, header.Source, renumbered, header.Mode, records.ToAsyncEnumerable(), HubKey.Derive("NET/PO1", "pw"), header.Created);
        }

        File.Delete(genuine);
        return path;
    }

    private async Task BulkAsync(string store, IEnumerable<string> rows)
    {
        var csv = new StringBuilder("Obj-Class,Mode,Common-Name\n");
        foreach (var row in rows)
        {
            csv.Append(row).Append('\n');
        }

        await File.WriteAllTextAsync(_folder.File("rows.csv"), csv.ToString());
        await Site.OkAsync(store, "bulk", "import", "rows.csv");
    }

    /// <summary>Runs dirsync in the test folder, in this process, for the starting state.</summary>
    private sealed class CrashSiteRunner(string folder)
    {
        public async Task<string> OkAsync(string store, params string[] args)
        {
            var result = await CliRunner.RunAsync(folder, null, ["--store", store, .. args]);
            Assert.True(result.ExitCode == 0, $"preparing: dirsync --store {store} {string.Join(' ', args)}: {result}");
            return result.Out;
        }
    }
}
