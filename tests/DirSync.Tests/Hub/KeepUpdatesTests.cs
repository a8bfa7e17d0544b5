using DirSync.Core.Events;
using DirSync.Core.Hub;

namespace DirSync.Tests.Hub;

/// <summary>Keep Updates: the master log forgets after so many days, a requestor idle longer is told 138, and an import repairs it.</summary>
public sealed class KeepUpdatesTests : IAsyncLifetime
{
    private const string Po1 = "NET/PO1";
    private const string Po2 = "NET/PO2";

    private const string Missing =
        "138: missing transactions 4 to 5 for NET/PO1: they were purged after 14 days (Keep Updates). Recover: on NET/PO1 run 'dirsync requestor request-import' and let the next cycle complete";

    private HubNetwork _net = null!;

    private Postoffice P1 => _net[Po1];

    private Postoffice P2 => _net[Po2];

    /// <summary>
    /// Day 0: NET/PO1 with ann and NET/PO2 with bob and cy, one cycle (log 1 to 3). Day 1: NET/PO2 deletes bob and adds bea (log 4, 5).
    /// Day 16: NET/PO2 adds bee, not yet sent; NET/PO1 has been idle since day 0 and has received up to 3.
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        _net = await HubNetwork.CreateAsync(14, Po1, Po2);
        await P1.AddMailboxAsync("ann", "Ann");
        await P2.AddMailboxAsync("bob", "Bob");
        await P2.AddMailboxAsync("cy", "Cy");
        await _net.CycleAsync();

        _net.Time.Advance(TimeSpan.FromDays(1));
        await P2.RemoveAsync("bob");
        await P2.AddMailboxAsync("bea", "Bea");
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        await P2.ReceiveAndImportAsync();

