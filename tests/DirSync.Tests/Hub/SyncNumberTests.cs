using DirSync.Core.Events;
using DirSync.Core.Hub;

namespace DirSync.Tests.Hub;

/// <summary>The sequence numbers at their edges: what the server sends for each SrvSync a requestor reports, what the echo trims, and the cycle's steps run out of order.</summary>
public sealed class SyncNumberTests : IAsyncLifetime
{
    private const string Po1 = "NET/PO1";
    private const string Po2 = "NET/PO2";

    private HubNetwork _net = null!;

    private Postoffice P1 => _net[Po1];

    private Postoffice P2 => _net[Po2];

    /// <summary>NET/PO1 with ann and NET/PO2 with bob, after one whole cycle: the master log ends at 2 and both requestors have received it.</summary>
    public async ValueTask InitializeAsync()
    {
        _net = await HubNetwork.CreateAsync(Po1, Po2);
        await P1.AddMailboxAsync("ann", "Ann");
        await P2.AddMailboxAsync("bob", "Bob");
        await _net.CycleAsync();
    }

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task Cycle_FirstOne_LeavesEveryNumberWhereTheProtocolSays()
    {
        var server = await _net.ServerStateAsync();
        var po1 = await _net.RegisteredAsync(Po1);
        var p1 = await P1.StateAsync();

        Assert.Equal((2L, 1L, 0L), (server.Sync, server.Cycle, server.PurgedThrough));
        Assert.Equal((1L, 2L, 0L, false, 1L), (po1.ReqSync, po1.SrvSync, po1.ReportedSrvSync, po1.ReplyPending, po1.LastCycle));
        Assert.Equal((1L, 1L, 2L), (p1.ReqSync, p1.NextTransaction, p1.SrvSync));
        Assert.Empty(await P1.OutboxAsync());
        Assert.Equal(["1 NET/PO1 Add ann", "2 NET/PO2 Add bob"], await _net.MasterLogAsync());
        Assert.Equal(["ann@NET/PO1", "bob@NET/PO2"], await P1.OwnersAsync());
        Assert.Equal(["ann@NET/PO1", "bob@NET/PO2"], await P2.OwnersAsync());
    }

    [Fact]
    public async Task Send_ReportedSrvSyncEqualsSync_RepliesWithNothingAndTheSameSrvSync()
    {
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();

        var sent = await _net.Hub.SendAsync();
        var received = await P1.ReceiveAsync();

        Assert.Equal(["NET/PO1: SrvTx R=1 S=2 (was 2) I=0 0 sent"], sent.Lines);
        Assert.Equal((1, 0L), (sent.Messages, sent.Updates));
        Assert.Equal(["NET/HUB: SrvTx R=1 S=2 (was 2) I=0 0 sent"], received.Lines);
        Assert.Equal((1L, 2L), ((await P1.StateAsync()).ReqSync, (await P1.StateAsync()).SrvSync));
        Assert.Equal("received from NET/HUB: SrvTx R=1 S=2 (was 2) I=0 0 sent", (await HubNetwork.EventsAsync(P1.Store, EventCodes.MessageReceived))[^1].Message);
    }

    [Fact]
    public async Task Send_ReportedSrvSyncOneBehind_SendsTheOneUpdateButNotBackToItsOwner()
    {
        await P2.AddMailboxAsync("bea", "Bea");
        await P2.SendAsync();
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();

        var sent = await _net.Hub.SendAsync();
        await P1.ReceiveAndImportAsync();
        await P2.ReceiveAndImportAsync();

        Assert.Equal(["NET/PO1: SrvTx R=1 S=3 (was 2) I=0 1 sent", "NET/PO2: SrvTx R=2 S=3 (was 2) I=0 0 sent"], sent.Lines);
        Assert.Equal(["ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2"], await P1.OwnersAsync());
        Assert.Equal(["ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2"], await P2.OwnersAsync());
        Assert.Equal((3L, 3L), ((await P1.StateAsync()).SrvSync, (await P2.StateAsync()).SrvSync));
    }

    [Fact]
    public async Task Send_ReportedSrvSyncFarBehindWithinTheLog_SendsEveryUpdateAboveIt()
    {
        await P2.AddMailboxAsync("bea", "Bea");
        await P2CycleAsync();
        await P2.SetDisplayNameAsync("bob", "Bob Two");
        await P2CycleAsync();
        await P2.RemoveAsync("bea");
        await P2CycleAsync();

        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        await P1.ReceiveAndImportAsync();

        Assert.Equal(["NET/PO1: SrvTx R=1 S=5 (was 2) I=0 3 sent"], sent.Lines);
        Assert.Equal(["3 NET/PO2 Add bea", "4 NET/PO2 Modify bob", "5 NET/PO2 Delete bea"], (await _net.MasterLogAsync()).Skip(2));
        Assert.Equal(
            [
                "ann | Ann | mailbox | Recipients | - | local",
                "bob | Bob Two | custom-recipient | Postoffices/NET/PO2 | SMTP:bob@PO2.Corp.com | NET/PO2",
            ],
            await P1.EntriesAsync());
        Assert.Equal(5, (await P1.StateAsync()).SrvSync);
    }

