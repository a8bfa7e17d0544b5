using System.Text;

namespace DirSync.Tests.Crash;

/// <summary>The crash scenarios: every command that writes a store or a drop folder, from a starting state that gives it work.</summary>
internal static class CrashScenarios
{
    private const string Site1 = "site1.db";
    private const string Site2 = "site2.db";
    private const string HubStore = "hub.db";
    private const string Po1 = "po1.db";
    private const string Po2 = "po2.db";

    private enum HubStage
    {
        /// <summary>Three requestor messages wait in the server's inbox (two from NET/PO1, one from NET/PO2).</summary>
        MessagesWaiting,

        /// <summary>The server took them in; replies are pending.</summary>
        RepliesPending,

        /// <summary>The server replied; a reply waits in each requestor's inbox.</summary>
        RepliesWaiting,

        /// <summary>NET/PO1 queued its reply for import (NET/PO2 applied its own on receipt).</summary>
        RepliesQueued,

        /// <summary>Both requestors are up to date, and NET/PO1 has new local changes to send.</summary>
        LocalChanges,
    }

    private static readonly Dictionary<string, string> KeyFilterFromFirstAdd = new() { ["DIRSYNC_KEY_FILTER_AFTER"] = "1" };

    /// <summary>The point-to-point commands (<c>run</c>), <c>bulk import</c> and <c>gal rebuild</c>.</summary>
    public static IReadOnlyList<CrashScenario> DirectoryCommands { get; } =
    [
        new()
        {
            Name = "run export full",
            PrepareAsync = s => ExportingSiteAsync(s, exported: false),
            Command = ["--store", Site1, "run", "E", "--full"],
        },
        new()
        {
            Name = "run export incremental",
            PrepareAsync = s => ExportingSiteAsync(s, exported: true),
            Command = ["--store", Site1, "run", "E"],
        },
        new()
        {
            Name = "run import full",
            PrepareAsync = s => ImportingSiteAsync(s, full: true),
            Command = ["--store", Site2, "run", "I"],
        },
        new()
        {
            // The same, on the load path: the key filter answers from the first add (SqliteStoreOptions.KeyFilterAfterAdds).
            Name = "run import full, key filter",
            PrepareAsync = s => ImportingSiteAsync(s, full: true),
            Command = ["--store", Site2, "run", "I"],
            Environment = KeyFilterFromFirstAdd,
        },
        new()
        {
            // Into a store that holds nothing yet: a first load (SqliteFirstLoad), whose indexes are made before the commit.
            Name = "run import full, first load",
            PrepareAsync = EmptyImportingSiteAsync,
            Command = ["--store", Site2, "run", "I"],
            Environment = KeyFilterFromFirstAdd,
        },
        new()
        {
            Name = "run import incremental",
            PrepareAsync = s => ImportingSiteAsync(s, full: false),
            Command = ["--store", Site2, "run", "I"],
        },
        new()
        {
            Name = "bulk import stop-on-error",
            PrepareAsync = s => BulkSiteAsync(s, withBadRows: false),
            Command = ["--store", Site1, "bulk", "import", "people.csv", "--stop-on-error"],
        },
        new()
        {
            Name = "bulk import stop-on-error, key filter",
            PrepareAsync = s => BulkSiteAsync(s, withBadRows: false),
            Command = ["--store", Site1, "bulk", "import", "people.csv", "--stop-on-error"],
            Environment = KeyFilterFromFirstAdd,
        },
        new()
        {
            Name = "bulk import stop-on-error, first load",
            PrepareAsync = s => BulkSiteAsync(s, withBadRows: false, mailboxes: 0),
            Command = ["--store", Site1, "bulk", "import", "people.csv", "--stop-on-error"],
            Environment = KeyFilterFromFirstAdd,
        },
        new()
        {
            // Batches commit as they fill, so a crash leaves some applied: every row is an Update, which
            // changes nothing the second time, so running the same file again finishes the job.
            Name = "bulk import skip-errors in batches",
            PrepareAsync = s => BulkSiteAsync(s, withBadRows: true),
            Command = ["--store", Site1, "bulk", "import", "people.csv", "--skip-errors", "--batch-size", "50"],
        },
        new()
        {
            Name = "gal rebuild",
            PrepareAsync = GalSiteAsync,
            Command = ["--store", Site1, "gal", "rebuild"],
        },
        new()
        {
            // Once the store is in place, init refuses to make it again (exit 5): the rerun then finds the work done.
            Name = "init",
            PrepareAsync = _ => Task.CompletedTask,
            Command = ["--store", "new.db", "init", "--org", "Testorg", "--site", "Site9", "--server", "Server9"],
            DoneExitCode = 5,
        },
    ];

