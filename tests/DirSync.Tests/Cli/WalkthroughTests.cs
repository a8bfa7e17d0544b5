using DirSync.Core.Sync;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The seed's DIRSYNC walkthrough between two sites, through the real built dirsync command.</summary>
public sealed class WalkthroughTests : IDisposable
{
    private const string FromServer1 = "Testorg/Site1/Server1 (INSTANCE1)";
    private const string FromServer2 = "Testorg/Site2/Server2 (INSTANCE3)";
    private const string Server1 = "server1.db";
    private const string Server2 = "server2.db";

    private readonly TempFolder _folder = new();

    private string Sync1 => _folder.File("SYNC1");

    private string Sync2 => _folder.File("SYNC2");

    public void Dispose() => _folder.Dispose();

    /// <summary>Runs dirsync in the walkthrough's folder and insists it succeeded without a word on stderr.</summary>
    private async Task<string> DirsyncAsync(string store, params string[] args)
    {
        var result = await CliRunner.RunProcessAsync(_folder.Path, null, ["--store", store, .. args]);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync --store {store} {string.Join(' ', args)}: {result}");
        return result.Out;
    }

    private async Task<string> RunJsonAsync(string store, params string[] args) =>
        SyncJson.Canonical(await DirsyncAsync(store, ["run", .. args, "--json"]));

    private async Task<List<string>> RecipientsAsync(string store) =>
        SyncJson.Recipients(await DirsyncAsync(store, "recipients", "list", "--json"));

