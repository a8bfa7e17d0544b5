using DirSync.Core;
using DirSync.Core.Hub;

namespace DirSync.Tests.Hub;

/// <summary>Setting the roles up: the server and the requestors (the server's own included) each read a folder of their own.</summary>
public sealed class HubSetupTests : IAsyncLifetime
{
    private HubNetwork _net = null!;

    public async ValueTask InitializeAsync() => _net = await HubNetwork.CreateAsync();

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private static string Shared(string folder, string whose) =>
        $"'{folder}' is {whose}; the server and requestor NET/HUB each need a folder of their own, or the server would claim the replies to NET/HUB and refuse them as misdirected";

    [Fact]
    public async Task EnableRequestor_OnTheServerStoreWithTheServersInbox_IsRefused()
    {
        var error = await Assert.ThrowsAsync<InvalidValueException>(() =>
            new Requestor(_net.Server, _net.Time).EnableAsync(HubNetwork.ServerName, _net.ServerInbox, _net.ServerInbox, "pw", null, false));

        Assert.Equal(Shared(_net.ServerInbox, "this store's dir-sync server inbox"), error.Message);
        Assert.Null(await HubSettings.RequestorAsync(_net.Server));
    }

    [Fact]
    public async Task AddRequestor_WithTheServersInbox_IsRefused()
    {
        var error = await Assert.ThrowsAsync<InvalidValueException>(() => _net.Hub.AddRequestorAsync(HubNetwork.ServerName, _net.ServerInbox + "/", "pw"));

        Assert.Equal(Shared(_net.ServerInbox + "/", "the dir-sync server's inbox"), error.Message);
        Assert.Empty((await _net.Hub.StatusAsync()).Requestors);
    }

    [Fact]
    public async Task EnableServer_WithItsOwnRequestorsInbox_IsRefused()
    {
        var own = await _net.AddRequestorAsync(HubNetwork.ServerName);

        var error = await Assert.ThrowsAsync<InvalidValueException>(() => _net.Hub.EnableAsync(own.Inbox, null, null));

        Assert.Equal(Shared(own.Inbox, "this store's requestor inbox"), error.Message);
        Assert.Equal(_net.ServerInbox, (await _net.ServerStateAsync()).Inbox);
    }

    [Fact]
    public async Task AddRequestor_AgainWithoutAPassword_KeepsTheKeyAndChangesTheRest()
    {
        var po1 = await _net.AddRequestorAsync("NET/PO1");
        var key = (await _net.RegisteredAsync("NET/PO1")).Key;
        await po1.AddMailboxAsync("ann", "Ann");

        // As the delete guard's message suggests, to raise the limit: no password given.
        var registered = await _net.Hub.AddRequestorAsync("NET/PO1", po1.Inbox, null, deleteLimit: "50");
        await po1.SendAsync();
        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal((key, 50L), (registered.Key, registered.DeleteLimit));
        Assert.Equal((1, 0), (received.Messages, received.Rejected));
        Assert.NotEqual(key, (await _net.Hub.AddRequestorAsync("NET/PO1", po1.Inbox, "new password")).Key);
    }

    [Fact]
    public async Task Cycle_ServerAsItsOwnRequestorWithFoldersOfTheirOwn_SurvivesAnArrivalPollBetweenT2AndT3()
    {
        var own = await _net.AddRequestorAsync(HubNetwork.ServerName);
        var po1 = await _net.AddRequestorAsync("NET/PO1");
        await own.AddMailboxAsync("boss", "Big Boss");
        await po1.AddMailboxAsync("ann", "Ann");
        await own.SendAsync();
        await po1.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();

        // The daemon takes in the server inbox's arrivals between scheduled runs.
        var poll = await _net.Hub.ReceiveAsync();
        await own.ReceiveAndImportAsync();

        Assert.Equal((0, 0), (poll.Messages, poll.Rejected));
        Assert.Equal(["ann@NET/PO1", "boss@NET/HUB"], await own.OwnersAsync());
        Assert.Equal(2, (await own.StateAsync()).SrvSync);
    }

    [Fact]
    public async Task DeleteLimit_Default_GoesBackToTheDefaultOnBothSides()
    {
        var po1 = await _net.AddRequestorAsync("NET/PO1");
        await _net.Hub.AddRequestorAsync("NET/PO1", po1.Inbox, null, deleteLimit: "50");
        await new Requestor(po1.Store, _net.Time).EnableAsync("NET/PO1", po1.Inbox, _net.ServerInbox, null, null, null, deleteLimit: "60");

        var registered = await _net.Hub.AddRequestorAsync("NET/PO1", po1.Inbox, null, deleteLimit: "default");
        var state = await new Requestor(po1.Store, _net.Time).EnableAsync("NET/PO1", po1.Inbox, _net.ServerInbox, null, null, null, deleteLimit: "default");

        Assert.Null(registered.DeleteLimit);
        Assert.Null(state.DeleteLimit);
        Assert.Null((await HubSettings.RegisteredAsync(_net.Server, "NET/PO1"))!.DeleteLimit);
    }
}
