using System.Globalization;
using DirSync.Core.Admin;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Sqlite;
using DirSync.Tests.Support;

namespace DirSync.Tests.Server;

/// <summary>Many requestors posting to one 'dirsync serve' at the same moment: every message arrives once, none is lost or refused.</summary>
public sealed class ConcurrentPostTests : IDisposable
{
    private const int Count = 100;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Send_HundredRequestorsPostingAtOnce_EveryMessageIsTakenInOnce()
    {
        var inbox = Directory.CreateDirectory(_folder.File("hub-in")).FullName;
        await using (var hub = await StoreFactory.CreateAsync(_folder.File("hub.db"), org: "Corp", site: "Hub", server: "Hub1"))
        {
            var server = new DirSyncServer(hub);
            await server.EnableAsync(inbox, null, "NET/HUB");
            for (var i = 0; i < Count; i++)
            {
                await server.AddRequestorAsync(Name(i), null, "pw-" + i);
            }
        }

        await using var serve = await ServeProcess.StartAsync(_folder.Path, "hub.db");
        var stores = new List<SqliteDirectoryStore>();
        try
        {
            for (var i = 0; i < Count; i++)
            {
                var store = await StoreFactory.CreateAsync(_folder.File($"p{i}.db"), org: "Corp", site: $"P{i}", server: $"S{i}");
                stores.Add(store);
                await new DirectoryAdmin(store).AddRecipientAsync(ObjectClass.Mailbox, $"user{i}", new RecipientChanges { DisplayName = $"User {i}" });
                await new Requestor(store).EnableAsync(Name(i), null, null, "pw-" + i, null, false, serverUrl: serve.Url.ToString());
            }

            // Every requestor posts at the same moment, each with its own HTTP client, as a hundred postoffices would.
            using var start = new SemaphoreSlim(0);
            var sends = stores.Select(async store =>
            {
                await start.WaitAsync();
                return await new Requestor(store).SendAsync(full: false);
            }).ToList();
            start.Release(Count);
            var reports = await Task.WhenAll(sends);
            Assert.All(reports, r => Assert.Equal((1, 1L, 0), (r.Messages, r.Updates, r.Errors.Count)));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        Assert.Equal(Count, serve.Lines(": 202 accepted as ").Count);
        Assert.Equal(Count, Directory.GetFiles(inbox, "*.dsm").Length);
        var received = await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "hub.db", "server", "receive", "--json");
        Assert.Equal(0, received.ExitCode);
        var report = CliJson.Parse(received.Out);
        Assert.Equal((Count, (long)Count, 0), (report.GetProperty("messages").GetInt32(), report.GetProperty("updates").GetInt64(), report.GetProperty("rejected").GetInt32()));
        var status = CliJson.Parse((await CliRunner.RunProcessAsync(_folder.Path, null, "--store", "hub.db", "status", "--json")).Out);
        Assert.Equal(Count, status.GetProperty("recipients").GetProperty("customRecipient").GetInt64());
        Assert.Equal(Count, status.GetProperty("server").GetProperty("highestSrvSync").GetInt64());
        Assert.All(status.GetProperty("server").GetProperty("requestors").EnumerateArray(), r => Assert.Equal(1, r.GetProperty("reqSync").GetInt64()));

        // SIGTERM, as systemd stops it: serve stops cleanly and says so.
        var stopped = await serve.Process.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, stopped.ExitCode);
        Assert.EndsWith("dirsync serve stopped\n", stopped.Out, StringComparison.Ordinal);
        Assert.Equal("", stopped.Error);
    }

    private static string Name(int i) => "NET/P" + i.ToString(CultureInfo.InvariantCulture);
}