    /// <summary>The Dir-Sync hub's commands, server and requestor.</summary>
    public static IReadOnlyList<CrashScenario> HubCommands { get; } =
    [
        new()
        {
            Name = "server receive",
            PrepareAsync = s => HubAsync(s, HubStage.MessagesWaiting),
            Command = ["--store", HubStore, "server", "receive"],
        },
        new()
        {
            // A reply delivered but not yet recorded is sent again; the requestors take the copy as a late one.
            Name = "server send",
            PrepareAsync = s => HubAsync(s, HubStage.RepliesPending),
            Command = ["--store", HubStore, "server", "send"],
            Then = [["--store", Po1, "requestor", "receive"], ["--store", Po1, "requestor", "import"], ["--store", Po2, "requestor", "receive"]],
        },
        new()
        {
            Name = "requestor receive",
            PrepareAsync = s => HubAsync(s, HubStage.RepliesWaiting),
            Command = ["--store", Po1, "requestor", "receive"],
        },
        new()
        {
            Name = "requestor receive with apply-on-receive",
            PrepareAsync = s => HubAsync(s, HubStage.RepliesWaiting),
            Command = ["--store", Po2, "requestor", "receive"],
        },
        new()
        {
            Name = "requestor import",
            PrepareAsync = s => HubAsync(s, HubStage.RepliesQueued),
            Command = ["--store", Po1, "requestor", "import"],
        },
        new()
        {
            // A message delivered but not yet recorded is sent again under the same numbers; the server skips what it already took in.
            Name = "requestor send",
            PrepareAsync = s => HubAsync(s, HubStage.LocalChanges),
            Command = ["--store", Po1, "requestor", "send"],
            Then = [["--store", HubStore, "server", "receive"]],
        },
        new()
        {
            // Local changes between a crashed send and its rerun: a transaction number once sent must keep its
            // meaning, or the server skips the changes that shifted onto numbers it already took in.
            Name = "requestor send, changes before the rerun",
            PrepareAsync = s => HubAsync(s, HubStage.LocalChanges),
            Command = ["--store", Po1, "requestor", "send"],
            Between =
            [
                ["--store", Po1, "mailbox", "add", "alpha016", "--display-name", "alpha 016"],
                ["--store", Po1, "mailbox", "set", "alpha013", "--display-name", "Alpha Thirteen"],
                ["--store", Po1, "mailbox", "remove", "alpha014"],
            ],
            Then =
            [
                ["--store", HubStore, "server", "receive"], ["--store", HubStore, "server", "send"],
                ["--store", Po1, "requestor", "receive"], ["--store", Po1, "requestor", "import"], ["--store", Po2, "requestor", "receive"],
            ],
            EveryPoint = true,
        },
    ];

    /// <summary>The scenario called <paramref name="name"/>.</summary>
    public static CrashScenario Get(string name) => DirectoryCommands.Concat(HubCommands).Single(s => s.Name == name);

    /// <summary>Site1 with mailboxes, custom recipients and a list, and instance E exporting them to SYNC1; exported once and changed since, if asked.</summary>
    private static async Task ExportingSiteAsync(CrashSite s, bool exported)
    {
        await s.InitAsync(Site1, "Site1", "Server1");
        await s.AddMailboxesAsync(Site1, "m", 1, 12);
        await s.RunAsync(Site1, "custom-recipient", "add", "ext001", "--target-address", "SMTP:ext1@example.net", "--display-name", "External One");
        await s.RunAsync(Site1, "custom-recipient", "add", "ext002", "--target-address", "SMTP:ext2@example.net", "--display-name", "External Two");
        await s.RunAsync(Site1, "dl", "add", "list001", "--member", "m001", "--member", "m002", "--member", "ext001");
        await s.RunAsync(Site1, "instance", "set", "E", "--export", "--file", "SYNC1", "--classes", "mailbox,custom-recipient,dl");
        if (exported)
        {
            await s.RunAsync(Site1, "run", "E");
            await ChangeSite1Async(s);
        }
    }

