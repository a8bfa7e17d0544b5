using DirSync.Core;
using DirSync.Core.Events;
using DirSync.Core.Hub;

namespace DirSync.Tests.Hub;

/// <summary>Removing a requestor: its entries go here at once and everywhere at the next cycle, and it is a stranger afterwards.</summary>
public sealed class RemoveRequestorTests : IAsyncLifetime
{
    private const string Po1 = "NET/PO1";
    private const string Po2 = "NET/PO2";
    private const string HubName = HubNetwork.ServerName;

    private HubNetwork _net = null!;

    private Postoffice Hq => _net[HubName];

    private Postoffice P1 => _net[Po1];

    private Postoffice P2 => _net[Po2];

    /// <summary>NET/HUB (its own requestor) with boss, NET/PO1 with ann, NET/PO2 with bob and bea, after one cycle.</summary>
    public async ValueTask InitializeAsync()
    {
        _net = await HubNetwork.CreateAsync();
        await _net.AddRequestorAsync(HubName);
        await _net.AddRequestorAsync(Po1);
        await _net.AddRequestorAsync(Po2);
        await Hq.AddMailboxAsync("boss", "Big Boss");
        await P1.AddMailboxAsync("ann", "Ann");
        await P2.AddMailboxAsync("bob", "Bob");
        await P2.AddMailboxAsync("bea", "Bea");
        await _net.CycleAsync();
    }

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task RemoveRequestor_Registered_DeletesItsEntriesHereAndLogsTheDeletes()
    {
        var deleted = await _net.Hub.RemoveRequestorAsync(Po2);

        Assert.Equal(2, deleted);
        Assert.Equal(["ann@NET/PO1", "boss@NET/HUB"], await Hq.OwnersAsync());
        Assert.Equal(["5 NET/PO2 Delete bea", "6 NET/PO2 Delete bob"], (await _net.MasterLogAsync()).Skip(4));
        Assert.Equal(6, (await _net.ServerStateAsync()).Sync);
        Assert.Equal([HubName, Po1], (await _net.Hub.StatusAsync()).Requestors.Select(r => r.Name));
        Assert.Equal(
            "requestor NET/PO2 removed; 2 of its entries deleted here and queued as deletes for the other requestors",
            (await HubNetwork.EventsAsync(_net.Server, EventCodes.Sent))[^1].Message);
    }

    [Fact]
    public async Task RemoveRequestor_NextCycle_DeletesItsEntriesEverywhereElse()
    {
        await _net.Hub.RemoveRequestorAsync(Po2);

        await Hq.SendAsync();
        await P1.SendAsync();
        await _net.Hub.ReceiveAsync();
        var sent = await _net.Hub.SendAsync();
        await Hq.ReceiveAndImportAsync();
        await P1.ReceiveAndImportAsync();

        Assert.Equal(["NET/HUB: SrvTx R=1 S=6 (was 4) I=0 2 sent", "NET/PO1: SrvTx R=1 S=6 (was 4) I=0 2 sent"], sent.Lines);
        Assert.Equal(["ann@NET/PO1", "boss@NET/HUB"], await Hq.OwnersAsync());
        Assert.Equal(["ann@NET/PO1", "boss@NET/HUB"], await P1.OwnersAsync());

        // The removed postoffice is left as it was: nobody writes to it any more.
        Assert.Equal(["ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2", "boss@NET/HUB"], await P2.OwnersAsync());
        Assert.Empty(HubNetwork.Waiting(P2.Inbox));
    }

    [Fact]
    public async Task Receive_MessageFromARemovedRequestor_IsRefused158()
    {
        await _net.Hub.RemoveRequestorAsync(Po2);
        await P2.AddMailboxAsync("bo", "Bo");
        await P2.SendAsync();

        var received = await _net.Hub.ReceiveAsync();

        var reason = "158: requestor NET/PO2 is not registered; register it with 'dirsync server add-requestor NET/PO2 --inbox <dir> --password-file <path>'";
        Assert.Equal((0, 1), (received.Messages, received.Rejected));
        var file = Assert.Single(HubNetwork.FilesIn(_net.ServerInbox, "rejected"), f => f.EndsWith(".dsm", StringComparison.Ordinal));
        Assert.Equal([$"{file} refused — {reason}"], received.Errors);
        Assert.Null(await _net.Server.FindByAliasAsync("bo"));
        Assert.Single(await HubNetwork.EventsAsync(_net.Server, EventCodes.NotRegistered));
    }

    [Fact]
    public async Task RemoveRequestor_Unknown_FailsAsNotFoundAndChangesNothing()
    {
        var before = await _net.MasterLogAsync();

        var error = await Assert.ThrowsAsync<NotFoundException>(() => _net.Hub.RemoveRequestorAsync("NET/PO9"));

        Assert.Equal("requestor 'NET/PO9' does not exist; see 'dirsync server status'", error.Message);
        Assert.Equal(before, await _net.MasterLogAsync());
        Assert.Equal(3, (await _net.Hub.StatusAsync()).Requestors.Count);
    }

    [Fact]
    public async Task AddRequestor_AfterRemoval_ExportBringsItsEntriesBackEverywhere()
    {
        await _net.Hub.RemoveRequestorAsync(Po2);
        await _net.Hub.AddRequestorAsync(Po2, P2.Inbox, HubNetwork.PasswordOf(Po2));

        // Registered afresh, the server has none of its users: only its whole list (an export) brings them back.
        await Hq.SendAsync();
        await P1.SendAsync();
        var export = await P2.SendAsync(full: true);
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        foreach (var postoffice in _net.Postoffices)
        {
            await postoffice.ReceiveAndImportAsync();
        }

        Assert.Equal(["ReqTx R=4 (was 2), S=4, I=0 2 sent"], export.Lines);
        var everyone = new[] { "ann@NET/PO1", "bea@NET/PO2", "bob@NET/PO2", "boss@NET/HUB" };
        foreach (var postoffice in _net.Postoffices)
        {
            Assert.Equal(everyone, await postoffice.OwnersAsync());
        }

        Assert.Equal((4L, 8L), ((await _net.RegisteredAsync(Po2)).ReqSync, (await _net.ServerStateAsync()).Sync));
    }
}
