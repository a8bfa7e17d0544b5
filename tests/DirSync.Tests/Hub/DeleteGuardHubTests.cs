using DirSync.Core;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Tests.Support;

namespace DirSync.Tests.Hub;

/// <summary>The delete guard on every hub path: server receive holds the message claimed, requestor import keeps its queue, apply-on-receive holds the reply, until the deletes are allowed.</summary>
public sealed class DeleteGuardHubTests : IAsyncLifetime
{
    private const string Po1 = "NET/PO1";
    private const string Po2 = "NET/PO2";
    private const string Po3 = "NET/PO3";

    private HubNetwork _net = null!;

    private Postoffice P1 => _net[Po1];

    private Postoffice P2 => _net[Po2];

    private Postoffice P3 => _net[Po3];

    /// <summary>NET/PO1 with m01 to m12, NET/PO2 with bob, NET/PO3 (applying replies on receive) with cy, after one cycle.</summary>
    public async ValueTask InitializeAsync()
    {
        _net = await HubNetwork.CreateAsync(Po1, Po2);
        await _net.AddRequestorAsync(Po3, applyOnReceive: true);
        await P1.AddMailboxesAsync("m", 12);
        await P2.AddMailboxAsync("bob", "Bob");
        await P3.AddMailboxAsync("cy", "Cy");
        await _net.CycleAsync();
    }

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private async Task RemoveAsync(int count)
    {
        for (var n = 1; n <= count; n++)
        {
            await P1.RemoveAsync($"m{n:00}");
        }
    }

    private static string TooMany(string source, long deletes, long limit, long owned, string setting, string retry) =>
        $"the changes from {source} would delete {deletes} recipients, more than the limit of {limit} (500, or 10% of the {owned} it owns here, whichever is smaller, and at least 10); nothing was applied. If the deletes are intended, run again with '{retry}', or raise the limit with '{setting}'";

    [Fact]
    public async Task Receive_GuardHoldsAMessageBetweenOthers_TheOthersAreTakenInOnceWithoutAGapInTheLog()
    {
        var before = (await _net.ServerStateAsync()).Sync;
        await P2.SetDisplayNameAsync("bob", "Bob Two");
        await P2.SendAsync();
        _net.Time.Advance(TimeSpan.FromSeconds(1));
        await RemoveAsync(11);
        await P1.SendAsync();
        _net.Time.Advance(TimeSpan.FromSeconds(1));
        await P3.SetDisplayNameAsync("cy", "Cy Three");
        await P3.SendAsync();
        var waiting = HubNetwork.Waiting(_net.ServerInbox);
        Assert.Equal(3, waiting.Count);

        // P2's message and P1's share a transaction; P1's is held back, so P2's is taken in again on its own.
        var report = await _net.Hub.ReceiveAsync();

        Assert.Equal((2, 0, 2L), (report.Messages, report.Rejected, report.Updates));
        Assert.Equal([waiting[1]], HubNetwork.FilesIn(_net.ServerInbox, "processing"));
        Assert.Equal([$"{before + 1} {Po2} Modify bob", $"{before + 2} {Po3} Modify cy"], (await _net.MasterLogAsync()).Skip((int)before));
        Assert.Equal(before + 2, (await _net.ServerStateAsync()).Sync);
        Assert.Single(await HubNetwork.EventsAsync(_net.Server, EventCodes.DeletesBlocked));
        Assert.Equal(
            [$"SrvRx received 1 updates from {Po2}; master log now ends at {before + 1}", $"SrvRx received 1 updates from {Po3}; master log now ends at {before + 2}"],
            (await HubNetwork.EventsAsync(_net.Server, EventCodes.Received)).Select(e => e.Message).TakeLast(2));
    }

