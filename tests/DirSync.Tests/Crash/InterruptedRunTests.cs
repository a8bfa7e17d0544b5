using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Tests.Scheduling;

namespace DirSync.Tests.Crash;

/// <summary>What a run that died part-way leaves behind, rebuilt by hand, and what the next run makes of it.</summary>
/// <remarks>The crash harness finds these states by killing real processes; these tests pin each one down.</remarks>
public sealed class InterruptedRunTests : IAsyncLifetime
{
    private HubSites _sites = null!;

    public async ValueTask InitializeAsync() => _sites = await HubSites.CreateAsync();

    public ValueTask DisposeAsync() => _sites.DisposeAsync();

    [Fact]
    public async Task ServerReceive_MessageLeftClaimedAfterItsCommit_IsRemovedWithoutARefusal()
    {
        await _sites.AddMailboxAsync("alice");
        await new Requestor(_sites.Requestor, _sites.Time).SendAsync(full: false);
        var message = Directory.GetFiles(_sites.ServerInbox, "*.dsm").Single();
        var copy = File.ReadAllBytes(message);
        var server = new DirSyncServer(_sites.Server, _sites.Time);
        await server.ReceiveAsync();

        // The run that took it in died after its commit, before removing it from processing/.
        var processing = Path.Combine(_sites.ServerInbox, "processing");
        File.WriteAllBytes(Path.Combine(processing, Path.GetFileName(message)), copy);
        var report = await server.ReceiveAsync();

        Assert.Equal((0, 0L, 0), (report.Messages, report.Updates, report.Rejected));
        Assert.Empty(report.Errors);
        Assert.Equal([$"{Path.GetFileName(message)}: already taken in by a run that stopped before removing it; removed"], report.Lines);
        Assert.Empty(Directory.GetFiles(processing));
        Assert.False(Directory.Exists(Path.Combine(_sites.ServerInbox, "rejected")));
        Assert.Empty(await HubSites.EventsAsync(_sites.Server, EventCodes.Replayed));
        Assert.Equal(1, (await server.StatusAsync()).Server.Sync);
    }

    [Fact]
    public async Task ServerSend_RunDiedAfterItsRepliesBeforeCountingTheCycle_NextRunCountsItOnce()
    {
        await _sites.AddMailboxAsync("alice");
        await new Requestor(_sites.Requestor, _sites.Time).SendAsync(full: false);
        var server = new DirSyncServer(_sites.Server, _sites.Time);
        await server.ReceiveAsync();
        await server.SendAsync();

        // The replies are recorded with cycle 1; the run died before counting it.
        await using (var transaction = await _sites.Server.BeginTransactionAsync())
        {
            var state = (await HubSettings.ServerAsync(transaction))!;
            await HubSettings.SaveAsync(transaction, state with { Cycle = 0 });
            await transaction.CommitAsync();
        }

        var report = await server.SendAsync();
        var again = await server.SendAsync();

        Assert.Equal((0, 0), (report.Messages, again.Messages));
        var status = await server.StatusAsync();
        Assert.Equal((1L, 1L), (status.Server.Cycle, Assert.Single(status.Requestors).LastCycle));
    }

    [Fact]
    public async Task RequestorReceive_RunDiedAfterApplyingBeforeTheGalRebuild_NextRunRebuildsItOnce()
    {
        await _sites.AddMailboxAsync("alice");

        // A reply was applied on receipt and committed; the run died before rebuilding the GAL.
        await using (var transaction = await _sites.Requestor.BeginTransactionAsync())
        {
            var state = (await HubSettings.RequestorAsync(transaction))!;
            await HubSettings.SaveAsync(transaction, state with { ApplyOnReceive = true, GalRebuildPending = true });
            await transaction.CommitAsync();
        }

        var requestor = new Requestor(_sites.Requestor, _sites.Time);
        var report = await requestor.ReceiveAsync();
        var again = await requestor.ReceiveAsync();

        Assert.Equal(["GAL rebuilt: 1 entries"], report.Lines);
        Assert.Empty(again.Lines);
        Assert.Equal(["alice"], await _sites.Requestor.ListGalAsync().Select(e => e.Alias).ToListAsync());
        Assert.False((await HubSettings.RequestorAsync(_sites.Requestor))!.GalRebuildPending);
    }
}
