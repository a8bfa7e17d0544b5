using DirSync.Core;
using DirSync.Core.Admin;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Scheduling;
using DirSync.Core.Storage;
using DirSync.Sqlite;

namespace DirSync.Tests.Scheduling;

public sealed class DaemonTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private readonly List<string> _hookCalls = [];
    private HubSites _sites = null!;

    public async ValueTask InitializeAsync() => _sites = await HubSites.CreateAsync();

    public ValueTask DisposeAsync() => _sites.DisposeAsync();

    private DateTimeOffset Now => _sites.Time.GetUtcNow();

    private Daemon NewDaemon(Func<IDirectoryStore, CancellationToken, Task<string>>? afterImport = null) =>
        new(new CycleRunner(_sites.Time, afterImport ?? RecordHook), new Scheduler(Berlin), _sites.Time);

    private Task<string> RecordHook(IDirectoryStore store, CancellationToken cancellationToken)
    {
        _hookCalls.Add(store.Info.Site);
        return Task.FromResult("GAL rebuilt (test hook)");
    }

    private Task KickAsync(IDirectoryStore store, CycleEvent @event) => ScheduleStore.KickAsync(store, @event, Now);

    private static async Task<IReadOnlyList<(int Code, string Message)>> RunEventsAsync(IDirectoryReader store) =>
        await HubSites.EventsAsync(store, EventCodes.ScheduleRan, EventCodes.ScheduleFailed, EventCodes.ScheduleMissed);

    /// <summary>A second requestor, NET/PO2 with a mailbox 'bob', registered on the server.</summary>
    private static async Task<SqliteDirectoryStore> SecondRequestorAsync(HubSites sites)
    {
        var inbox = Directory.CreateDirectory(sites.Folder.File("po2-in")).FullName;
        var store = await Support.StoreFactory.CreateAsync(sites.Folder.File("po2.db"), site: "Site2", server: "Server2", time: sites.Time);
        await new DirSyncServer(sites.Server, sites.Time).AddRequestorAsync("NET/PO2", inbox, "other");
        await new Requestor(store, sites.Time).EnableAsync("NET/PO2", inbox, sites.ServerInbox, "other", null, false);
        await new DirectoryAdmin(store, sites.Time).AddRecipientAsync(ObjectClass.Mailbox, "bob", new RecipientChanges { DisplayName = "Bob" });
        return store;
    }

    [Fact]
    public async Task RunOnceAsync_KickedT1_SendsToTheServerLogsAndClearsTheKick()
    {
        await _sites.AddMailboxAsync("alice");
        await KickAsync(_sites.Requestor, CycleEvent.T1);
        var daemon = NewDaemon();

        var runs = await daemon.RunOnceAsync(_sites.Requestor);
        var again = await daemon.RunOnceAsync(_sites.Requestor);

        var summary = "T1 (kicked): requestor send: 1 message, 1 update";
        Assert.Equal(
            [new DaemonRun(Now, CycleEvent.T1, RunReason.Kick, EventCodes.ScheduleRan, summary, ["requestor send: ReqTx R=1 (was 0), S=0, I=0 1 sent"])],
            runs,
            DaemonRunComparer.Instance);
        Assert.Empty(again);
        Assert.Equal(1, HubSites.Waiting(_sites.ServerInbox));
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Requestor));
        Assert.Equal([(EventCodes.ScheduleRan, summary)], await RunEventsAsync(_sites.Requestor));
        Assert.Equal(1, (await new Requestor(_sites.Requestor).StatusAsync()).State.NextTransaction);
    }

    [Fact]
    public async Task RunOnceAsync_KickedT2AfterT1_TakesInTheUpdateAndReplies()
    {
        await _sites.AddMailboxAsync("alice");
        await KickAsync(_sites.Requestor, CycleEvent.T1);
        await KickAsync(_sites.Server, CycleEvent.T2);
        await NewDaemon().RunOnceAsync(_sites.Requestor);

        var runs = await NewDaemon().RunOnceAsync(_sites.Server);

        var summary = "T2 (kicked): server receive: 1 message, 1 update; server send: 1 message, 0 updates";
        var run = Assert.Single(runs);
        Assert.Equal((CycleEvent.T2, RunReason.Kick, EventCodes.ScheduleRan, summary), (run.Event, run.Reason, run.Code, run.Summary));
        Assert.Equal(
            [
                "server receive: NET/PO1: ReqTx R=1 (was 0), S=0, I=0 1 sent; 1 new, 0 already taken in, 0 refused",
                "server send: NET/PO1: SrvTx R=1 S=1 (was 0) I=0 0 sent (import reply)",
            ],
            run.Lines);
        Assert.Equal(0, HubSites.Waiting(_sites.ServerInbox));
        Assert.Equal(1, HubSites.Waiting(_sites.RequestorInbox));
        Assert.Equal("alice", (await _sites.Server.FindByAliasAsync("alice"))!.Alias);
        var status = await new DirSyncServer(_sites.Server).StatusAsync();
        Assert.Equal((1, 1L), (status.Server.Cycle, status.Server.Sync));
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Server));
        Assert.Equal([(EventCodes.ScheduleRan, summary)], await RunEventsAsync(_sites.Server));
    }

    [Fact]
    public async Task RunOnceAsync_KickedT3_ReceivesImportsAndRunsTheAfterImportStep()
    {
        await using var po2 = await SecondRequestorAsync(_sites);
        await _sites.AddMailboxAsync("alice");
        await new Requestor(_sites.Requestor, _sites.Time).SendAsync(full: false);
        await new Requestor(po2, _sites.Time).SendAsync(full: false);
        await NewDaemon().RunNowAsync(_sites.Server, CycleEvent.T2);
        await KickAsync(_sites.Requestor, CycleEvent.T3);

        var run = Assert.Single(await NewDaemon().RunOnceAsync(_sites.Requestor));

        Assert.Equal(
            "T3 (kicked): requestor receive: 1 message, 1 update; requestor import: 1 update; GAL rebuilt (test hook)",
            run.Summary);
        Assert.Equal(EventCodes.ScheduleRan, run.Code);
        Assert.Equal(["Site1"], _hookCalls);
        var bob = await _sites.Requestor.FindByAliasAsync("bob");
        Assert.Equal(("Bob", "NET/PO2"), (bob!.DisplayName, bob.Origin!.ImportedFrom));
        Assert.Equal(0, HubSites.Waiting(_sites.RequestorInbox));
    }

    [Fact]
    public async Task RunOnceAsync_ApplyOnReceiveRequestor_AppliesArrivalsAtEachPoll()
    {
        await using var sites = await HubSites.CreateAsync(applyOnReceive: true);
        await using var po2 = await SecondRequestorAsync(sites);
        var daemon = new Daemon(new CycleRunner(sites.Time, RecordHook), new Scheduler(Berlin), sites.Time);
        await new Requestor(sites.Requestor, sites.Time).SendAsync(full: false);
        await new Requestor(po2, sites.Time).SendAsync(full: false);
        await new CycleRunner(sites.Time).RunAsync(sites.Server, CycleEvent.T2);

        var runs = await daemon.RunOnceAsync(sites.Requestor);
        var idle = await daemon.RunOnceAsync(sites.Requestor);

        var run = Assert.Single(runs);
        Assert.Equal((CycleEvent.T3, RunReason.Arrival, EventCodes.ScheduleRan), (run.Event, run.Reason, run.Code));
        Assert.Equal("T3 (messages arrived): requestor receive: 1 message, 1 update", run.Summary);
        Assert.Empty(idle);

        // Applying on receive keeps the GAL current by itself; the after-import step is T3's alone.
        Assert.Empty(_hookCalls);
        var gal = new List<string>();
        await foreach (var entry in sites.Requestor.ListGalAsync())
        {
            gal.Add(entry.Alias);
        }

        Assert.Contains("bob", gal);
        Assert.Equal("NET/PO2", (await sites.Requestor.FindByAliasAsync("bob"))!.Origin!.ImportedFrom);
        Assert.Equal(1, (await new Requestor(sites.Requestor).StatusAsync()).State.SrvSync);
        Assert.Equal(0, HubSites.Waiting(sites.RequestorInbox));
    }

    [Fact]
    public async Task RunOnceAsync_ServerWithArrivals_TakesThemInButRepliesOnlyAtT2()
    {
        await _sites.AddMailboxAsync("alice");
        await new Requestor(_sites.Requestor, _sites.Time).SendAsync(full: false);
        var daemon = NewDaemon();

        var arrival = Assert.Single(await daemon.RunOnceAsync(_sites.Server));

        Assert.Equal((CycleEvent.T2, RunReason.Arrival, EventCodes.ScheduleRan), (arrival.Event, arrival.Reason, arrival.Code));
        Assert.Equal("T2 (messages arrived): server receive: 1 message, 1 update", arrival.Summary);
        Assert.Equal(0, HubSites.Waiting(_sites.ServerInbox));
        Assert.Equal(0, HubSites.Waiting(_sites.RequestorInbox));
        Assert.NotNull(await _sites.Server.FindByAliasAsync("alice"));

        await KickAsync(_sites.Server, CycleEvent.T2);
        var t2 = Assert.Single(await daemon.RunOnceAsync(_sites.Server));

        Assert.Equal("T2 (kicked): server receive: 0 messages, 0 updates; server send: 1 message, 0 updates", t2.Summary);
        Assert.Equal(1, HubSites.Waiting(_sites.RequestorInbox));
    }

    [Fact]
    public async Task RunOnceAsync_ScheduledT1_RunsOnceAtItsTime()
    {
        // The clock starts on Thursday 10:00 in Berlin.
        await ScheduleStore.SetAsync(_sites.Requestor, Schedule.Parse(CycleEvent.T1, "daily", "10:30"), Now);
        var daemon = NewDaemon();

        var early = await daemon.RunOnceAsync(_sites.Requestor);
        _sites.Time.Advance(TimeSpan.FromMinutes(31));
        var due = await daemon.RunOnceAsync(_sites.Requestor);
        _sites.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await daemon.RunOnceAsync(_sites.Requestor);

        Assert.Empty(early);
        var run = Assert.Single(due);
        Assert.Equal((RunReason.Schedule, EventCodes.ScheduleRan), (run.Reason, run.Code));
        Assert.Equal("T1 (scheduled for Thu 2026-01-15 10:30 +01:00): requestor send: 1 message, 0 updates", run.Summary);
        Assert.Empty(after);
        Assert.Equal(1, HubSites.Waiting(_sites.ServerInbox));
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero), await ScheduleStore.LastAsync(_sites.Requestor, CycleEvent.T1));
    }

    [Fact]
    public async Task RunOnceAsync_WindowPassed_LogsTheMissOnceAndRunsNothing()
    {
        await ScheduleStore.SetAsync(_sites.Requestor, Schedule.Parse(CycleEvent.T1, "daily", "10:30", 10), Now);
        _sites.Time.Advance(TimeSpan.FromHours(1));
        var daemon = NewDaemon();

        var missed = Assert.Single(await daemon.RunOnceAsync(_sites.Requestor));
        var again = await daemon.RunOnceAsync(_sites.Requestor);

        Assert.Equal((CycleEvent.T1, RunReason.Schedule, EventCodes.ScheduleMissed), (missed.Event, missed.Reason, missed.Code));
        Assert.StartsWith("T1 missed its run of Thu 2026-01-15 10:30 +01:00: nothing started it within its 10-minute window", missed.Summary, StringComparison.Ordinal);
        Assert.Empty(again);
        Assert.Equal(0, HubSites.Waiting(_sites.ServerInbox));
        Assert.Equal([(EventCodes.ScheduleMissed, missed.Summary)], await RunEventsAsync(_sites.Requestor));
    }

    [Fact]
    public async Task RunOnceAsync_KickedAndDueInOnePoll_RunsOnceAndSettlesBoth()
    {
        await ScheduleStore.SetAsync(_sites.Requestor, Schedule.Parse(CycleEvent.T1, "daily", "10:30"), Now);
        _sites.Time.Advance(TimeSpan.FromMinutes(45));
        await KickAsync(_sites.Requestor, CycleEvent.T1);

        var run = Assert.Single(await NewDaemon().RunOnceAsync(_sites.Requestor));

        Assert.Equal(RunReason.Kick, run.Reason);
        Assert.Equal("T1 (kicked; also scheduled for Thu 2026-01-15 10:30 +01:00): requestor send: 1 message, 0 updates", run.Summary);
        Assert.Equal(1, HubSites.Waiting(_sites.ServerInbox));
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Requestor));
        Assert.Empty(await new Scheduler(Berlin).DueAsync(_sites.Requestor, Now));
    }

    [Fact]
    public async Task RunOnceAsync_OneEventFails_LogsItAndRunsTheNext()
    {
        await KickAsync(_sites.Requestor, CycleEvent.T1);
        await KickAsync(_sites.Requestor, CycleEvent.T3);
        Directory.Delete(_sites.ServerInbox);

        var runs = await NewDaemon().RunOnceAsync(_sites.Requestor);

        var failed = $"T1 (kicked) failed: the drop folder '{_sites.ServerInbox}' does not exist; create it (or point the setting at the right folder)";
        var ran = "T3 (kicked): requestor receive: 0 messages, 0 updates; requestor import: 0 updates; GAL rebuilt (test hook)";
        Assert.Equal([(EventCodes.ScheduleFailed, failed), (EventCodes.ScheduleRan, ran)], runs.Select(r => (r.Code, r.Summary)));
        Assert.Equal([(EventCodes.ScheduleFailed, failed), (EventCodes.ScheduleRan, ran)], await RunEventsAsync(_sites.Requestor));
        Assert.Equal(EventSeverity.Error, (await _sites.Requestor.ListEventsAsync(100)).Single(e => e.Code == EventCodes.ScheduleFailed).Severity);
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Requestor));
        Assert.Equal(0, (await new Requestor(_sites.Requestor).StatusAsync()).State.NextTransaction);
    }

    [Fact]
    public async Task RunOnceAsync_AfterImportStepFails_LogsTheFailure()
    {
        await KickAsync(_sites.Requestor, CycleEvent.T3);
        var daemon = NewDaemon((_, _) => throw new DirSyncException("the GAL could not be rebuilt", ErrorCategory.Store));

        var run = Assert.Single(await daemon.RunOnceAsync(_sites.Requestor));

        Assert.Equal((EventCodes.ScheduleFailed, "T3 (kicked) failed: the GAL could not be rebuilt"), (run.Code, run.Summary));
    }

    [Fact]
    public async Task RunOnceAsync_InboxMissing_LogsOneFailureUntilItChanges()
    {
        Directory.Delete(_sites.ServerInbox);
        var daemon = NewDaemon();

        var first = await daemon.RunOnceAsync(_sites.Server);
        var second = await daemon.RunOnceAsync(_sites.Server);
        Directory.CreateDirectory(_sites.ServerInbox);
        var recovered = await daemon.RunOnceAsync(_sites.Server);
        Directory.Delete(_sites.ServerInbox, recursive: true);
        var again = await daemon.RunOnceAsync(_sites.Server);

        var failure = $"T2 (messages arrived) failed: the inbox could not be read: the drop folder '{_sites.ServerInbox}' does not exist; create it (or point the setting at the right folder)";
        Assert.Equal([(CycleEvent.T2, RunReason.Arrival, EventCodes.ScheduleFailed, failure)], first.Select(r => (r.Event, r.Reason, r.Code, r.Summary)));
        Assert.Empty(second);
        Assert.Empty(recovered);
        Assert.Single(again);
        Assert.Equal([(EventCodes.ScheduleFailed, failure), (EventCodes.ScheduleFailed, failure)], await RunEventsAsync(_sites.Server));
    }

    [Fact]
    public async Task RunOnceAsync_KickForARoleTheStoreNoLongerHas_FailsAndIsCleared()
    {
        await using (var transaction = await _sites.Server.BeginTransactionAsync())
        {
            await transaction.SetSettingAsync("kick.T1", "2026-01-15T09:00:00.0000000+00:00");
            await transaction.CommitAsync();
        }

        var run = Assert.Single(await NewDaemon().RunOnceAsync(_sites.Server));

        Assert.Equal(EventCodes.ScheduleFailed, run.Code);
        Assert.Equal("T1 (kicked) failed: this store is not a Dir-Sync requestor; enable it with 'dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir>'", run.Summary);
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Server));
    }

    [Fact]
    public async Task RunNowAsync_Event_RunsHereAndClearsAWaitingKick()
    {
        await KickAsync(_sites.Requestor, CycleEvent.T1);
        var logged = new List<DaemonRun>();
        var daemon = new Daemon(new CycleRunner(_sites.Time), new Scheduler(Berlin), _sites.Time) { RunLogged = logged.Add };

        var run = await daemon.RunNowAsync(_sites.Requestor, CycleEvent.T1);

        Assert.Equal((RunReason.Kick, EventCodes.ScheduleRan, "T1 (kicked): requestor send: 1 message, 0 updates"), (run.Reason, run.Code, run.Summary));
        Assert.Equal([run], logged);
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Requestor));
        Assert.Equal(1, HubSites.Waiting(_sites.ServerInbox));
        Assert.Empty(await NewDaemon().RunOnceAsync(_sites.Requestor));
    }

    [Fact]
    public async Task RunNowAsync_StepFails_LogsTheFailureThenThrowsIt()
    {
        await KickAsync(_sites.Requestor, CycleEvent.T1);
        Directory.Delete(_sites.ServerInbox);
        var logged = new List<DaemonRun>();
        var daemon = new Daemon(new CycleRunner(_sites.Time), new Scheduler(Berlin), _sites.Time) { RunLogged = logged.Add };

        var error = await Assert.ThrowsAsync<DirSyncException>(() => daemon.RunNowAsync(_sites.Requestor, CycleEvent.T1));

        var message = $"the drop folder '{_sites.ServerInbox}' does not exist; create it (or point the setting at the right folder)";
        Assert.Equal((ErrorCategory.FileSystem, message), (error.Category, error.Message));
        Assert.Equal([(EventCodes.ScheduleFailed, $"T1 (kicked) failed: {message}")], logged.Select(r => (r.Code, r.Summary)));
        Assert.Equal([(EventCodes.ScheduleFailed, $"T1 (kicked) failed: {message}")], await RunEventsAsync(_sites.Requestor));
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Requestor));
    }

    [Fact]
    public async Task RunNowAsync_EventOfARoleTheStoreLacks_IsRefusedBeforeRunning()
    {
        var error = await Assert.ThrowsAsync<InvalidValueException>(() => NewDaemon().RunNowAsync(_sites.Requestor, CycleEvent.T2));

        Assert.Equal("T2 is the dir-sync server's event and this store is not a dir-sync server; enable it with 'dirsync server enable --inbox <dir>'", error.Message);
        Assert.Empty(await RunEventsAsync(_sites.Requestor));
    }

    [Fact]
    public async Task RunAsync_Polls_OpenAndCloseTheStoreEachTime()
    {
        var opened = new List<SqliteDirectoryStore>();
        var logged = new List<DaemonRun>();
        var daemon = new Daemon(new CycleRunner(_sites.Time), new Scheduler(Berlin), _sites.Time) { RunLogged = logged.Add };
        await KickAsync(_sites.Requestor, CycleEvent.T1);

        await daemon.RunAsync(
            async cancellationToken =>
            {
                var store = await SqliteDirectoryStore.OpenAsync(_sites.RequestorPath, cancellationToken: cancellationToken);
                opened.Add(store);
                if (opened.Count == 2)
                {
                    await KickAsync(_sites.Requestor, CycleEvent.T3);
                }

                return store;
            },
            TimeSpan.Zero,
            CancellationToken.None,
            maxPolls: 3);

        Assert.Equal(3, opened.Count);
        Assert.Equal([CycleEvent.T1, CycleEvent.T3], logged.Select(r => r.Event));
        foreach (var store in opened)
        {
            // A closed SQLite connection refuses work: each poll closed the store it opened.
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.GetHighestUsnAsync());
        }
    }

    [Fact]
    public async Task RunAsync_StoreCannotBeOpened_ReportsEachDistinctFailureOnceAndCarriesOn()
    {
        var problems = new List<string>();
        var daemon = new Daemon(new CycleRunner(_sites.Time), new Scheduler(Berlin), _sites.Time) { PollFailed = problems.Add };
        var calls = 0;

        await daemon.RunAsync(
            _ => ++calls switch
            {
                <= 2 => throw new DirSyncException("the store is busy", ErrorCategory.Busy),
                _ => throw new DirSyncException("no store at 'x'", ErrorCategory.Store),
            },
            TimeSpan.Zero,
            CancellationToken.None,
            maxPolls: 4);

        Assert.Equal(4, calls);
        Assert.Equal(["a poll failed: the store is busy; trying again every 0 seconds", "a poll failed: no store at 'x'; trying again every 0 seconds"], problems);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsWithoutPolling()
    {
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();
        var calls = 0;

        await NewDaemon().RunAsync(_ => { calls++; return Task.FromResult<IDirectoryStore>(_sites.Requestor); }, TimeSpan.FromSeconds(60), stop.Token);

        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_Returns()
    {
        using var stop = new CancellationTokenSource();
        var calls = 0;

        await NewDaemon().RunAsync(
            async cancellationToken =>
            {
                calls++;
                await stop.CancelAsync();
                return await SqliteDirectoryStore.OpenAsync(_sites.RequestorPath, cancellationToken: CancellationToken.None);
            },
            TimeSpan.FromHours(1),
            stop.Token);

        Assert.Equal(1, calls);
    }

    /// <summary>Compares runs by value, their line lists included.</summary>
    private sealed class DaemonRunComparer : IEqualityComparer<DaemonRun>
    {
        public static readonly DaemonRunComparer Instance = new();

        public bool Equals(DaemonRun? x, DaemonRun? y) =>
            x is not null && y is not null && (x with { Lines = [] }) == (y with { Lines = [] }) && x.Lines.SequenceEqual(y.Lines);

        public int GetHashCode(DaemonRun obj) => obj.Summary.GetHashCode(StringComparison.Ordinal);
    }
}
