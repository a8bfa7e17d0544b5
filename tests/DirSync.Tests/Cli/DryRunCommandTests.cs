using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The destructive commands' --dry-run: the same report as the real run, and the store unchanged.</summary>
public sealed class DryRunCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AddressTemplateSet_DryRun_CountsWhatTheRealRunChangesAndChangesNothing()
    {
        using var store = await CliStore.InitAsync();
        await store.RunOkAsync("mailbox", "add", "M1", "--given-name", "Ann", "--surname", "Lee");
        await store.RunOkAsync("mailbox", "add", "M2", "--given-name", "Bo", "--surname", "Ek");
        var before = await store.SnapshotAsync();

        var dry = await store.RunOkAsync("address-template", "set", "SMTP", "%g.%s@example.com", "--dry-run");
        var dryJson = await store.RunOkAsync("--json", "address-template", "set", "SMTP", "%g.%s@example.com", "--dry-run");

        Assert.Equal("Would set the SMTP template; 2 recipients would get a new primary SMTP address. Dry run: the store was not changed.\n", dry.Out);
        Assert.Equal(before, await store.SnapshotAsync());
        var real = await store.RunOkAsync("--json", "address-template", "set", "SMTP", "%g.%s@example.com");
        Assert.Equal(dryJson.Out.Replace("\"dryRun\": true", "\"dryRun\": false", StringComparison.Ordinal), real.Out);
        Assert.Equal(2, CliJson.Parse(real.Out).GetProperty("changed").GetInt32());
        Assert.NotEqual(before, await store.SnapshotAsync());
    }

    [Fact]
    public async Task TombstonesPurge_DryRun_CountsWhatTheRealRunPurgesAndPurgesNothing()
    {
        using var store = await CliStore.InitAsync();
        foreach (var alias in new[] { "A", "B", "C" })
        {
            await store.RunOkAsync("mailbox", "add", alias);
            await store.RunOkAsync("mailbox", "remove", alias);
        }

        var before = await store.SnapshotAsync();

        var dry = CliJson.Parse((await store.RunOkAsync("--json", "tombstones", "purge", "--older-than", "0", "--dry-run")).Out);
        var text = await store.RunOkAsync("tombstones", "purge", "--older-than", "0", "--dry-run");

        Assert.Equal(3, dry.GetProperty("purged").GetInt32());
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.StartsWith("Would purge 3 tombstones deleted before ", text.Out, StringComparison.Ordinal);
        Assert.EndsWith(". Dry run: the store was not changed.\n", text.Out, StringComparison.Ordinal);
        Assert.Equal(before, await store.SnapshotAsync());
        var real = CliJson.Parse((await store.RunOkAsync("--json", "tombstones", "purge", "--older-than", "0")).Out);
        Assert.Equal(3, real.GetProperty("purged").GetInt32());
        Assert.False(real.GetProperty("dryRun").GetBoolean());
        Assert.NotEqual(before, await store.SnapshotAsync());
    }

    [Fact]
    public async Task ServerRemoveRequestor_DryRun_CountsWhatTheRealRunDeletesAndRemovesNothing()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("po1-in"));
        var hub = _folder.File("hub.db");
        var site = _folder.File("site.db");
        async Task<CliResult> Ok(string store, params string[] args)
        {
            var result = await CliRunner.RunAsync(_folder.Path, CliRunner.NoEnvironment, ["--store", store, .. args]);
            Assert.True(result.ExitCode == 0, result.ToString());
            return result;
        }

        await Ok(hub, "init", "--org", "Testorg", "--site", "Hub", "--server", "Hub1");
        await Ok(hub, "server", "enable", "--inbox", "hub-in");
        await Ok(hub, "server", "add-requestor", "NET/PO1", "--inbox", "po1-in", "--password", "pw");
        await Ok(site, "init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await Ok(site, "mailbox", "add", "M1");
        await Ok(site, "mailbox", "add", "M2");
        await Ok(site, "requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "pw");
        await Ok(site, "requestor", "send");
        await Ok(hub, "server", "receive");
        var before = await StoreSnapshot.TakeAsync(hub);

        var dry = await Ok(hub, "server", "remove-requestor", "NET/PO1", "--dry-run");

        Assert.Equal("Would remove requestor NET/PO1; 2 of its entries would be deleted and queued as deletes for the others. Dry run: the store was not changed.\n", dry.Out);
        Assert.Equal(before, await StoreSnapshot.TakeAsync(hub));
        var real = await Ok(hub, "server", "remove-requestor", "NET/PO1");
        Assert.Equal("Removed requestor NET/PO1; 2 of its entries deleted and queued as deletes for the others\n", real.Out);
        Assert.NotEqual(before, await StoreSnapshot.TakeAsync(hub));
    }
}