    [Fact]
    public async Task Walkthrough_TwoSitesBothWays_EachServerFollowsTheOthersMailboxes()
    {
        // Two stores of Testorg, with the seed's mailboxes.
        await DirsyncAsync(Server1, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await DirsyncAsync(Server2, "init", "--org", "Testorg", "--site", "Site2", "--server", "Server2");
        foreach (var n in new[] { 11, 12, 13 })
        {
            await DirsyncAsync(Server1, "mailbox", "add", $"Mailbox{n}", "--display-name", $"Mailbox {n}");
        }

        foreach (var n in new[] { 21, 22 })
        {
            await DirsyncAsync(Server2, "mailbox", "add", $"Mailbox{n}", "--display-name", $"Mailbox {n}");
        }

        // INSTANCE1 exports Common-Name and Display-Name to SYNC1, INSTANCE2 imports it; INSTANCE3/4 the other way.
        Assert.Equal(
            $"Created instance INSTANCE1: exports Recipients to {Sync1} (ldif)\n",
            await DirsyncAsync(Server1, "instance", "set", "INSTANCE1", "--export", "--file", "SYNC1", "--attributes", "Common-Name,Display-Name"));
        Assert.Equal(
            $"Created instance INSTANCE2: imports {Sync1} into Recipients\n",
            await DirsyncAsync(Server2, "instance", "set", "INSTANCE2", "--import", "--file", "SYNC1"));
        await DirsyncAsync(Server2, "instance", "set", "INSTANCE3", "--export", "--file", "SYNC2", "--attributes", "Common-Name,Display-Name");
        await DirsyncAsync(Server1, "instance", "set", "INSTANCE4", "--import", "--file", "SYNC2");

        // DIRSYNC /EXPFULL INSTANCE1, then DIRSYNC INSTANCE2.
        Assert.Equal(SyncJson.Export("INSTANCE1", "full", Sync1, 1, 3, 0, 0, 0, 0, 3), await RunJsonAsync(Server1, "INSTANCE1", "--expfull"));
        Assert.Equal(SyncJson.Import("INSTANCE2", "full", Sync1, 1, 3, 0, 0, 0, "Testorg/Site1/Server1"), await RunJsonAsync(Server2, "INSTANCE2"));
        Assert.Equal(
        [
            $"Mailbox11 | Mailbox 11 | custom-recipient | EDK:Mailbox11@Site1.Testorg.com | {FromServer1}",
            $"Mailbox12 | Mailbox 12 | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1}",
            "Mailbox21 | Mailbox 21 | mailbox | - | local",
            "Mailbox22 | Mailbox 22 | mailbox | - | local",
        ],
            await RecipientsAsync(Server2));

        // DIRSYNC /EXPFULL INSTANCE3, then DIRSYNC INSTANCE4: the imported recipients stay home.
        Assert.Equal(SyncJson.Export("INSTANCE3", "full", Sync2, 1, 2, 0, 0, 3, 0, 5), await RunJsonAsync(Server2, "INSTANCE3", "--full"));
        Assert.Equal(SyncJson.Import("INSTANCE4", "full", Sync2, 1, 2, 0, 0, 0, "Testorg/Site2/Server2"), await RunJsonAsync(Server1, "INSTANCE4"));
        Assert.Equal(
        [
            "Mailbox11 | Mailbox 11 | mailbox | - | local",
            "Mailbox12 | Mailbox 12 | mailbox | - | local",
            "Mailbox13 | Mailbox 13 | mailbox | - | local",
            $"Mailbox21 | Mailbox 21 | custom-recipient | EDK:Mailbox21@Site2.Testorg.com | {FromServer2}",
            $"Mailbox22 | Mailbox 22 | custom-recipient | EDK:Mailbox22@Site2.Testorg.com | {FromServer2}",
        ],
            await RecipientsAsync(Server1));

        // Incremental changes on Server1: a new mailbox, a new display name, a delete.
        await DirsyncAsync(Server1, "mailbox", "add", "Mailbox14", "--display-name", "Mailbox 14");
        await DirsyncAsync(Server1, "mailbox", "set", "Mailbox12", "--display-name", "Mailbox Twelve");
        await DirsyncAsync(Server1, "mailbox", "remove", "Mailbox11");

        Assert.Equal(SyncJson.Export("INSTANCE1", "incremental", Sync1, 2, 1, 1, 1, 2, 3, 8), await RunJsonAsync(Server1, "INSTANCE1"));
        Assert.Equal(
            [$"{ChangeKind.Add} Mailbox14", $"{ChangeKind.Modify} Mailbox12", $"{ChangeKind.Delete} Mailbox11"],
            ChangeSetFile.Read(Sync1).Records.Select(r => $"{r.Kind} {r.Alias}"));
        var before = await RecipientsAsync(Server2);
        Assert.Equal(
            "  add       Mailbox14                Mailbox 14 → EDK:Mailbox14@Site1.Testorg.com\n"
            + "  modify    Mailbox12                display name 'Mailbox 12' → 'Mailbox Twelve'\n"
            + "  delete    Mailbox11                deleted at the source\n"
            + "INSTANCE2: would import change set 2 (incremental) from Testorg/Site1/Server1: 1 added, 1 modified, 1 deleted, 0 unchanged\n"
            + "Dry run: nothing was changed.\n",
            await DirsyncAsync(Server2, "run", "INSTANCE2", "--dry-run"));
        Assert.Equal(before, await RecipientsAsync(Server2));
        Assert.Equal(SyncJson.Import("INSTANCE2", "incremental", Sync1, 2, 1, 1, 1, 0, "Testorg/Site1/Server1"), await RunJsonAsync(Server2, "INSTANCE2"));
        Assert.Equal(
        [
            $"Mailbox12 | Mailbox Twelve | custom-recipient | EDK:Mailbox12@Site1.Testorg.com | {FromServer1}",
            $"Mailbox13 | Mailbox 13 | custom-recipient | EDK:Mailbox13@Site1.Testorg.com | {FromServer1}",
            $"Mailbox14 | Mailbox 14 | custom-recipient | EDK:Mailbox14@Site1.Testorg.com | {FromServer1}",
            "Mailbox21 | Mailbox 21 | mailbox | - | local",
            "Mailbox22 | Mailbox 22 | mailbox | - | local",
        ],
            await RecipientsAsync(Server2));

        // The same the other way round.
        await DirsyncAsync(Server2, "mailbox", "add", "Mailbox23", "--display-name", "Mailbox 23");
        await DirsyncAsync(Server2, "mailbox", "set", "Mailbox22", "--display-name", "Mailbox Twenty-Two");
        await DirsyncAsync(Server2, "mailbox", "remove", "Mailbox21");

        Assert.Equal(SyncJson.Export("INSTANCE3", "incremental", Sync2, 2, 1, 1, 1, 3, 5, 11), await RunJsonAsync(Server2, "INSTANCE3"));
        Assert.Equal(
            [$"{ChangeKind.Add} Mailbox23", $"{ChangeKind.Modify} Mailbox22", $"{ChangeKind.Delete} Mailbox21"],
            ChangeSetFile.Read(Sync2).Records.Select(r => $"{r.Kind} {r.Alias}"));
        Assert.Equal(SyncJson.Import("INSTANCE4", "incremental", Sync2, 2, 1, 1, 1, 0, "Testorg/Site2/Server2"), await RunJsonAsync(Server1, "INSTANCE4"));
        var server1 = await RecipientsAsync(Server1);
        Assert.Equal(
        [
            "Mailbox12 | Mailbox Twelve | mailbox | - | local",
            "Mailbox13 | Mailbox 13 | mailbox | - | local",
            "Mailbox14 | Mailbox 14 | mailbox | - | local",
            $"Mailbox22 | Mailbox Twenty-Two | custom-recipient | EDK:Mailbox22@Site2.Testorg.com | {FromServer2}",
            $"Mailbox23 | Mailbox 23 | custom-recipient | EDK:Mailbox23@Site2.Testorg.com | {FromServer2}",
        ],
            server1);
        var server2 = await RecipientsAsync(Server2);

        // Replaying either file changes nothing, down to the last USN.
        var snapshot1 = await SyncSnapshot.TakeAsync(_folder.File(Server1));
        var snapshot2 = await SyncSnapshot.TakeAsync(_folder.File(Server2));

        Assert.Equal(
            SyncJson.Import("INSTANCE4", "incremental", Sync2, 2, 0, 0, 0, 0, "Testorg/Site2/Server2", alreadyApplied: true, notes: "change set 2 from Testorg/Site2/Server2 was already applied (last applied: 2); nothing changed"),
            await RunJsonAsync(Server1, "INSTANCE4"));
        Assert.Equal(
            "INSTANCE2: change set 2 from Testorg/Site1/Server1 was already applied (last applied: 2); nothing changed\n",
            await DirsyncAsync(Server2, "run", "INSTANCE2"));
        Assert.Equal(server1, await RecipientsAsync(Server1));
        Assert.Equal(server2, await RecipientsAsync(Server2));
        Assert.Equal(snapshot1, await SyncSnapshot.TakeAsync(_folder.File(Server1)));
        Assert.Equal(snapshot2, await SyncSnapshot.TakeAsync(_folder.File(Server2)));

        // Where each instance stands, as the original's /DISPLAY would show it.
        Assert.Equal(
            "NAME       DOES    FORMAT  LAST USN  EXPORTED  IMPORTED  SOURCE\n"
            + "---------  ------  ------  --------  --------  --------  ---------------------\n"
            + "INSTANCE1  export  ldif    8         #2        -         -\n"
            + "INSTANCE4  import  ldif    0         -         #2        Testorg/Site2/Server2\n",
            await DirsyncAsync(Server1, "instance", "list"));
    }
}