        _net.Time.Advance(TimeSpan.FromDays(15));
        await P2.AddMailboxAsync("bee", "Bee");
    }

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task Send_RequestorIdlePastKeepUpdates_Gets138WithTheRecoveryAndNothingElse()
    {
        await P1.SendAsync();
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        var received = await P1.ReceiveAsync();
        await P1.ImportAsync();

        Assert.Equal([$"NET/PO1: SrvTx R=1 S=3 (was 3) I=0 0 sent — {Missing}", "NET/PO2: SrvTx R=5 S=6 (was 5) I=0 0 sent"], sent.Lines);
        Assert.Equal(["NET/HUB: SrvTx R=1 S=3 (was 3) I=0 0 sent"], received.Lines);
        Assert.Equal([$"the server reports: {Missing}"], received.Errors);
        var state = await P1.StateAsync();
        Assert.Equal((1L, 3L, Missing), (state.ReqSync, state.SrvSync, state.LastServerError));
        Assert.Equal(["ann@NET/PO1", "bob@NET/PO2", "cy@NET/PO2"], await P1.OwnersAsync());
        Assert.Equal([(EventCodes.MissingTransactions, Missing)], await HubNetwork.EventsAsync(_net.Server, EventCodes.MissingTransactions));
        Assert.Equal([(EventCodes.MissingTransactions, $"the server reports: {Missing}")], await HubNetwork.EventsAsync(P1.Store, EventCodes.MissingTransactions));

        // The error stands until the requestor does something about it: the next cycle says the same.
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        Assert.Equal([$"NET/PO1: SrvTx R=1 S=3 (was 3) I=0 0 sent — {Missing}"], (await _net.Hub.SendAsync()).Lines);
    }

    [Fact]
    public async Task Send_OnlyTheRequestorsOwnUpdatesWerePurgedUnreceived_NoErrorAndNothingIsLost()
    {
        // Day 0: one cycle (ann from NET/PO1, dan from NET/PO2). Day 1: NET/PO2 sends dee and dot, whose reply is lost.
        await using var net = await HubNetwork.CreateAsync(14, Po1, Po2);
        await net[Po1].AddMailboxAsync("ann", "Ann");
        await net[Po2].AddMailboxAsync("dan", "Dan");
        await net.CycleAsync();
        net.Time.Advance(TimeSpan.FromDays(1));
        await net[Po2].AddMailboxAsync("dee", "Dee");
        await net[Po2].AddMailboxAsync("dot", "Dot");
        await net[Po2].SendAsync();
        await net.Hub.ReceiveAsync();
        await net.Hub.SendAsync();
        foreach (var reply in Directory.GetFiles(net[Po2].Inbox, "*.dsm"))
        {
            File.Delete(reply);
        }

        // Day 16: everything through dee and dot is purged; NET/PO2 still reports the SrvSync of day 0, but what it
        // lacks of the purged log is only its own.
        net.Time.Advance(TimeSpan.FromDays(15));
        var reported = (await net[Po2].StateAsync()).SrvSync;
        await net[Po2].SendAsync();
        await net.Hub.ReceiveAsync();
        var sent = await net.Hub.SendAsync();
        var received = await net[Po2].ReceiveAsync();

        Assert.Equal(2, reported);
        Assert.Equal(["NET/PO2: SrvTx R=3 S=4 (was 2) I=0 0 sent"], sent.Lines);
        Assert.Empty(received.Errors);
        Assert.Null((await net[Po2].StateAsync()).LastServerError);
        Assert.Empty(await HubNetwork.EventsAsync(net.Server, EventCodes.MissingTransactions));
        var status = await net.Hub.StatusAsync();
        Assert.Equal(4, status.Server.PurgedThrough);
        Assert.Equal(
            [(Po1, 4L), (Po2, 1L)],
            status.Requestors.Select(r => (r.Name, r.ForeignPurgedThrough!.Value)).OrderBy(r => r.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task RequestImport_After138_ReplacesTheForeignListsAndClearsTheError()
    {
        await P1.SendAsync();
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        await P1.ReceiveAndImportAsync();

        await P1.Requestor.RequestImportAsync();
        var t1 = await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        var received = await P1.ReceiveAsync();
        var imported = await P1.ImportAsync();

        Assert.Equal(["ReqTx R=1 (was 1), S=3, I=1 0 sent"], t1.Lines);
        Assert.Equal(["NET/PO1: SrvTx R=1 S=6 (was 3) I=1 3 sent (import reply)"], sent.Lines);
        Assert.Equal(["NET/HUB: SrvTx R=1 S=6 (was 3) I=1 3 sent (import reply)"], received.Lines);
        Assert.Empty(received.Errors);
        Assert.Equal("imported 3 updates: 2 added, 0 modified, 1 deleted", imported.Lines[0]);
        Assert.Equal(["ann@NET/PO1", "bea@NET/PO2", "bee@NET/PO2", "cy@NET/PO2"], await P1.OwnersAsync());
        var state = await P1.StateAsync();
        Assert.Equal((6L, 1L, false, null), (state.SrvSync, state.ImpSync, state.ImportRequested, state.LastServerError));
        var registered = await _net.RegisteredAsync(Po1);
        Assert.Equal((1L, false, 6L), (registered.ImpSync, registered.ImportRequested, registered.SrvSync));

        // Back in step: the next cycle is an ordinary one.
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        Assert.Equal(["NET/PO1: SrvTx R=1 S=6 (was 6) I=1 0 sent"], (await _net.Hub.SendAsync()).Lines);
    }

    [Fact]
    public async Task Send_PurgesOnlyWhatIsOlderThanKeepUpdates()
    {
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();

        var status = await _net.Hub.StatusAsync();
        Assert.Equal((6L, 5L, 1L, 6L), (status.Server.Sync, status.Server.PurgedThrough, status.MasterLogEntries, status.MasterLogFirst));
        Assert.Equal(["6 NET/PO2 Add bee"], await _net.MasterLogAsync());
        Assert.Equal(
            "purged 5 updates older than 14 days from the master log (through 5)",
            (await HubNetwork.EventsAsync(_net.Server, EventCodes.Sent)).Single(e => e.Message.StartsWith("purged", StringComparison.Ordinal)).Message);
    }

    [Fact]
    public async Task Send_WithinKeepUpdates_PurgesNothingAndServesTheIdleRequestor()
    {
        // The first updates are a minute short of 14 days old when the idle requestor asks again: all are kept.
        await using var net = await HubNetwork.CreateAsync(14, Po1, Po2);
        await net[Po1].AddMailboxAsync("ann", "Ann");
        await net[Po2].AddMailboxAsync("bob", "Bob");
        await net.CycleAsync();
        net.Time.Advance(TimeSpan.FromDays(13));
        await net[Po2].AddMailboxAsync("bea", "Bea");
        await net[Po2].SendAsync();
        await net.Hub.ReceiveAsync();
        await net.Hub.SendAsync();

        net.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        await net[Po1].SendAsync();
        await net.Hub.ReceiveAsync();
        var sent = await net.Hub.SendAsync();

        Assert.Equal(["NET/PO1: SrvTx R=1 S=3 (was 2) I=0 1 sent"], sent.Lines);
        Assert.Equal(0, (await net.ServerStateAsync()).PurgedThrough);
        Assert.Equal(3, (await net.MasterLogAsync()).Count);
    }
}