    [Fact]
    public async Task Receive_RequestorDeletingMoreThanTheLimit_IsHeldClaimedUntilAllowed()
    {
        await RemoveAsync(11);
        await P1.SendAsync();
        var file = Path.GetFileName(Assert.Single(HubNetwork.Waiting(_net.ServerInbox)));
        var snapshot = await StoreSnapshot.TakeAsync(_net.ServerPath);
        var state = await _net.ServerStateAsync();

        var blocked = await _net.Hub.ReceiveAsync();
        var again = await _net.Hub.ReceiveAsync();

        var why = TooMany(Po1, 11, 10, 12, "dirsync server add-requestor NET/PO1 --inbox <dir> --delete-limit <n>", "dirsync server receive --allow-deletes 11");
        Assert.Equal((0, 0, 0L), (blocked.Messages, blocked.Rejected, blocked.Updates));
        Assert.Equal([$"{file}: {why}"], blocked.Errors);
        Assert.Equal([$"{file}: {why}"], again.Errors);
        Assert.Equal([file], HubNetwork.FilesIn(_net.ServerInbox, "processing"));
        Assert.Empty(HubNetwork.FilesIn(_net.ServerInbox, "rejected"));
        Assert.Equal(snapshot, await StoreSnapshot.TakeAsync(_net.ServerPath));
        Assert.Equal(state, await _net.ServerStateAsync());
        Assert.False((await _net.RegisteredAsync(Po1)).ReplyPending);
        var held = $"170: message {file} from NET/PO1 was held back: {why} (run 'dirsync server receive --allow-deletes 11' to let it through)";
        Assert.Equal([(EventCodes.DeletesBlocked, held), (EventCodes.DeletesBlocked, held)], await HubNetwork.EventsAsync(_net.Server, EventCodes.DeletesBlocked));

        var allowed = await _net.Hub.ReceiveAsync(allowDeletes: 11);

        Assert.Equal((1, 11L), (allowed.Messages, allowed.Updates));
        Assert.Empty(allowed.Errors);
        Assert.Empty(HubNetwork.FilesIn(_net.ServerInbox, "processing"));
        Assert.Equal(["bob@NET/PO2", "cy@NET/PO3", "m12@NET/PO1"], await ServerOwnersAsync());
        Assert.Equal(25, (await _net.ServerStateAsync()).Sync);
    }

    [Fact]
    public async Task Receive_TenDeletes_FlowWithoutPermission()
    {
        await RemoveAsync(10);
        await P1.SendAsync();

        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal((1, 10L), (received.Messages, received.Updates));
        Assert.Empty(received.Errors);
        Assert.Equal(["bob@NET/PO2", "cy@NET/PO3", "m11@NET/PO1", "m12@NET/PO1"], await ServerOwnersAsync());
    }

    [Fact]
    public async Task Receive_LimitSetForTheRequestor_IsUsedInsteadOfTheDefault()
    {
        await _net.Hub.AddRequestorAsync(Po1, P1.Inbox, HubNetwork.PasswordOf(Po1), deleteLimit: "2");
        await RemoveAsync(3);
        await P1.SendAsync();
        var file = Path.GetFileName(Assert.Single(HubNetwork.Waiting(_net.ServerInbox)));

        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal(
            [$"{file}: the changes from NET/PO1 would delete 3 recipients, more than the limit of 2 (the limit set for it); nothing was applied. If the deletes are intended, run again with 'dirsync server receive --allow-deletes 3', or raise the limit with 'dirsync server add-requestor NET/PO1 --inbox <dir> --delete-limit <n>'"],
            received.Errors);
    }

    [Fact]
    public async Task Receive_ExportHoldingNothing_IsTakenForABrokenSource()
    {
        await RemoveAsync(12);
        await P1.SendAsync(full: true);
        var file = Path.GetFileName(Assert.Single(HubNetwork.Waiting(_net.ServerInbox)));

        var received = await _net.Hub.ReceiveAsync();

        Assert.Equal(
            [$"{file}: the full change set from NET/PO1 holds no entries, but 12 recipients here came from it: that looks like a broken source, not a request to delete them all; nothing was applied. If NET/PO1 really has none left, run again with 'dirsync server receive --allow-deletes 12'"],
            received.Errors);
        Assert.Equal(14, (await ServerOwnersAsync()).Count);

        var allowed = await _net.Hub.ReceiveAsync(allowDeletes: 12);

        Assert.Empty(allowed.Errors);
        Assert.Equal(["bob@NET/PO2", "cy@NET/PO3"], await ServerOwnersAsync());
    }