    [Fact]
    public async Task Send_ReportedSrvSyncBeyondTheLog_Replies139AndChangesNothing()
    {
        var backup = await _net.BackupServerAsync();
        await P2.AddMailboxAsync("bea", "Bea");
        await _net.CycleAsync();
        await _net.RestoreServerAsync(backup);
        var before = await P1.EntriesAsync();

        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        var received = await P1.ReceiveAsync();

        var error = "139: NET/PO1 reports SrvSync 3 but the master log ends at 2: the server was restored from an older copy. Recover: on every requestor 'dirsync requestor send --full', let one T2 run, then 'dirsync server resync --out <file>' here and 'dirsync requestor apply-resync <file>' on each requestor";
        Assert.Equal([$"NET/PO1: SrvTx R=1 S=3 (was 3) I=0 0 sent — {error}"], sent.Lines);
        Assert.Equal([$"the server reports: {error}"], received.Errors);
        Assert.Equal([(EventCodes.SyncNumberBeyondLog, error)], await HubNetwork.EventsAsync(_net.Server, EventCodes.SyncNumberBeyondLog));
        Assert.Equal([(EventCodes.SyncNumberBeyondLog, $"the server reports: {error}")], await HubNetwork.EventsAsync(P1.Store, EventCodes.SyncNumberBeyondLog));
        var state = await P1.StateAsync();
        Assert.Equal((3L, error), (state.SrvSync, state.LastServerError));
        Assert.Equal(before, await P1.EntriesAsync());
        Assert.Equal((3L, 2L), ((await _net.RegisteredAsync(Po1)).SrvSync, (await _net.ServerStateAsync()).Sync));
    }

    [Fact]
    public async Task Send_ReportedSrvSyncBelowThePurgePoint_Replies138ButOneAtThePurgePointIsServed()
    {
        // Day 1: bea reaches the log (3) and PO2; PO1 stays at 2.
        _net.Time.Advance(TimeSpan.FromDays(1));
        await P2.AddMailboxAsync("bea", "Bea");
        await P2CycleAsync();

        // Day 16: entries 1 to 3 are older than 14 days and go before the replies are made.
        _net.Time.Advance(TimeSpan.FromDays(15));
        await P2.AddMailboxAsync("bee", "Bee");
        await P1.SendAsync();
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();

        var error = "138: missing transactions 3 to 3 for NET/PO1: they were purged after 14 days (Keep Updates). Recover: on NET/PO1 run 'dirsync requestor request-import' and let the next cycle complete";
        Assert.Equal([$"NET/PO1: SrvTx R=1 S=2 (was 2) I=0 0 sent — {error}", "NET/PO2: SrvTx R=3 S=4 (was 3) I=0 0 sent"], sent.Lines);
        var server = await _net.ServerStateAsync();
        Assert.Equal((4L, 3L), (server.Sync, server.PurgedThrough));
        Assert.Equal(["4 NET/PO2 Add bee"], await _net.MasterLogAsync());
        Assert.Equal([(EventCodes.MissingTransactions, error)], await HubNetwork.EventsAsync(_net.Server, EventCodes.MissingTransactions));
        Assert.Equal("purged 3 updates older than 14 days from the master log (through 3)", (await HubNetwork.EventsAsync(_net.Server, EventCodes.Sent)).Single(e => e.Message.StartsWith("purged", StringComparison.Ordinal)).Message);
    }

    [Fact]
    public async Task Send_FirstContactWithNothingToSend_RepliesWithEveryAddressList()
    {
        var po3 = await _net.AddRequestorAsync("NET/PO3");

        var t1 = await po3.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        await po3.ReceiveAndImportAsync();

        Assert.Equal(["ReqTx R=0 (was 0), S=0, I=0 0 sent"], t1.Lines);
        Assert.Equal(["NET/PO3: SrvTx R=0 S=2 (was 0) I=0 2 sent (import reply)"], sent.Lines);
        Assert.Equal(["ann@NET/PO1", "bob@NET/PO2"], await po3.OwnersAsync());
        Assert.Equal(2, (await po3.StateAsync()).SrvSync);
    }