    /// <summary>New, changed and removed recipients on Site1 since its last export.</summary>
    private static async Task ChangeSite1Async(CrashSite s)
    {
        await s.AddMailboxesAsync(Site1, "m", 13, 16);
        await s.RunAsync(Site1, "mailbox", "set", "m003", "--display-name", "Em Three");
        await s.RunAsync(Site1, "mailbox", "set", "m004", "--attr", "title=Chief");
        await s.RunAsync(Site1, "custom-recipient", "set", "ext002", "--target-address", "SMTP:ext2@example.org");
        await s.RunAsync(Site1, "dl", "set", "list001", "--add-member", "m013");
        await s.RunAsync(Site1, "mailbox", "remove", "m005");
        await s.RunAsync(Site1, "mailbox", "remove", "m006");
    }

    /// <summary>Site2 with its own mailboxes and instance I, which imported Site1's first export; SYNC1 holds Site1's next one, full or incremental.</summary>
    private static async Task ImportingSiteAsync(CrashSite s, bool full)
    {
        await s.InitAsync(Site1, "Site1", "Server1");
        await s.AddMailboxesAsync(Site1, "m", 1, 12);
        await s.RunAsync(Site1, "custom-recipient", "add", "ext001", "--target-address", "SMTP:ext1@example.net", "--display-name", "External One");
        await s.RunAsync(Site1, "custom-recipient", "add", "ext002", "--target-address", "SMTP:ext2@example.net", "--display-name", "External Two");
        await s.RunAsync(Site1, "dl", "add", "list001", "--member", "m001", "--member", "m002", "--member", "ext001");
        await s.RunAsync(Site1, "instance", "set", "E", "--export", "--file", "SYNC1", "--classes", "mailbox,custom-recipient,dl");
        await s.RunAsync(Site1, "run", "E");

        await s.InitAsync(Site2, "Site2", "Server2");
        await s.AddMailboxesAsync(Site2, "local", 1, 4);

        // A name Site1 sends is taken here (the import gives it a suffix), and a custom recipient made here
        // by hand for an address Site1 is about to send (the import adopts it).
        await s.RunAsync(Site2, "mailbox", "add", "m007", "--display-name", "m 007");
        await s.RunAsync(Site2, "custom-recipient", "add", "m013contact", "--target-address", "EDK:m013@Site1.Testorg.com");
        await s.RunAsync(Site2, "instance", "set", "I", "--import", "--file", "SYNC1");
        await s.RunAsync(Site2, "run", "I");

        await ChangeSite1Async(s);
        await s.RunAsync(Site1, full ? ["run", "E", "--full"] : ["run", "E"]);
    }

    /// <summary>Site1 exported in full, and Site2 with nothing yet but the instance that imports it.</summary>
    private static async Task EmptyImportingSiteAsync(CrashSite s)
    {
        await s.InitAsync(Site1, "Site1", "Server1");
        await s.AddMailboxesAsync(Site1, "m", 1, 12);
        await s.RunAsync(Site1, "custom-recipient", "add", "ext001", "--target-address", "SMTP:ext1@example.net", "--display-name", "External One");
        await s.RunAsync(Site1, "dl", "add", "list001", "--member", "m001", "--member", "m002", "--member", "ext001");
        await s.RunAsync(Site1, "instance", "set", "E", "--export", "--file", "SYNC1", "--classes", "mailbox,custom-recipient,dl");
        await s.RunAsync(Site1, "run", "E", "--full");
        await s.InitAsync(Site2, "Site2", "Server2");
        await s.RunAsync(Site2, "instance", "set", "I", "--import", "--file", "SYNC1");
    }

