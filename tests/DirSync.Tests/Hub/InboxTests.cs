using DirSync.Core;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Storage;
using DirSync.Core.Transport;
using DirSync.Tests.Support;

namespace DirSync.Tests.Hub;

/// <summary>A drop folder taken in by <see cref="Inbox"/>: claimed by rename, removed once committed, refusals set aside, and nothing outside the folder touched.</summary>
public sealed class InboxTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _time = new();
    private readonly List<string> _seen = [];
    private IDirectoryStore _store = null!;
    private string _inbox = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await StoreFactory.CreateStoreAsync(_folder.File("store.db"), time: _time);
        _inbox = Directory.CreateDirectory(_folder.File("in")).FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private DropFolder Folder => new(_inbox);

    private string Arrive(string name, string content = "message")
    {
        var path = Path.Combine(_inbox, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Messages 1.dsm to <paramref name="count"/>.dsm arrive, in that order.</summary>
    private void ArriveNumbered(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            Arrive($"{i}.dsm");
        }
    }

    private string Processing(string name) => Path.Combine(_inbox, "processing", name);

    /// <summary>Takes everything in, recording each message's name, where it was while taken in, and its content.</summary>
    private Task<CycleReport> ProcessAsync(
        Func<ClaimedMessage, Task<Inbox.Refusal?>>? check = null, Func<ClaimedMessage, Task<Inbox.Outcome>>? takeIn = null) =>
        Inbox.ProcessAsync(
            _store,
            _time,
            Folder,
            async (claimed, _, _) => await (check?.Invoke(claimed) ?? Task.FromResult<Inbox.Refusal?>(null)) is { } refusal ? refusal : Inbox.Verdict.Accept("sha"),
            async (claimed, _, _, _) =>
            {
                _seen.Add($"{claimed.Name} at {Path.GetRelativePath(_inbox, claimed.Path)}: {File.ReadAllText(claimed.Path)}");
                return takeIn is null ? new Inbox.Outcome(1, claimed.Name) : await takeIn(claimed);
            },
            Inbox.Batch.None,
            CancellationToken.None);

    /// <summary>Takes everything in with <paramref name="batch"/>: each message taken in writes an event "took NAME" through its transaction, then does what <paramref name="then"/> says.</summary>
    private Task<CycleReport> ProcessBatchedAsync(
        Inbox.Batch batch, Func<ClaimedMessage, Task>? then = null, Func<string, string?>? sender = null, List<IDirectoryTransaction>? transactions = null) =>
        Inbox.ProcessAsync(
            _store,
            _time,
            Folder,
            (claimed, _, _) => Task.FromResult(Inbox.Verdict.Accept("sha", sender?.Invoke(claimed.Name))),
            async (claimed, _, transaction, ct) =>
            {
                _seen.Add(claimed.Name);
                transactions?.Add(transaction);
                await EventLog.WriteAsync(transaction, _time, EventCodes.MessageReceived, EventSeverity.Information, $"took {claimed.Name}", ct);
                if (then is not null)
                {
                    await then(claimed);
                }

                return new Inbox.Outcome(1, claimed.Name);
            },
            batch,
            CancellationToken.None);

    private static readonly Inbox.Batch Large = new(1000, TimeSpan.FromHours(1));

    [Fact]
    public void Claim_WaitingMessages_MovesEachIntoProcessingOldestFirst()
    {
        Arrive("20260115T090002000-b.dsm");
        Arrive("20260115T090001000-a.dsm");

        var claimed = new List<string>();
        foreach (var message in Folder.Claim())
        {
            claimed.Add(message.Name);
            Assert.Equal(Processing(message.Name), message.Path);
            Assert.True(File.Exists(message.Path));
            Assert.False(File.Exists(Path.Combine(_inbox, message.Name)));
        }

        Assert.Equal(["20260115T090001000-a.dsm", "20260115T090002000-b.dsm"], claimed);
        Assert.Equal(0, Folder.Waiting());
    }

    [Fact]
    public async Task ProcessAsync_MessagesTakenIn_AreRemovedOnlyOnceTakenIn()
    {
        Arrive("1.dsm", "one");
        Arrive("2.dsm", "two");

        var report = await ProcessAsync();

        Assert.Equal(["1.dsm at processing/1.dsm: one", "2.dsm at processing/2.dsm: two"], _seen);
        Assert.Equal((2, 2L, 0), (report.Messages, report.Updates, report.Rejected));
        Assert.Equal(["1.dsm", "2.dsm"], report.Lines);
        Assert.Empty(Directory.GetFiles(_inbox, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ProcessAsync_RunDiedWhileTakingIn_NextRunTakesTheLeftoverUpFirst()
    {
        Arrive("1.dsm", "one");
        Arrive("2.dsm", "two");

        // A failure that is not the message's fault (the process dying, say) leaves the claimed message where it is.
        await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessAsync(takeIn: _ => throw new InvalidOperationException("power cut")));
        Assert.Equal(["1.dsm"], HubNetwork.FilesIn(_inbox, "processing"));
        Arrive("0.dsm", "zero");
        _seen.Clear();

        var report = await ProcessAsync();

        Assert.Equal(["1.dsm at processing/1.dsm: one", "0.dsm at processing/0.dsm: zero", "2.dsm at processing/2.dsm: two"], _seen);
        Assert.Equal(3, report.Messages);
        Assert.Empty(HubNetwork.FilesIn(_inbox, "processing"));
    }

    [Fact]
    public async Task ProcessAsync_ArrivalVanishingBeforeItsClaim_IsPassedOver()
    {
        Arrive("1.dsm", "one");
        Arrive("2.dsm", "two");

        // Another receiver claims 2.dsm while this one is busy with 1.dsm.
        var report = await ProcessAsync(takeIn: claimed =>
        {
            File.Move(Path.Combine(_inbox, "2.dsm"), _folder.File("taken-by-another.dsm"));
            return Task.FromResult(new Inbox.Outcome(1, claimed.Name));
        });

        Assert.Equal(["1.dsm at processing/1.dsm: one"], _seen);
        Assert.Equal((1, 0), (report.Messages, report.Rejected));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task ProcessAsync_LeftoverVanishingBeforeItsTurn_IsPassedOver()
    {
        Directory.CreateDirectory(Path.Combine(_inbox, "processing"));
        File.WriteAllText(Processing("1.dsm"), "one");
        File.WriteAllText(Processing("2.dsm"), "two");

        // Another receiver takes 2.dsm in and removes it while this one is busy with 1.dsm. The check reads
        // the file, as the hub's do, and fails as MessageFile does when it is gone.
        var report = await ProcessAsync(
            check: claimed => File.Exists(claimed.Path)
                ? Task.FromResult<Inbox.Refusal?>(null)
                : throw new DirSyncException($"cannot read the message '{claimed.Name}': it is gone", ErrorCategory.FileSystem),
            takeIn: claimed =>
            {
                File.Delete(Processing("2.dsm"));
                return Task.FromResult(new Inbox.Outcome(1, claimed.Name));
            });

        Assert.Equal(["1.dsm at processing/1.dsm: one"], _seen);
        Assert.Equal((1, 0), (report.Messages, report.Rejected));
        Assert.Empty(report.Errors);
    }

    [Fact]
    public async Task ProcessAsync_TemporaryFilesAndOtherNames_AreLeftAlone()
    {
        Arrive(AtomicFile.TemporaryPrefix + "3.dsm");
        Arrive("notes.txt");
        Arrive("4.dsm.part");
        Directory.CreateDirectory(Path.Combine(_inbox, "folder.dsm"));
        Directory.CreateDirectory(Path.Combine(_inbox, "sub"));
        File.WriteAllText(Path.Combine(_inbox, "sub", "5.dsm"), "nested");
        using var writing = Folder.CreateMessage(_time.GetUtcNow());
        writing.Stream.Write("half a message"u8);
        Arrive("1.dsm", "one");

        var report = await ProcessAsync();

        Assert.Equal(["1.dsm at processing/1.dsm: one"], _seen);
        Assert.Equal(1, report.Messages);
        Assert.True(File.Exists(Path.Combine(_inbox, AtomicFile.TemporaryPrefix + "3.dsm")));
        Assert.True(File.Exists(Path.Combine(_inbox, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(_inbox, "4.dsm.part")));
        Assert.True(File.Exists(Path.Combine(_inbox, "sub", "5.dsm")));
        Assert.True(File.Exists(writing.TemporaryPath));
    }

    [Fact]
    public async Task ProcessAsync_RefusedMessage_IsSetAsideWithItsReasonAndAnEventAndTheRestGoOn()
    {
        Arrive("1.dsm", "one");
        Arrive("2.dsm", "two");

        var report = await ProcessAsync(check: claimed =>
            Task.FromResult<Inbox.Refusal?>(claimed.Name == "1.dsm" ? new Inbox.Refusal(EventCodes.NotAddressedHere, "addressed elsewhere") : null));

        Assert.Equal(["2.dsm at processing/2.dsm: two"], _seen);
        Assert.Equal((1, 1), (report.Messages, report.Rejected));
        Assert.Equal(["1.dsm: refused — 154: addressed elsewhere", "2.dsm"], report.Lines);
        Assert.Equal(["1.dsm refused — 154: addressed elsewhere"], report.Errors);
        Assert.Equal(["1.dsm", "1.dsm.reason.txt"], HubNetwork.FilesIn(_inbox, "rejected"));
        Assert.Equal("one", File.ReadAllText(Path.Combine(_inbox, "rejected", "1.dsm")));
        Assert.Equal("154: addressed elsewhere" + Environment.NewLine, File.ReadAllText(Path.Combine(_inbox, "rejected", "1.dsm.reason.txt")));
        Assert.Equal(
            [(EventCodes.NotAddressedHere, "154: addressed elsewhere (message 1.dsm moved to rejected/)")],
            await HubNetwork.EventsAsync(_store, EventCodes.NotAddressedHere));
    }

    [Fact]
    public async Task ProcessAsync_TakeInFails_SetsTheMessageAsideAsInvalid()
    {
        Arrive("1.dsm", "one");

        var report = await ProcessAsync(takeIn: _ => throw new DirSyncException("it cannot be applied", ErrorCategory.Sync));

        Assert.Equal((0, 1), (report.Messages, report.Rejected));
        Assert.Equal(["1.dsm: it cannot be applied"], report.Errors);
        Assert.Equal("it cannot be applied" + Environment.NewLine, File.ReadAllText(Path.Combine(_inbox, "rejected", "1.dsm.reason.txt")));
        Assert.Equal(
            [(EventCodes.InvalidFormat, "124: message 1.dsm could not be applied and was moved to rejected/: it cannot be applied")],
            await HubNetwork.EventsAsync(_store, EventCodes.InvalidFormat));
    }

    [Fact]
    public async Task ProcessAsync_GuardStopsAMessage_LeavesItClaimedForTheNextRun()
    {
        Arrive("1.dsm", "one");
        Arrive("2.dsm", "two");

        var report = await ProcessAsync(takeIn: claimed => claimed.Name == "1.dsm"
            ? throw new DirSyncException("too many deletes", ErrorCategory.Guard)
            : Task.FromResult(new Inbox.Outcome(1, claimed.Name)));

        Assert.Equal((1, 0), (report.Messages, report.Rejected));
        Assert.Equal(["1.dsm: too many deletes"], report.Errors);
        Assert.Equal(["1.dsm"], HubNetwork.FilesIn(_inbox, "processing"));
        Assert.Empty(HubNetwork.FilesIn(_inbox, "rejected"));
    }

    [Fact]
    public async Task ProcessAsync_Batched_MessagesShareOneTransactionAndAreRemovedOnceItCommits()
    {
        ArriveNumbered(3);
        var transactions = new List<IDirectoryTransaction>();

        var report = await ProcessBatchedAsync(Large, then: claimed =>
        {
            // Nothing is removed before the commit that holds it.
            Assert.Equal(claimed.Name == "1.dsm" ? ["1.dsm"] : claimed.Name == "2.dsm" ? ["1.dsm", "2.dsm"] : ["1.dsm", "2.dsm", "3.dsm"], HubNetwork.FilesIn(_inbox, "processing"));
            return Task.CompletedTask;
        }, transactions: transactions);

        Assert.Equal(["1.dsm", "2.dsm", "3.dsm"], _seen);
        Assert.Single(transactions.Distinct());
        Assert.Equal((3, 3L, 0), (report.Messages, report.Updates, report.Rejected));
        Assert.Equal(["1.dsm", "2.dsm", "3.dsm"], report.Lines);
        Assert.Empty(Directory.GetFiles(_inbox, "*", SearchOption.AllDirectories));
        Assert.Equal(
            [(EventCodes.MessageReceived, "took 1.dsm"), (EventCodes.MessageReceived, "took 2.dsm"), (EventCodes.MessageReceived, "took 3.dsm")],
            await HubNetwork.EventsAsync(_store, EventCodes.MessageReceived));
    }

    [Fact]
    public async Task ProcessAsync_BatchReachesItsUpdates_CommitsAndBeginsAnother()
    {
        ArriveNumbered(3);
        var transactions = new List<IDirectoryTransaction>();

        await ProcessBatchedAsync(new Inbox.Batch(2, TimeSpan.FromHours(1)), transactions: transactions);

        Assert.Equal(3, transactions.Count);
        Assert.Same(transactions[0], transactions[1]);
        Assert.NotSame(transactions[1], transactions[2]);
    }

    [Fact]
    public async Task ProcessAsync_BatchOpenLongerThanItsTime_CommitsAndBeginsAnother()
    {
        ArriveNumbered(3);
        var transactions = new List<IDirectoryTransaction>();

        await ProcessBatchedAsync(
            new Inbox.Batch(1000, TimeSpan.FromSeconds(2)),
            then: claimed =>
            {
                _time.Advance(TimeSpan.FromSeconds(claimed.Name == "2.dsm" ? 2 : 1));
                return Task.CompletedTask;
            },
            transactions: transactions);

        Assert.Same(transactions[0], transactions[1]);
        Assert.NotSame(transactions[1], transactions[2]);
    }

    [Fact]
    public async Task ProcessAsync_SecondMessageOfASenderInABatch_BeginsATransactionOfItsOwn()
    {
        ArriveNumbered(3);
        var transactions = new List<IDirectoryTransaction>();

        await ProcessBatchedAsync(Large, sender: name => name == "3.dsm" ? "NET/PO2" : "NET/PO1", transactions: transactions);

        Assert.NotSame(transactions[0], transactions[1]);
        Assert.Same(transactions[1], transactions[2]);
    }

    [Fact]
    public async Task ProcessAsync_MessageFailsInABatch_TheOnesBeforeItAreTakenInOnceAndItAloneIsSetAside()
    {
        ArriveNumbered(4);

        var report = await ProcessBatchedAsync(Large, then: claimed =>
            claimed.Name == "3.dsm" ? throw new DirSyncException("it cannot be applied", ErrorCategory.Sync) : Task.CompletedTask);

        // 3.dsm's failure rolled back what 1.dsm, 2.dsm and 3.dsm had done together; 1.dsm and 2.dsm were taken in again.
        Assert.Equal(["1.dsm", "2.dsm", "3.dsm", "1.dsm", "2.dsm", "4.dsm"], _seen);
        Assert.Equal((3, 3L, 1), (report.Messages, report.Updates, report.Rejected));
        Assert.Equal(["1.dsm", "2.dsm", "4.dsm"], report.Lines);
        Assert.Equal(["3.dsm: it cannot be applied"], report.Errors);
        Assert.Equal(["3.dsm", "3.dsm.reason.txt"], HubNetwork.FilesIn(_inbox, "rejected"));
        Assert.Empty(HubNetwork.FilesIn(_inbox, "processing"));
        Assert.Equal(
            [
                (EventCodes.MessageReceived, "took 1.dsm"),
                (EventCodes.MessageReceived, "took 2.dsm"),
                (EventCodes.InvalidFormat, "124: message 3.dsm could not be applied and was moved to rejected/: it cannot be applied"),
                (EventCodes.MessageReceived, "took 4.dsm"),
            ],
            await HubNetwork.EventsAsync(_store, EventCodes.MessageReceived, EventCodes.InvalidFormat));
    }

    [Fact]
    public async Task ProcessAsync_GuardStopsAMessageInABatch_TheOnesBeforeItAreCommittedAndItStaysClaimed()
    {
        ArriveNumbered(3);

        var report = await ProcessBatchedAsync(Large, then: claimed =>
            claimed.Name == "2.dsm" ? throw new DirSyncException("too many deletes", ErrorCategory.Guard) : Task.CompletedTask);

        Assert.Equal((2, 0), (report.Messages, report.Rejected));
        Assert.Equal(["2.dsm: too many deletes"], report.Errors);
        Assert.Equal(["2.dsm"], HubNetwork.FilesIn(_inbox, "processing"));
        Assert.Equal(
            [(EventCodes.MessageReceived, "took 1.dsm"), (EventCodes.MessageReceived, "took 3.dsm")],
            await HubNetwork.EventsAsync(_store, EventCodes.MessageReceived));
    }

    [Fact]
    public async Task ProcessAsync_RunDiesInABatch_NothingOfItIsCommittedAndEveryMessageStaysClaimed()
    {
        ArriveNumbered(3);

        await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessBatchedAsync(Large, then: claimed =>
            claimed.Name == "2.dsm" ? throw new InvalidOperationException("power cut") : Task.CompletedTask));

        Assert.Equal(["1.dsm", "2.dsm"], HubNetwork.FilesIn(_inbox, "processing"));
        Assert.Empty(await HubNetwork.EventsAsync(_store, EventCodes.MessageReceived));
    }

    [Fact]
    public async Task ProcessAsync_RefusalInABatch_CommitsTheMessagesBeforeItFirst()
    {
        ArriveNumbered(3);
        var transactions = new List<IDirectoryTransaction>();

        var report = await Inbox.ProcessAsync(
            _store,
            _time,
            Folder,
            (claimed, _, _) => Task.FromResult(claimed.Name == "2.dsm" ? new Inbox.Refusal(EventCodes.NotAddressedHere, "addressed elsewhere") : Inbox.Verdict.Accept("sha")),
            async (claimed, _, transaction, ct) =>
            {
                transactions.Add(transaction);
                await EventLog.WriteAsync(transaction, _time, EventCodes.MessageReceived, EventSeverity.Information, $"took {claimed.Name}", ct);
                return new Inbox.Outcome(1, claimed.Name);
            },
            Large,
            CancellationToken.None);

        Assert.Equal((2, 1), (report.Messages, report.Rejected));
        Assert.NotSame(transactions[0], transactions[1]);
        Assert.Equal(
            [
                (EventCodes.MessageReceived, "took 1.dsm"),
                (EventCodes.NotAddressedHere, "154: addressed elsewhere (message 2.dsm moved to rejected/)"),
                (EventCodes.MessageReceived, "took 3.dsm"),
            ],
            await HubNetwork.EventsAsync(_store, EventCodes.MessageReceived, EventCodes.NotAddressedHere));
    }

    [Fact]
    public async Task ProcessAsync_LinkToAFileOutside_NeverMovesOrRemovesTheFileOutside()
    {
        var outside = _folder.File("outside.dsm");
        File.WriteAllText(outside, "precious");
        File.CreateSymbolicLink(Path.Combine(_inbox, "link.dsm"), outside);
        File.CreateSymbolicLink(Path.Combine(_inbox, "refused.dsm"), outside);

        var report = await ProcessAsync(check: claimed =>
            Task.FromResult<Inbox.Refusal?>(claimed.Name == "refused.dsm" ? new Inbox.Refusal(EventCodes.InvalidFormat, "no") : null));

        Assert.Equal((1, 1), (report.Messages, report.Rejected));
        Assert.Equal("precious", File.ReadAllText(outside));
        Assert.Equal(["refused.dsm", "refused.dsm.reason.txt"], HubNetwork.FilesIn(_inbox, "rejected"));
        Assert.Equal(outside, new FileInfo(Path.Combine(_inbox, "rejected", "refused.dsm")).LinkTarget);
        Assert.Empty(HubNetwork.FilesIn(_inbox, "processing"));
    }

    [Fact]
    public async Task ProcessAsync_OddButValidNames_StayInsideTheFolder()
    {
        Arrive("..dsm", "dots");
        Arrive("a b ü.dsm", "spaces");

        var report = await ProcessAsync(check: _ => Task.FromResult<Inbox.Refusal?>(new Inbox.Refusal(EventCodes.InvalidFormat, "no")));

        Assert.Equal(2, report.Rejected);
        Assert.Equal(["..dsm", "..dsm.reason.txt", "a b ü.dsm", "a b ü.dsm.reason.txt"], HubNetwork.FilesIn(_inbox, "rejected"));
        Assert.Equal(TestStores.OnPostgres ? ["in"] : ["in", "store.db"], Directory.EnumerateFileSystemEntries(_folder.Path).Select(Path.GetFileName).Where(n => !n!.StartsWith("store.db-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DropFolder_Missing_SaysSoAsAFileSystemError()
    {
        var missing = _folder.File("nowhere");

        var error = Assert.Throws<DirSyncException>(() => new DropFolder(missing));

        Assert.Equal((ErrorCategory.FileSystem, $"the drop folder '{missing}' does not exist; create it (or point the setting at the right folder)"), (error.Category, error.Message));
    }
}
