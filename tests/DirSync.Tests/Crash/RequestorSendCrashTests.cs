using System.Globalization;
using System.Text.Json;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>A <c>requestor send</c> killed after its message reached the server, with local changes before the rerun: nothing is lost.</summary>
/// <remarks>The crash harness covers every fault point (scenario "requestor send, changes before the rerun"); this is the reported case, step by step.</remarks>
public sealed class RequestorSendCrashTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RequestorSend_KilledAfterDeliveryThenLocalChanges_EveryChangeReachesTheServer()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("po-in"));
        await OkAsync("hub.db", "init", "--org", "Org", "--site", "Hub", "--server", "HubServer");
        await OkAsync("hub.db", "server", "enable", "--inbox", "hub-in", "--name", "NET/HUB");
        await OkAsync("hub.db", "server", "add-requestor", "NET/PO", "--inbox", "po-in", "--password", "pw");
        await OkAsync("po.db", "init", "--org", "Org", "--site", "Po", "--server", "PoServer");
        await OkAsync("po.db", "requestor", "enable", "--name", "NET/PO", "--inbox", "po-in", "--server-inbox", "hub-in", "--password", "pw");
        await OkAsync("po.db", "mailbox", "add", "u1");
        await CycleAsync();

        await OkAsync("po.db", "mailbox", "add", "u2");
        await OkAsync("po.db", "mailbox", "add", "u3");

        // Killed just after the message was renamed into the server's inbox, before the send recorded anything.
        var point = await PointAfterDeliveryAsync();
        var crashed = await CliRunner.RunProcessAsync(
            _folder.Path, new Dictionary<string, string> { ["DIRSYNC_FAULT_AT"] = point }, "--store", "po.db", "requestor", "send");
        Assert.True(crashed.ExitCode == 137, crashed.ToString());
        Assert.Single(Directory.GetFiles(_folder.File("hub-in"), "*.dsm"));

        await OkAsync("po.db", "mailbox", "add", "u4");
        await OkAsync("po.db", "mailbox", "set", "u2", "--display-name", "U Two");
        await CycleAsync();
        await CycleAsync();

        var hub = await AliasesAsync("hub.db");
        Assert.Equal(["u1", "u2", "u3", "u4"], hub.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("U Two", hub["u2"]);
        Assert.Empty(Directory.GetFiles(_folder.File("hub-in"), "*.dsm"));
    }

    /// <summary>The number of the fault point just after the message's rename into the server's inbox, found by a traced run on a copy.</summary>
    private async Task<string> PointAfterDeliveryAsync()
    {
        using var copy = new TempFolder();
        foreach (var file in Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(_folder.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        await TestStores.CopyAsync(_folder.Path, copy.Path);

        // Drop folders are stored as absolute paths, so the traced run on the copy writes into this folder's inbox; its message is removed.
        var before = Directory.GetFiles(_folder.File("hub-in"), "*.dsm").ToHashSet();
        var trace = copy.File("trace.txt");
        var traced = await CliRunner.RunProcessAsync(copy.Path, new Dictionary<string, string> { ["DIRSYNC_FAULT_TRACE"] = trace }, "--store", "po.db", "requestor", "send");
        Assert.True(traced.ExitCode == 0, traced.ToString());
        foreach (var file in Directory.GetFiles(_folder.File("hub-in"), "*.dsm").Where(f => !before.Contains(f)))
        {
            File.Delete(file);
        }

        var points = File.ReadAllLines(trace);
        var index = Array.IndexOf(points, "file.rename.after");
        Assert.True(index >= 0, string.Join(", ", points));
        return (index + 1).ToString(CultureInfo.InvariantCulture);
    }

    private async Task CycleAsync()
    {
        await OkAsync("po.db", "requestor", "send");
        await OkAsync("hub.db", "server", "receive");
        await OkAsync("hub.db", "server", "send");
        await OkAsync("po.db", "requestor", "receive");
        await OkAsync("po.db", "requestor", "import");
    }

    private async Task<Dictionary<string, string>> AliasesAsync(string store)
    {
        using var document = JsonDocument.Parse(await OkAsync(store, "recipients", "list", "--json"));
        return document.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("alias").GetString()!, e => e.GetProperty("displayName").GetString()!);
    }

    private async Task<string> OkAsync(string store, params string[] args)
    {
        var result = await CliRunner.RunAsync(_folder.Path, null, ["--store", store, .. args]);
        Assert.True(result.ExitCode == 0, $"dirsync --store {store} {string.Join(' ', args)}: {result}");
        return result.Out;
    }
}
