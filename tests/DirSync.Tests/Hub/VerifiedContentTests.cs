using System.Globalization;
using System.Text.Json;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Hub;

/// <summary>A message read more than once is applied only as the bytes its checks accepted, through the real command.</summary>
/// <remarks>
/// <c>server receive</c> checks a message's proof on one reading and applies its records from another; a file replaced in
/// between (by anyone who can write the drop folder) must not be applied on the strength of the first one's proof.
/// </remarks>
public sealed class VerifiedContentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ServerReceive_MessageReplacedBetweenItsCheckAndItsApply_IsSetAsideAndNothingOfEitherIsApplied()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("po-in"));
        await OkAsync("hub.db", "init", "--org", "Org", "--site", "Hub", "--server", "HubServer");
        await OkAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await OkAsync("hub.db", "server", "add-requestor", "NET/PO", "--inbox", "po-in", "--password", "pw");
        await OkAsync("po.db", "init", "--org", "Org", "--site", "Po", "--server", "PoServer");
        await OkAsync("po.db", "requestor", "enable", "--name", "NET/PO", "--inbox", "po-in", "--server-inbox", "hub-in", "--password", "pw");
        await OkAsync("po.db", "mailbox", "add", "alice");
        await OkAsync("po.db", "requestor", "send");
        var genuine = Directory.GetFiles(_folder.File("hub-in"), "*.dsm").Single();

        // The same numbers, consistent in itself, but proved with a key that is not NET/PO's.
        var forged = await ForgeAsync("mallory");
        var before = await OkAsync("hub.db", "recipients", "list", "--json");

        var pause = _folder.File("pause");
        var receive = CliRunner.RunProcessAsync(
            _folder.Path,
            new Dictionary<string, string> { ["DIRSYNC_FAULT_PAUSE_AT"] = "3", ["DIRSYNC_FAULT_PAUSE_FILE"] = pause },
            "--store", "hub.db", "server", "receive");
        await WaitAsync(() => File.Exists(pause) && File.ReadAllText(pause).Length > 0, receive);
        Assert.Equal("file.open", File.ReadAllText(pause).Trim());
        var claimed = Path.Combine(_folder.File("hub-in"), "processing", Path.GetFileName(genuine));
        File.Copy(forged, claimed, overwrite: true);
        File.Delete(pause);
        var result = await receive;

        Assert.True(result.ExitCode == 9, result.ToString());
        Assert.Equal(
            $"dirsync: server receive: {Path.GetFileName(genuine)}: '{Path.GetFileName(genuine)}' changed while it was being applied: it is not the content that was checked; nothing was applied, run again (see 'dirsync events')\n",
            result.Error);
        Assert.Equal(before, await OkAsync("hub.db", "recipients", "list", "--json"));
        Assert.True(File.Exists(Path.Combine(_folder.File("hub-in"), "rejected", Path.GetFileName(genuine))));
        using var status = JsonDocument.Parse(await OkAsync("hub.db", "server", "status", "--json"));
        Assert.Equal(0, status.RootElement.GetProperty("highestSrvSync").GetInt64());
    }

    /// <summary>A message from NET/PO numbered as its first, adding <paramref name="alias"/>, proved with the wrong key; written aside.</summary>
    private async Task<string> ForgeAsync(string alias)
    {
        StoreInfo sender;
        await using (var po = await TestStores.OpenAsync(_folder.File("po.db")))
        {
            sender = po.Info;
        }

        var aside = Directory.CreateDirectory(_folder.File("aside")).FullName;
        var record = new ChangeRecord(ChangeKind.Add, Guid.NewGuid(), alias, DirectoryPath.Recipients) { DisplayName = alias, Owner = "NET/PO", Class = ObjectClass.Mailbox };
        record.ProxyAddresses.Add(ProxyAddress.Parse($"SMTP:{alias}@example.com"));
        var message = new HubMessage(MessageKind.RequestorUpdate, Guid.NewGuid(), "NET/PO", "NET/HUB", 1, 0, 0, 0, 0, 1, false, false, false, null);
        return await ForgedMessage.WriteAsync(aside, sender, message, [record], HubKey.Derive("NET/PO", "not-the-password"), DateTimeOffset.UtcNow);
    }

    private static async Task WaitAsync(Func<bool> condition, Task<CliResult> process)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(process.IsCompleted, $"dirsync ended before the pause: {(process.IsCompleted ? await process : null)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "dirsync did not reach the pause within 60 seconds");
            await Task.Delay(10);
        }
    }

    private async Task<string> OkAsync(string store, params string[] args)
    {
        var result = await CliRunner.RunAsync(_folder.Path, null, ["--store", store, .. args]);
        Assert.True(result.ExitCode == 0, $"dirsync --store {store} {string.Join(' ', args)}: {result}");
        return result.Out;
    }
}