    [Fact]
    public async Task Send_FirstContactWithLocalUsersAfterAPurge_RepliesWithEveryAddressListNot138()
    {
        _net.Time.Advance(TimeSpan.FromDays(15));
        await P2.AddMailboxAsync("bea", "Bea");
        await P2CycleAsync();
        var po3 = await _net.AddRequestorAsync("NET/PO3");
        await po3.AddMailboxAsync("cy", "Cy");

        var t1 = await po3.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        await po3.ReceiveAndImportAsync();

        Assert.Equal(2, (await _net.ServerStateAsync()).PurgedThrough);
        Assert.Equal(["ReqTx R=1 (was 0), S=0, I=0 1 sent"], t1.Lines);
        Assert.Equal(["NET/PO3: SrvTx R=1 S=4 (was 0) I=0 3 sent (import reply)"], sent.Lines);
        Assert.Equal(["ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2", "cy@NET/PO3"], await po3.OwnersAsync());
        Assert.Equal((1L, 4L, null), ((await po3.StateAsync()).ReqSync, (await po3.StateAsync()).SrvSync, (await po3.StateAsync()).LastServerError));
    }

    [Fact]
    public async Task Receive_ResentMessage_SkipsTheTransactionsAlreadyTakenIn()
    {
        await P1.AddMailboxAsync("al", "Al");
        await P1.AddMailboxAsync("amy", "Amy");
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        File.Delete(Assert.Single(Directory.GetFiles(P1.Inbox, "*.dsm")));
        await P1.AddMailboxAsync("abe", "Abe");

        var t1 = await P1.SendAsync();
        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal(["ReqTx R=4 (was 1), S=2, I=0 3 sent"], t1.Lines);
        Assert.Equal(["NET/PO1: ReqTx R=4 (was 1), S=2, I=0 3 sent; 1 new, 2 already taken in, 0 refused"], received.Lines);
        Assert.Equal(1, received.Updates);
        Assert.Equal(["3 NET/PO1 Add al", "4 NET/PO1 Add amy", "5 NET/PO1 Add abe"], (await _net.MasterLogAsync()).Skip(2));
        Assert.Equal(4, (await _net.RegisteredAsync(Po1)).ReqSync);
        Assert.Equal(
            "SrvRx received 1 updates from NET/PO1 (2 already taken in); master log now ends at 5",
            (await HubNetwork.EventsAsync(_net.Server, EventCodes.Received))[^1].Message);
    }

    [Fact]
    public async Task Receive_Echo_TrimsExactlyTheAcknowledgedTransactions()
    {
        await P1.AddMailboxAsync("al", "Al");
        await P1.AddMailboxAsync("amy", "Amy");
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();

        // A change made and sent before the reply to the first message arrives.
        await P1.AddMailboxAsync("abe", "Abe");
        await P1.SendAsync();
        Assert.Equal(["2 Add al", "3 Add amy", "4 Add abe"], await P1.OutboxAsync());

        var first = await P1.ReceiveAsync();

        Assert.Equal(["NET/HUB: SrvTx R=3 S=4 (was 2) I=0 0 sent"], first.Lines);
        Assert.Equal(["4 Add abe"], await P1.OutboxAsync());
        Assert.Equal((3L, 4L), ((await P1.StateAsync()).ReqSync, (await P1.StateAsync()).NextTransaction));

        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        var second = await P1.ReceiveAsync();

        Assert.Equal(["NET/HUB: SrvTx R=4 S=5 (was 2) I=0 0 sent"], second.Lines);
        Assert.Empty(await P1.OutboxAsync());
        Assert.Equal((4L, 5L), ((await P1.StateAsync()).ReqSync, (await P1.StateAsync()).SrvSync));
    }

    [Fact]
    public async Task Cycle_ReplyLost_NextCycleResendsWithoutADuplicate()
    {
        await P1.AddMailboxAsync("al", "Al");
        await P2.AddMailboxAsync("bea", "Bea");
        await P1.SendAsync();
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        File.Delete(Assert.Single(Directory.GetFiles(P1.Inbox, "*.dsm")));
        await P2.ReceiveAndImportAsync();
        Assert.Equal(["2 Add al"], await P1.OutboxAsync());

        await P1.SendAsync();
        await P2.SendAsync();
        var received = await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        await P1.ReceiveAndImportAsync();
        await P2.ReceiveAndImportAsync();

        Assert.Equal(
            ["NET/PO1: ReqTx R=2 (was 1), S=2, I=0 1 sent; 0 new, 1 already taken in, 0 refused", "NET/PO2: ReqTx R=2 (was 2), S=4, I=0 0 sent; 0 new, 0 already taken in, 0 refused"],
            received.Lines);
        Assert.Equal(["NET/PO1: SrvTx R=2 S=4 (was 2) I=0 1 sent", "NET/PO2: SrvTx R=2 S=4 (was 4) I=0 0 sent"], sent.Lines);
        Assert.Equal(["1 NET/PO1 Add ann", "2 NET/PO2 Add bob", "3 NET/PO1 Add al", "4 NET/PO2 Add bea"], await _net.MasterLogAsync());
        Assert.Equal(["al@NET/PO1", "ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2"], await P1.OwnersAsync());
        Assert.Equal(["al@NET/PO1", "ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2"], await P2.OwnersAsync());
        Assert.Empty(await P1.OutboxAsync());
    }

