using DirSync.Core.Gal;
using DirSync.Core.Hub;
using DirSync.Core.Status;
using DirSync.Tests.Hub;

namespace DirSync.Tests.Status;

/// <summary>What the status views compute: requestors' pending updates, lag and last refusal, the GAL's staleness, the roles.</summary>
public sealed class StatusReaderTests : IAsyncLifetime
{
    private HubNetwork _net = null!;

    public async ValueTask InitializeAsync() => _net = await HubNetwork.CreateAsync("NET/PO1", "NET/PO2");

    public async ValueTask DisposeAsync() => await _net.DisposeAsync();

    [Fact]
    public async Task Read_UpdatesTakenInAndNotYetSent_ArePendingWithTheAgeOfTheOldest()
    {
        await _net.CycleAsync();
        await _net["NET/PO1"].AddMailboxAsync("ann");
        await _net["NET/PO2"].AddMailboxAsync("bob");
        await _net["NET/PO2"].AddMailboxAsync("bea");
        await _net["NET/PO1"].SendAsync();
        await _net["NET/PO2"].SendAsync();
        await _net.Hub.ReceiveAsync();
        _net.Time.Advance(TimeSpan.FromSeconds(90));

        var status = await StatusReader.ReadAsync(_net.Server, _net.Time);

        Assert.Equal(["server"], status.Roles);
        var server = status.Server!;
        Assert.Equal((3L, 1L, 3L, 0), (server.HighestSrvSync, server.Cycle, server.MasterLogEntries, server.MessagesWaiting));
        Assert.Equal(
            ["NET/PO1 drop folder pending 2 lag 0 cycles 90 s reply", "NET/PO2 drop folder pending 1 lag 0 cycles 90 s reply"],
            server.Requestors.Select(r => $"{r.Name} {r.Transport} pending {r.PendingUpdates} lag {r.LagCycles} cycles {r.LagSeconds} s{(r.ReplyPending ? " reply" : "")}"));

        await _net.Hub.SendAsync();
        status = await StatusReader.ReadAsync(_net.Server, _net.Time);
        Assert.All(status.Server!.Requestors, r => Assert.Equal((0L, 0L, 0.0, 1), (r.PendingUpdates, r.LagCycles, r.LagSeconds, r.RepliesWaiting)));
    }

    [Fact]
    public async Task Read_RequestorThatMissedACycle_LagsOneCycle()
    {
        await _net.CycleAsync();
        await _net["NET/PO1"].AddMailboxAsync("ann");
        await _net["NET/PO1"].SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();

        var rows = (await StatusReader.ReadAsync(_net.Server, _net.Time)).Server!.Requestors;

        Assert.Equal(["NET/PO1 0 0", "NET/PO2 1 1"], rows.Select(r => $"{r.Name} {r.LagCycles} {r.PendingUpdates}"));
    }

    [Fact]
    public async Task Read_RefusedMessage_IsTheRequestorsLastError()
    {
        await _net["NET/PO2"].Requestor.EnableAsync("NET/PO2", _net["NET/PO2"].Inbox, _net.ServerInbox, "wrong", null, null);
        await _net["NET/PO2"].SendAsync();
        await _net.Hub.ReceiveAsync();

        var rows = (await StatusReader.ReadAsync(_net.Server, _net.Time)).Server!.Requestors;

        Assert.Null(rows.Single(r => r.Name == "NET/PO1").LastRefusal);
        var refusal = rows.Single(r => r.Name == "NET/PO2").LastRefusal!;
        Assert.Equal((156, _net.Time.GetUtcNow()), (refusal.Code, refusal.Time));
        Assert.StartsWith("invalid Dir-Sync password from NET/PO2: the message's proof does not match", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RecipientChangedSinceTheRebuild_GalIsStale()
    {
        var store = _net["NET/PO1"].Store;
        Assert.Equal(new GalOverview(0, null, false, null), (await StatusReader.ReadAsync(store, _net.Time)).Gal);

        await _net["NET/PO1"].AddMailboxAsync("ann");
        Assert.True((await StatusReader.ReadAsync(store, _net.Time)).Gal.Stale);

        await new GalBuilder(_net.Time).RebuildAsync(store, "NET/PO1");
        Assert.Equal(new GalOverview(1, _net.Time.GetUtcNow(), false, 0), (await StatusReader.ReadAsync(store, _net.Time)).Gal);

        await _net["NET/PO1"].AddMailboxAsync("bob");
        await _net["NET/PO1"].AddMailboxAsync("bea");
        var status = await StatusReader.ReadAsync(store, _net.Time);
        Assert.Equal(new GalOverview(1, _net.Time.GetUtcNow(), true, 2), status.Gal);
        Assert.Equal(["requestor"], status.Roles);
        Assert.Equal((3L, 0L, 0L), (status.Recipients.Mailboxes, status.Recipients.CustomRecipients, status.Recipients.DistributionLists));
    }
}