    /// <summary>
    /// Site1 with twenty mailboxes (or as many as asked), and people.csv: 200 Update rows that change those and create the
    /// rest, and (if asked) five bad rows among them.
    /// </summary>
    private static async Task BulkSiteAsync(CrashSite s, bool withBadRows, int mailboxes = 20)
    {
        await s.InitAsync(Site1, "Site1", "Server1");
        if (mailboxes > 0)
        {
            await s.AddMailboxesAsync(Site1, "p", 1, mailboxes);
        }

        var csv = new StringBuilder("Obj-Class,Common-Name,Display-Name,Title,Department,Target-Address,Member\n");
        for (var n = 1; n <= 190; n++)
        {
            csv.Append($"Mailbox,p{n:000},Person {n:000},Title {n % 5},Dept {n % 4},,\n");
            if (withBadRows && n % 40 == 20)
            {
                // A custom recipient without its target address: the row is bad, the rest go on.
                csv.Append($"Remote,bad{n:000},Bad {n:000},,,,\n");
            }
        }

        for (var n = 1; n <= 9; n++)
        {
            csv.Append($"Remote,contact{n},Contact {n},,,SMTP:contact{n}@example.net,\n");
        }

        csv.Append("dl,team,The Team,,,,p001%p050%p150%contact1\n");
        await File.WriteAllTextAsync(s.File("people.csv"), csv.ToString());
    }

    /// <summary>Site1 with mailboxes whose display names collide (the GAL gives them suffixes), a GAL built, and changes since.</summary>
    private static async Task GalSiteAsync(CrashSite s)
    {
        await s.InitAsync(Site1, "Site1", "Server1");
        await s.AddMailboxesAsync(Site1, "g", 1, 25);
        for (var n = 1; n <= 4; n++)
        {
            await s.RunAsync(Site1, "mailbox", "add", $"pat{n}", "--display-name", n % 2 == 0 ? "pat smith" : "Pat Smith");
        }

        await s.RunAsync(Site1, "gal", "rebuild");
        await s.AddMailboxesAsync(Site1, "g", 26, 30);
        await s.RunAsync(Site1, "mailbox", "set", "g001", "--display-name", "Pat Smith");
        await s.RunAsync(Site1, "mailbox", "remove", "g002");
    }

    /// <summary>A dir-sync server NET/HUB with requestors NET/PO1 (queues replies for import) and NET/PO2 (applies them on receipt), brought to <paramref name="stage"/>.</summary>
    private static async Task HubAsync(CrashSite s, HubStage stage)
    {
        s.CreateFolders("hub-in", "po1-in", "po2-in");
        await s.InitAsync(HubStore, "Hub", "HubServer");
        await s.RunAsync(HubStore, "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await s.RunAsync(HubStore, "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw-one");
        await s.RunAsync(HubStore, "server", "add-requestor", "NET/PO2", "--inbox", "po2-in", "--password", "pw-two");
        await s.InitAsync(Po1, "Site1", "Server1");
        await s.RunAsync(Po1, "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw-one");
        await s.InitAsync(Po2, "Site2", "Server2");
        await s.RunAsync(Po2, "requestor", "enable", "--name", "NET/PO2", "--inbox", "po2-in", "--server-inbox", "hub-in", "--password", "pw-two", "--apply-on-receive");

        await s.AddMailboxesAsync(Po1, "alpha", 1, 8);
        await s.RunAsync(Po1, "requestor", "send");
        await s.AddMailboxesAsync(Po1, "alpha", 9, 12);
        await s.RunAsync(Po1, "mailbox", "set", "alpha001", "--display-name", "Alpha One");
        await s.RunAsync(Po1, "mailbox", "remove", "alpha002");
        await s.RunAsync(Po1, "requestor", "send");
        await s.AddMailboxesAsync(Po2, "bravo", 1, 6);
        await s.RunAsync(Po2, "requestor", "send");
        if (stage == HubStage.MessagesWaiting)
        {
            return;
        }

        await s.RunAsync(HubStore, "server", "receive");
        if (stage == HubStage.RepliesPending)
        {
            return;
        }

        await s.RunAsync(HubStore, "server", "send");
        if (stage == HubStage.RepliesWaiting)
        {
            return;
        }

        await s.RunAsync(Po1, "requestor", "receive");
        if (stage == HubStage.RepliesQueued)
        {
            return;
        }

        await s.RunAsync(Po1, "requestor", "import");
        await s.RunAsync(Po2, "requestor", "receive");
        await s.AddMailboxesAsync(Po1, "alpha", 13, 15);
        await s.RunAsync(Po1, "mailbox", "set", "alpha003", "--attr", "title=Lead");
        await s.RunAsync(Po1, "mailbox", "remove", "alpha004");
    }
}