    [Fact]
    public async Task Receive_LateCopyOfAReply_IsSkipped()
    {
        await P2.SetDisplayNameAsync("bob", "Bob Old");
        await P1.SendAsync();
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        var reply = Assert.Single(Directory.GetFiles(P1.Inbox, "*.dsm"));
        var copy = _net.Folder.File("late-copy.dsm");
        File.Copy(reply, copy);
        await P1.ReceiveAndImportAsync();
        await P2.ReceiveAndImportAsync();
        await P2.SetDisplayNameAsync("bob", "Bob New");
        await _net.CycleAsync();

        File.Move(copy, Path.Combine(P1.Inbox, "late-copy.dsm"));
        var late = await P1.ReceiveAsync();
        await P1.ImportAsync();

        Assert.Equal(["NET/HUB: SrvTx R=1 S=3 (was 2) I=0 0 sent (late copy, skipped)"], late.Lines);
        Assert.Equal((1, 0L), (late.Messages, late.Updates));
        Assert.Equal("bob | Bob New | custom-recipient | Postoffices/NET/PO2 | SMTP:bob@PO2.Corp.com | NET/PO2", (await P1.EntriesAsync())[1]);
        Assert.Equal(4, (await P1.StateAsync()).SrvSync);
    }

    [Fact]
    public async Task ServerCycle_RunTwice_SecondRunTakesInAndSendsNothing()
    {
        await P1.AddMailboxAsync("al", "Al");
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        var state = await _net.ServerStateAsync();

        var received = await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();

        Assert.Equal((0, 0L, 0), (received.Messages, received.Updates, received.Rejected));
        Assert.Equal((0, 0L), (sent.Messages, sent.Updates));
        Assert.Equal(state, await _net.ServerStateAsync());
        Assert.Single(HubNetwork.Waiting(P1.Inbox));
        Assert.Empty(HubNetwork.Waiting(P2.Inbox));
    }

    [Fact]
    public async Task Cycle_T1ArrivingAfterT2_IsAnsweredAtTheNextT2()
    {
        await P1.AddMailboxAsync("al", "Al");
        await P2.AddMailboxAsync("bea", "Bea");
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        var first = await _net.Hub.SendAsync();

        await P2.SendAsync();
        Assert.Empty(HubNetwork.Waiting(P2.Inbox));
        await _net.Hub.ReceiveAsync();
        var second = await _net.Hub.SendAsync();
        await P1.ReceiveAndImportAsync();
        await P2.ReceiveAndImportAsync();

        Assert.Equal(["NET/PO1: SrvTx R=2 S=3 (was 2) I=0 0 sent"], first.Lines);
        Assert.Equal(["NET/PO2: SrvTx R=2 S=4 (was 2) I=0 1 sent"], second.Lines);
        Assert.Equal(["al@NET/PO1", "ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2"], await P2.OwnersAsync());
        Assert.Equal(["al@NET/PO1", "ann@NET/PO1", "bob@NET/PO2"], await P1.OwnersAsync());
        Assert.Equal((3L, 3L), ((await _net.ServerStateAsync()).Cycle, (await _net.RegisteredAsync(Po2)).LastCycle));
    }

    [Fact]
    public async Task Cycle_T3BeforeT2_ReceivesNothingAndKeepsTheOutbox()
    {
        await P1.AddMailboxAsync("al", "Al");
        await P1.SendAsync();
        var before = await P1.EntriesAsync();

        var received = await P1.ReceiveAsync();
        var imported = await P1.ImportAsync();

        Assert.Equal((0, 0L, 0), (received.Messages, received.Updates, received.Rejected));
        Assert.Equal(0L, imported.Updates);
        Assert.Equal(["2 Add al"], await P1.OutboxAsync());
        Assert.Equal((1L, 2L, 2L), ((await P1.StateAsync()).ReqSync, (await P1.StateAsync()).NextTransaction, (await P1.StateAsync()).SrvSync));
        Assert.Equal(before, await P1.EntriesAsync());
        Assert.Single(HubNetwork.Waiting(_net.ServerInbox));
    }

    /// <summary>One cycle for NET/PO2 alone: NET/PO1 stays idle.</summary>
    private async Task P2CycleAsync()
    {
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        await P2.ReceiveAndImportAsync();
    }
}