    [Fact]
    public async Task Import_ServerSendingMoreDeletesThanTheLimit_KeepsTheQueueUntilAllowed()
    {
        await RemoveAsync(11);
        await P1.SendAsync();
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync(allowDeletes: 11);
        await _net.Hub.SendAsync();
        await P2.ReceiveAsync();
        var before = await P2.EntriesAsync();

        var error = await Assert.ThrowsAsync<DirSyncException>(() => P2.ImportAsync());

        var why = TooMany("the dir-sync server", 11, 10, 13, "dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir> --delete-limit <n>", "dirsync requestor import --allow-deletes 11");
        Assert.Equal((ErrorCategory.Guard, why), (error.Category, error.Message));
        Assert.Equal(before, await P2.EntriesAsync());
        Assert.Equal(11, (await P2.Requestor.StatusAsync()).Inbound);
        Assert.Equal(
            [(EventCodes.DeletesBlocked, $"170: the queued updates held back: {why} (run 'dirsync requestor import --allow-deletes 11' to let it through)")],
            await HubNetwork.EventsAsync(P2.Store, EventCodes.DeletesBlocked));

        var imported = await P2.ImportAsync(allowDeletes: 11);

        Assert.Equal("imported 11 updates: 0 added, 0 modified, 11 deleted", imported.Lines[0]);
        Assert.Equal(["bob@NET/PO2", "cy@NET/PO3", "m12@NET/PO1"], await P2.OwnersAsync());
        Assert.Equal(0, (await P2.Requestor.StatusAsync()).Inbound);
    }

    [Fact]
    public async Task Receive_ApplyOnReceiveRequestor_HoldsTheReplyClaimedUntilAllowed()
    {
        await RemoveAsync(11);
        await P1.SendAsync();
        await P3.SendAsync();
        await _net.Hub.ReceiveAsync(allowDeletes: 11);
        await _net.Hub.SendAsync();
        var reply = Path.GetFileName(Assert.Single(HubNetwork.Waiting(P3.Inbox)));
        var before = await P3.EntriesAsync();

        var blocked = await P3.ReceiveAsync();

        var why = TooMany("the dir-sync server", 11, 10, 13, "dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir> --delete-limit <n>", "dirsync requestor receive --allow-deletes 11");
        Assert.Equal([$"{reply}: {why}"], blocked.Errors);
        Assert.Equal([reply], HubNetwork.FilesIn(P3.Inbox, "processing"));
        Assert.Equal(before, await P3.EntriesAsync());
        Assert.Equal(14, (await P3.StateAsync()).SrvSync);
        Assert.Equal(
            [(EventCodes.DeletesBlocked, $"170: reply {reply} held back: {why} (run 'dirsync requestor receive --allow-deletes 11' to let it through)")],
            await HubNetwork.EventsAsync(P3.Store, EventCodes.DeletesBlocked));

        var allowed = await P3.ReceiveAsync(allowDeletes: 11);

        Assert.Equal((1, 11L), (allowed.Messages, allowed.Updates));
        Assert.Equal(["bob@NET/PO2", "cy@NET/PO3", "m12@NET/PO1"], await P3.OwnersAsync());
        Assert.Equal(25, (await P3.StateAsync()).SrvSync);
        Assert.Equal(3, await GalCountAsync(P3));
    }

    [Fact]
    public async Task RemoveRequestor_WithManyEntries_TheOthersImportNeedsPermission()
    {
        await _net.Hub.RemoveRequestorAsync(Po1);
        await P2.SendAsync();
        await _net.Hub.ReceiveAsync();
        await _net.Hub.SendAsync();
        await P2.ReceiveAsync();

        var error = await Assert.ThrowsAsync<DirSyncException>(() => P2.ImportAsync());

        Assert.Equal(TooMany("the dir-sync server", 12, 10, 13, "dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir> --delete-limit <n>", "dirsync requestor import --allow-deletes 12"), error.Message);
        await P2.ImportAsync(allowDeletes: 12);
        Assert.Equal(["bob@NET/PO2", "cy@NET/PO3"], await P2.OwnersAsync());
    }

    private async Task<IReadOnlyList<string>> ServerOwnersAsync()
    {
        var entries = new List<string>();
        await foreach (var value in _net.Server.ListAsync(Core.Storage.RecipientFilter.All))
        {
            entries.Add($"{value.Alias}@{value.Origin?.ImportedFrom ?? "local"}");
        }

        return [.. entries.Order(StringComparer.Ordinal)];
    }

    private static async Task<int> GalCountAsync(Postoffice postoffice)
    {
        var count = 0;
        await foreach (var _ in postoffice.Store.ListGalAsync())
        {
            count++;
        }

        return count;
    }
}
