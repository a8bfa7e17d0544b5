using DirSync.Core.Admin;
using DirSync.Core.Events;
using DirSync.Core.Formats;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>The dir-sync server: takes in every requestor's updates (T2 receive) and replies to each with what it lacks (T2 send).</summary>
/// <remarks>
/// <para>The server is a directory like any other: it applies each requestor's updates to its own
/// store with the one apply engine, and appends them to its master log (MSTTRANS), numbered by
/// Sync. A reply to a requestor holds every master-log update above the SrvSync that requestor
/// reported, except its own; its ReqSync is echoed back as the acknowledgement.</para>
/// <para>Nothing is discarded before it is acknowledged: the requestor keeps what it sent until the
/// echo, and the master log keeps updates for Keep Updates days, so a message lost in either
/// direction is repaired by the next cycle.</para>
/// </remarks>
public sealed class DirSyncServer
{
    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the server role of <paramref name="store"/>.</summary>
    public DirSyncServer(IDirectoryStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many requestor messages <see cref="ReceiveAsync"/> takes in per transaction.</summary>
    /// <remarks>
    /// A commit writes back every index page its updates touched, and a message's updates land all over the
    /// indexes, so a page shared by many messages was written once per message: at 200,000 entries a commit per
    /// message was a third of the receive (docs/benchmarks.md). Each message still
    /// applies entirely or not at all (see <see cref="Inbox"/>); the time limit bounds how long other writers of
    /// the store (<c>dirsync serve</c> recording an arrival) wait for the lock.
    /// </remarks>
    internal static readonly Inbox.Batch ReceiveBatch = new(100_000, TimeSpan.FromSeconds(2));

    /// <summary>Told how many updates of a message have been applied so far, as receive goes (a progress indicator); may be null.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>Makes this store the dir-sync server, or changes its settings.</summary>
    public async Task<HubServerState> EnableAsync(string inbox, int? keepUpdatesDays, string? name, CancellationToken cancellationToken = default)
    {
        var folder = new DropFolder(inbox);
        if (keepUpdatesDays is < 1 or > 3650)
        {
            throw new InvalidValueException("--keep-updates is a number of days from 1 to 3650");
        }

        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var current = await HubSettings.ServerAsync(transaction, cancellationToken);
        var requestor = await HubSettings.RequestorAsync(transaction, cancellationToken);
        if (requestor?.Inbox is not null && DropFolder.SamePath(requestor.Inbox, folder.Path))
        {
            throw SharedInbox(folder.Path, "this store's requestor inbox", requestor.Name);
        }

        var serverName = PostofficeName.Validate(name ?? current?.Name ?? requestor?.Name ?? _store.Info.Server);
        var state = (current ?? new HubServerState { Name = serverName, Inbox = folder.Path }) with
        {
            Name = serverName,
            Inbox = folder.Path,
            KeepUpdatesDays = keepUpdatesDays ?? current?.KeepUpdatesDays ?? 14,
        };
        await HubSettings.SaveAsync(transaction, state, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return state;
    }

    /// <summary>Registers a requestor (or changes its inbox and password).</summary>
    /// <param name="name">The requestor's postoffice name.</param>
    /// <param name="inbox">Its inbound drop folder; null when it fetches its replies from <c>dirsync serve</c>, which keeps them meanwhile in <c>replies/NET.PO</c> under the server's inbox.</param>
    /// <param name="password">The password both sides agree on; only a key derived from it is kept. Null keeps the current one (none for a new requestor).</param>
    /// <param name="deleteLimit">The delete guard's limit for its updates: a number, or "default"; null keeps the current one (the default for a new requestor).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<RegisteredRequestor> AddRequestorAsync(string name, string? inbox, string? password, string? deleteLimit = null, CancellationToken cancellationToken = default)
    {
        PostofficeName.Validate(name);
        var folder = inbox is null ? null : new DropFolder(inbox);
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireServerAsync(transaction, cancellationToken);
        if (folder is not null && DropFolder.SamePath(state.Inbox, folder.Path))
        {
            throw SharedInbox(folder.Path, "the dir-sync server's inbox", name);
        }

        folder ??= HeldReplies.Create(state, name);
        var existing = await HubSettings.RegisteredAsync(transaction, name, cancellationToken);
        var registered = (existing ?? new RegisteredRequestor { Name = name, Inbox = folder.Path, Key = "" }) with
        {
            Inbox = folder.Path,
            FetchesReplies = inbox is null,
            Key = password is not null || existing is null ? HubKey.Derive(name, password) : existing.Key,
            DeleteLimit = deleteLimit is null ? existing?.DeleteLimit : DeleteGuard.ParseLimit(deleteLimit),
        };
        await HubSettings.SaveAsync(transaction, registered, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return registered;
    }

    /// <summary>Resets a requestor's numbers here (MS Mail's deleting and re-creating its record), keeping its entries; its next message starts afresh.</summary>
    /// <remarks>
    /// The server forgets what it took in from the requestor and replied to it, and answers its next message with every
    /// address list. Messages written before the reset are refused from then on, and a message from a requestor whose
    /// own numbers were reset (<c>requestor reset</c>) is accepted once, with its new generation.
    /// </remarks>
    public async Task<RegisteredRequestor> ResetRequestorAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        await RequireServerAsync(transaction, cancellationToken);
        var registered = await HubSettings.RegisteredAsync(transaction, name, cancellationToken)
            ?? throw new NotFoundException("requestor", name, $"see '{CommandHints.ServerStatus()}'");
        registered = registered with
        {
            ReqSync = 0,
            SrvSync = 0,
            ReportedSrvSync = 0,
            ImportRequested = true,
            ReplyPending = false,
            LastMessageId = null,
            ForeignPurgedThrough = null,
            ResetAt = WholeSeconds(_time.GetUtcNow()),
        };
        await HubSettings.SaveAsync(transaction, registered, cancellationToken);
        await EventLog.WriteAsync(transaction, _time, EventCodes.Received, EventSeverity.Warning,
            $"the sync numbers of requestor {registered.Name} were reset here; its entries stay, and its next message is answered with every address list", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return registered;
    }

    /// <summary>Removes a requestor and deletes its entries here; the deletes reach every other requestor at the next cycle.</summary>
    /// <param name="name">The requestor postoffice.</param>
    /// <param name="dryRun">Do everything and count it, then leave the store as it was.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>How many of its entries were (or would be) deleted.</returns>
    public async Task<int> RemoveRequestorAsync(string name, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireServerAsync(transaction, cancellationToken);
        var registered = await HubSettings.RegisteredAsync(transaction, name, cancellationToken)
            ?? throw new NotFoundException("requestor", name, $"see '{CommandHints.ServerStatus()}'");
        var entries = new List<DirectoryObject>();
        await foreach (var value in transaction.ListAsync(new RecipientFilter(OriginSource: HubPolicies.SourceKey), cancellationToken))
        {
            if (PostofficeName.Same(value.Origin!.ImportedFrom, registered.Name))
            {
                entries.Add(value);
            }
        }

        var sync = state.Sync;
        foreach (var value in entries)
        {
            await transaction.DeleteAsync(value.Guid, cancellationToken);
            var record = new ChangeRecord(ChangeKind.Delete, value.Origin!.Anchor, value.Alias, value.Container) { Owner = registered.Name };
            await transaction.AppendToQueueAsync(HubSettings.MasterLog, new QueueEntry(++sync, registered.Name, _time.GetUtcNow(), TransactionCodec.Encode(record)), cancellationToken);
        }

        await HubSettings.RemoveRegisteredAsync(transaction, registered.Name, cancellationToken);
        await HubSettings.SaveAsync(transaction, state with { Sync = sync }, cancellationToken);
        await EventLog.WriteAsync(transaction, _time, EventCodes.Sent, EventSeverity.Information,
            $"requestor {registered.Name} removed; {entries.Count} of its entries deleted here and queued as deletes for the other requestors", cancellationToken);
        if (!dryRun)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return entries.Count;
    }

    /// <summary>The server's numbers and each requestor's.</summary>
    public async Task<ServerStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var state = await HubSettings.ServerAsync(_store, cancellationToken) ?? throw NotServer();
        var (first, _, count) = await _store.GetQueueBoundsAsync(HubSettings.MasterLog, cancellationToken);
        return new ServerStatus(state, await HubSettings.RegisteredAsync(_store, cancellationToken), count, first);
    }

    /// <summary>T2 receive (SRVMAIN -R): takes every waiting requestor message into the store and the master log.</summary>
    /// <param name="allowDeletes">How many deletions one message may make beyond the delete guard's limit; null for none.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<CycleReport> ReceiveAsync(long? allowDeletes = null, CancellationToken cancellationToken = default)
    {
        var state = Active(await HubSettings.ServerAsync(_store, cancellationToken));
        return await Inbox.ProcessAsync(
            _store,
            _time,
            new DropFolder(state.Inbox),
            (claimed, reader, ct) => CheckAsync(claimed, state.Name, reader, ct, readRecords: false),
            (claimed, sha256, transaction, ct) => TakeInAsync(claimed, sha256, allowDeletes, transaction, ct),
            ReceiveBatch,
            cancellationToken,
            (transaction, refusal, ct) => RecordRefusalAsync(transaction, _time, refusal.Sender, refusal.Code, refusal.Reason, ct));
    }

    /// <summary>T2 send (SRVMAIN -T): replies to each requestor whose message arrived with the updates it lacks.</summary>
    public async Task<CycleReport> SendAsync(CancellationToken cancellationToken = default)
    {
        var state = await PurgeAsync(cancellationToken);
        var lines = new List<string>();
        var errors = new List<string>();
        var sent = 0;
        long updates = 0;
        var requestors = await HubSettings.RegisteredAsync(_store, cancellationToken);

        // Each reply records the cycle it belongs to, and the cycle is counted after the last reply: a run that
        // died in between left requestors marked with a cycle not yet counted, and this run completes it.
        var unfinished = requestors.Any(r => r.LastCycle > state.Cycle);
        foreach (var registered in requestors)
        {
            if (!registered.ReplyPending)
            {
                continue;
            }

            try
            {
                var (count, line) = await ReplyAsync(registered.Name, state.Cycle + 1, cancellationToken);
                sent++;
                updates += count;
                lines.Add(line);
            }
            catch (DirSyncException e)
            {
                errors.Add($"{registered.Name}: {e.Message}");
                await EventLog.WriteAloneAsync(_store, _time, EventCodes.Sent, EventSeverity.Error, $"could not reply to {registered.Name}: {e.Message}", cancellationToken);
            }
        }

        if (sent > 0 || unfinished)
        {
            await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
            var current = await RequireServerAsync(transaction, cancellationToken);
            await HubSettings.SaveAsync(transaction, current with { Cycle = current.Cycle + 1 }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new CycleReport { Messages = sent, Updates = updates, Lines = lines, Errors = errors };
    }

    /// <summary>Writes the RESYNC snapshot: every address list and the numbers each requestor resets to after the server was restored from a backup.</summary>
    /// <returns>How many entries the snapshot holds.</returns>
    public async Task<long> ResyncAsync(string path, CancellationToken cancellationToken = default)
    {
        var state = Active(await HubSettings.ServerAsync(_store, cancellationToken));
        var registered = await HubSettings.RegisteredAsync(_store, cancellationToken);
        var message = new HubMessage(
            MessageKind.Resync, Guid.NewGuid(), state.Name, "*", registered.Count == 0 ? 0 : registered.Max(r => r.ReqSync), 0,
            state.Sync, 0, 0, 0, false, false, true, null);
        using var file = AtomicFile.Create(path);
        var count = await MessageFile.WriteAsync(file.Stream, _store.Info, message, ChangeSetMode.Full, EntriesAsync(_store, state, null, cancellationToken), null, _time.GetUtcNow(), cancellationToken);
        file.Commit();

        // Requestors that apply the snapshot number their transactions above its ReqSync: their next messages start there.
        await using (var transaction = await _store.BeginTransactionAsync(cancellationToken))
        {
            var current = await RequireServerAsync(transaction, cancellationToken);
            await HubSettings.SaveAsync(transaction, current with { ResyncFloor = Math.Max(current.ResyncFloor, message.ReqSync) }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await EventLog.WriteAloneAsync(_store, _time, EventCodes.Sent, EventSeverity.Information,
            $"resync snapshot written to {path}: {count} entries, SrvSync {state.Sync}, ReqSync {message.ReqSync}", cancellationToken);
        return count;
    }

    /// <summary>Records a refusal as the registered sender's last one (shown by the status views); nothing when the sender is not registered.</summary>
    internal static async ValueTask RecordRefusalAsync(IDirectoryTransaction transaction, TimeProvider time, string? sender, int code, string reason, CancellationToken cancellationToken)
    {
        if (sender is not null && PostofficeName.IsValid(sender) && await HubSettings.RegisteredAsync(transaction, sender, cancellationToken) is { } registered)
        {
            await HubSettings.SaveAsync(transaction, registered with { LastRefusal = new RefusalRecord(code, reason, time.GetUtcNow()) }, cancellationToken);
        }
    }

    /// <summary>The checks of a requestor's message, in the order docs/hub.md gives them; the same for a dropped message and one posted over HTTP.</summary>
    /// <param name="claimed">The message.</param>
    /// <param name="serverName">This server's postoffice name.</param>
    /// <param name="reader">Where the requestor's numbers are read: the store, or the transaction that holds the messages taken in before this one.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="readRecords">
    /// False when the message is taken in right after (a receive): its records are then read only as far as their anchors
    /// here, and what they say is checked as they are applied — a record that is not well formed refuses the message
    /// then, with the same code and reason, and nothing of it stays (see <see cref="TakeInAsync"/>). A message parsed
    /// whole here was parsed twice, a tenth of a receive. True (HTTP arrivals) reads every record before answering.
    /// </param>
    internal async Task<Inbox.Verdict> CheckAsync(ClaimedMessage claimed, string serverName, IDirectoryReader reader, CancellationToken cancellationToken, bool readRecords = true)
    {
        HubMessage message;
        ChangeSetHeader header;
        ChangeSetTrailer trailer;
        try
        {
            (message, header, trailer) = readRecords ? MessageFile.Inspect(claimed.Path, claimed.Name) : MessageFile.Verify(claimed.Path, claimed.Name);
        }
        catch (InputFormatException e)
        {
            return new Inbox.Refusal(EventCodes.InvalidFormat, InvalidMessage(e));
        }
        catch (DirSyncException e) when (e.Category == ErrorCategory.FileSystem && File.Exists(claimed.Path))
        {
            // An unreadable message is set aside like a malformed one, so it cannot stop every later receive.
            return new Inbox.Refusal(EventCodes.InvalidFormat, $"unreadable Dir-Sync message: {e.Message}");
        }

        if (message.Kind != MessageKind.RequestorUpdate)
        {
            return new Inbox.Refusal(EventCodes.InvalidFormat, $"a server takes requestor updates, and {claimed.Name} is not one");
        }

        if (message.To != "*" && !PostofficeName.Same(message.To, serverName))
        {
            return new Inbox.Refusal(EventCodes.NotAddressedHere, $"a message from {message.From} is addressed to {message.To}, not to this server ({serverName})", Sender: message.From);
        }

        var registered = await HubSettings.RegisteredAsync(reader, message.From, cancellationToken);
        if (registered is null)
        {
            return new Inbox.Refusal(EventCodes.NotRegistered, $"requestor {message.From} is not registered; register it with '{CommandHints.ServerAddRequestor(message.From)}'");
        }

        if (!HubKey.Verify(registered.Key, trailer.Sha256, trailer.Proof))
        {
            return new Inbox.Refusal(EventCodes.BadPassword, $"invalid Dir-Sync password from {message.From}: the message's proof does not match the password registered here; the administrators must agree on it ('{CommandHints.ServerAddRequestor(message.From)}' here, '{CommandHints.RequestorPassword()}' there)", Sender: message.From);
        }

        if ((registered.ResetAt is { } reset && header.Created < reset) || message.Generation < registered.Generation)
        {
            return new Inbox.Refusal(EventCodes.Replayed, $"a message from {message.From} written before its sync numbers were reset here; it is refused", Sender: message.From);
        }

        if (message.Generation > registered.Generation && registered.LastMessageId is not null)
        {
            return new Inbox.Refusal(
                EventCodes.TransactionsOutOfSequence,
                $"{message.From} reset its sync numbers (generation {message.Generation}), but this server still counts them from before (ReqSync {registered.ReqSync}) and would skip its updates as taken in; if it was reset on purpose, reset it here too with '{CommandHints.ServerResetRequestor(message.From)}', then let it send again", Sender: message.From);
        }

        if (await HubSettings.ServerAsync(reader, cancellationToken) is { } server && OutOfSequence(message, trailer.Records, registered, server) is { } jump)
        {
            return new Inbox.Refusal(EventCodes.TransactionsOutOfSequence, jump);
        }

        if (registered.LastMessageId == message.Id.ToString("D"))
        {
            // Left in processing/ by a run that committed it and died before removing it: done, not replayed.
            return claimed.Leftover
                ? new Inbox.Refusal(EventCodes.Received, "already taken in by a run that stopped before removing it; removed", AlreadyTakenIn: true)
                : new Inbox.Refusal(EventCodes.Replayed, $"message {message.Id} from {message.From} was already taken in; a replayed copy is refused", Sender: message.From);
        }

        return Inbox.Verdict.Accept(trailer.Sha256, registered.Name);
    }

    /// <summary>Why a message's transaction numbers cannot be taken in, or null when they can.</summary>
    /// <remarks>
    /// Numbers at or below the last one taken in are skipped as old, so a message that jumped far ahead would make
    /// the server skip its sender's later updates for good. A message's numbers are therefore bound: they run
    /// from its first number one by one through its records to its last (the ReqSync it declares), and the first
    /// may lie beyond the last number taken in only by as much as a server restored from a copy has lost (what the
    /// requestor received beyond the end of the log) or up to the floor a resync snapshot set. The first message
    /// after a requestor is registered sets where its numbers stand.
    /// </remarks>
    private static string? OutOfSequence(HubMessage message, long records, RegisteredRequestor registered, HubServerState server)
    {
        if (message.FirstTransaction < 1 || message.ReqSync != message.FirstTransaction - 1 + records)
        {
            return $"the message from {message.From} declares transactions {message.FirstTransaction} to {message.ReqSync} but holds {records} record{(records == 1 ? "" : "s")}: its numbers are not its own; nothing of it was taken in";
        }

        if (registered.LastMessageId is null)
        {
            // Nothing taken in from it since it was registered (afresh, after a removal): its first message says where its numbers stand.
            return null;
        }

        var lost = Math.Max(0, message.SrvSync - server.Sync);
        var ceiling = Math.Max(registered.ReqSync + Math.Min(lost, long.MaxValue - registered.ReqSync), server.ResyncFloor);
        if (message.FirstTransaction - 1 > ceiling)
        {
            return $"the message from {message.From} starts at transaction {message.FirstTransaction}, but the last taken in is {registered.ReqSync}: transactions {registered.ReqSync + 1} to {message.FirstTransaction - 1} never arrived, and taking it in would make the server skip {message.From}'s later updates; nothing of it was taken in";
        }

        return null;
    }

    private static string InvalidMessage(InputFormatException e) => $"invalid Dir-Sync message: {e.Message}";

    /// <summary>Takes one checked message in; a record that is not well formed refuses the whole message as the check would have.</summary>
    /// <exception cref="MessageRefusedException">A record of the message is not well formed (the transaction holds part of it: the caller rolls it back).</exception>
    private async Task<Inbox.Outcome> TakeInAsync(ClaimedMessage claimed, string verifiedSha256, long? allowDeletes, IDirectoryTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            return await TakeInCheckedAsync(claimed, verifiedSha256, allowDeletes, transaction, cancellationToken);
        }
        catch (InputFormatException e)
        {
            throw new MessageRefusedException(EventCodes.InvalidFormat, InvalidMessage(e));
        }
    }

    private async Task<Inbox.Outcome> TakeInCheckedAsync(ClaimedMessage claimed, string verifiedSha256, long? allowDeletes, IDirectoryTransaction transaction, CancellationToken cancellationToken)
    {
        using var file = MessageFile.Open(claimed.Path, claimed.Name);

        // Parsing and hashing the message overlap with applying it, on the other core.
        using var reader = new ReadAheadChangeSetReader(file);
        var message = HubMessage.Parse(reader.Header, claimed.Name);
        var state = await RequireServerAsync(transaction, cancellationToken);
        var registered = (await HubSettings.RegisteredAsync(transaction, message.From, cancellationToken))!;
        var ownRequestor = await HubSettings.RequestorAsync(transaction, cancellationToken);
        var own = PostofficeName.Same(message.From, ownRequestor?.Name);
        var policy = HubPolicies.Server(registered.Name, own, ownRequestor?.AddressType ?? "SMTP", ownRequestor?.Name ?? state.Name);
        var session = await ApplySession.BeginAsync(
            _store,
            transaction,
            policy,
            new ApplySessionOptions
            {
                Input = claimed.Name,
                Source = registered.Name,
                RaiseLimit = CommandHints.ServerRequestorDeleteLimit(registered.Name),
                Retry = CommandHints.ServerReceiveAllowingDeletes,
                BlockedEvent = (reason, deletes) => $"message {claimed.Name} from {registered.Name} was held back: {reason} (run '{CommandHints.ServerReceiveAllowingDeletes(deletes)}' to let it through)",
                OwnedFilter = new RecipientFilter(OriginSource: HubPolicies.SourceKey, ImportedFrom: registered.Name),
                DeleteLimit = registered.DeleteLimit,
                AllowDeletes = allowDeletes,
                Progress = Progress,
            },
            _time,
            cancellationToken);
        session.Verified(verifiedSha256);

        // Every update taken in goes to the master log, numbered by Sync, for the other requestors.
        var sync = state.Sync;
        async ValueTask LogAsync(ChangeRecord record)
        {
            record.Owner = registered.Name;
            await transaction.AppendToQueueAsync(HubSettings.MasterLog, new QueueEntry(++sync, registered.Name, _time.GetUtcNow(), TransactionCodec.Encode(record)), cancellationToken);
        }

        long taken = 0, old = 0;
        if (message.Export && !own)
        {
            // A whole list: what the requestor no longer has goes first, so an entry it deleted and made
            // again (a new anchor, the same name and address) takes the place of the old one.
            var anchors = MessageFile.Anchors(claimed.Path, claimed.Name, verifiedSha256);
            foreach (var gone in await session.ReconcileAsync(anchors, cancellationToken))
            {
                await LogAsync(new ChangeRecord(ChangeKind.Delete, gone.Origin!.Anchor, gone.Alias, gone.Container));
                taken++;
            }
        }
        else if (message.Export)
        {
            session.MarkFull();
        }

        var number = message.FirstTransaction - 1;
        await foreach (var record in MessageFile.Records(reader).WithCancellation(cancellationToken))
        {
            if (++number <= registered.ReqSync)
            {
                // Already taken in from an earlier message whose acknowledgement the requestor has not seen.
                old++;
                continue;
            }

            var applied = await session.ApplyAsync(record, cancellationToken);
            if (applied.Refused)
            {
                await EventLog.WriteAsync(transaction, _time, EventCodes.NotOwner, EventSeverity.Error, $"{EventCodes.NotOwner}: {applied.Reason}", cancellationToken);
                continue;
            }

            await LogAsync(record);
            taken++;
        }

        // Inbox commits, possibly with the messages after this one: the checks and the numbers are this message's.
        await session.CheckAsync(new ApplyInput(reader.Trailer.Records, reader.Trailer.Sha256), cancellationToken);
        await HubSettings.SaveAsync(transaction, state with { Sync = sync }, cancellationToken);

        // First contact is a requestor whose numbers are both still 0 — nothing of its own acknowledged,
        // nothing received — whether or not it sends users of its own in the same message.
        await HubSettings.SaveAsync(
            transaction,
            registered with
            {
                ReqSync = Math.Max(registered.ReqSync, message.ReqSync),
                ReportedSrvSync = message.SrvSync,
                ImpSync = message.ImpSync,
                ImportRequested = registered.ImportRequested || message.ImportRequest || (message.ReqSyncWas == 0 && message.SrvSync == 0),
                ReplyPending = true,
                LastUpdateReceived = _time.GetUtcNow(),
                LastMessageId = message.Id.ToString("D"),
                Generation = message.Generation,
            },
            cancellationToken);
        var summary = message.Summary(reader.Trailer.Records);
        await EventLog.WriteAsync(transaction, _time, EventCodes.MessageReceived, EventSeverity.Information, $"received from {message.From}: {summary}", cancellationToken);
        await EventLog.WriteAsync(transaction, _time, EventCodes.Received, EventSeverity.Information,
            $"SrvRx received {taken} updates from {message.From}{(old > 0 ? $" ({old} already taken in)" : "")}; master log now ends at {sync}", cancellationToken);
        return new Inbox.Outcome(taken, $"{message.From}: {message.Summary(reader.Trailer.Records)}; {taken} new, {old} already taken in, {session.Refused} refused");
    }

    private async Task<(long Count, string Line)> ReplyAsync(string name, long cycle, CancellationToken cancellationToken)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireServerAsync(transaction, cancellationToken);
        var registered = (await HubSettings.RegisteredAsync(transaction, name, cancellationToken))!;
        var folder = new DropFolder(registered.Inbox);
        HubError? error = null;
        var import = registered.ImportRequested;
        IAsyncEnumerable<ChangeRecord> records;
        if (import)
        {
            records = EntriesAsync(transaction, state, registered.Name, cancellationToken);
        }
        else if (registered.ReportedSrvSync > state.Sync)
        {
            error = new HubError(EventCodes.SyncNumberBeyondLog, $"{registered.Name} reports SrvSync {registered.ReportedSrvSync} but the master log ends at {state.Sync}: the server was restored from an older copy. Recover: on every requestor '{CommandHints.RequestorSendFull()}', let one T2 run, then '{CommandHints.ServerResync()}' here and '{CommandHints.RequestorApplyResync("<file>")}' on each requestor");
            records = Empty();
        }
        else if (registered.ReportedSrvSync < (registered.ForeignPurgedThrough ?? state.PurgedThrough))
        {
            error = new HubError(EventCodes.MissingTransactions, $"missing transactions {registered.ReportedSrvSync + 1} to {registered.ForeignPurgedThrough ?? state.PurgedThrough} for {registered.Name}: they were purged after {state.KeepUpdatesDays} days (Keep Updates). Recover: on {registered.Name} run '{CommandHints.RequestorRequestImport()}' and let the next cycle complete");
            records = Empty();
        }
        else
        {
            records = LogAsync(transaction, registered.ReportedSrvSync, registered.Name, cancellationToken);
        }

        var newSrvSync = error is null ? state.Sync : registered.ReportedSrvSync;
        var message = new HubMessage(
            MessageKind.ServerReply, Guid.NewGuid(), state.Name, registered.Name, registered.ReqSync, 0, newSrvSync, registered.ReportedSrvSync,
            registered.ImpSync, 0, false, false, import, error);
        var count = await MessageFile.DeliverAsync(folder, _store.Info, message, import ? ChangeSetMode.Full : ChangeSetMode.Incremental, records, registered.Key, _time.GetUtcNow(), cancellationToken);
        await HubSettings.SaveAsync(
            transaction,
            registered with { SrvSync = newSrvSync, ReplyPending = false, ImportRequested = false, LastCycle = cycle },
            cancellationToken);
        var summary = message.Summary(count);
        if (error is not null)
        {
            await EventLog.WriteAsync(transaction, _time, error.Code, EventSeverity.Error, error.ToString(), cancellationToken);
        }

        await EventLog.WriteAsync(transaction, _time, EventCodes.MessageSent, EventSeverity.Information, $"sent to {registered.Name}: {summary}{(import ? " (import reply: every address list)" : "")}", cancellationToken);
        await EventLog.WriteAsync(transaction, _time, EventCodes.Sent, EventSeverity.Information, $"SrvTx sent {count} updates to {registered.Name}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (count, $"{registered.Name}: {summary}{(import ? " (import reply)" : "")}{(error is null ? "" : " — " + error)}");
    }

    /// <summary>Purges master-log updates older than Keep Updates and remembers how far the purge reached, in all and for each requestor.</summary>
    /// <remarks>
    /// The log is numbered in the order updates arrived, so what is old enough is its beginning. For each requestor the
    /// purge remembers the highest number it removed that came from another postoffice: a requestor that reports less
    /// has lost updates for good (error 138), while one whose only purged updates are its own has lost nothing.
    /// </remarks>
    private async Task<HubServerState> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireServerAsync(transaction, cancellationToken);
        var cutoff = _time.GetUtcNow() - TimeSpan.FromDays(state.KeepUpdatesDays);
        long through = 0, purged = 0;
        var highestByOrigin = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await foreach (var entry in transaction.ReadQueueAsync(HubSettings.MasterLog, 0, cancellationToken))
        {
            if (entry.Time >= cutoff)
            {
                break;
            }

            through = entry.Number;
            highestByOrigin[entry.Origin] = entry.Number;
            purged++;
        }

        if (purged > 0)
        {
            // A requestor that has no count of its own yet (registered before counts were kept) is assumed to lack everything purged before.
            var before = state.PurgedThrough;
            await transaction.TrimQueueAsync(HubSettings.MasterLog, through, cancellationToken);
            var (first, _, count) = await transaction.GetQueueBoundsAsync(HubSettings.MasterLog, cancellationToken);
            state = state with { PurgedThrough = Math.Max(state.PurgedThrough, count == 0 ? state.Sync : first - 1) };
            await HubSettings.SaveAsync(transaction, state, cancellationToken);
            foreach (var registered in await HubSettings.RegisteredAsync(transaction, cancellationToken))
            {
                var foreign = highestByOrigin.Where(o => !PostofficeName.Same(o.Key, registered.Name)).Select(o => o.Value).DefaultIfEmpty(0).Max();
                await HubSettings.SaveAsync(transaction, registered with { ForeignPurgedThrough = Math.Max(registered.ForeignPurgedThrough ?? before, foreign) }, cancellationToken);
            }

            await EventLog.WriteAsync(transaction, _time, EventCodes.Sent, EventSeverity.Information,
                $"purged {purged} updates older than {state.KeepUpdatesDays} days from the master log (through {state.PurgedThrough})", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return state;
    }

    /// <summary>Every entry the server holds, as adds, except the requestor's own (an import reply or a resync snapshot).</summary>
    private static async IAsyncEnumerable<ChangeRecord> EntriesAsync(
        IDirectoryReader reader, HubServerState state, string? except, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var own = (await HubSettings.RequestorAsync(reader, cancellationToken))?.Name;
        await foreach (var value in reader.ListAsync(RecipientFilter.All, cancellationToken))
        {
            var isHub = value.Origin?.Source == HubPolicies.SourceKey;
            if (!isHub && (value.Origin is not null || own is null))
            {
                // Only Dir-Sync entries and the server postoffice's own users take part.
                continue;
            }

            var record = HubPolicies.Record(value, own ?? state.Name);
            if (!PostofficeName.Same(record.Owner, except))
            {
                yield return record;
            }
        }
    }

    private static async IAsyncEnumerable<ChangeRecord> LogAsync(
        IDirectoryReader reader, long after, string except, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in reader.ReadQueueAsync(HubSettings.MasterLog, after, cancellationToken))
        {
            if (!PostofficeName.Same(entry.Origin, except))
            {
                yield return TransactionCodec.Decode(entry.Payload);
            }
        }
    }

    private static async IAsyncEnumerable<ChangeRecord> Empty()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    private static async ValueTask<HubServerState> RequireServerAsync(IDirectoryReader reader, CancellationToken cancellationToken) =>
        Active(await HubSettings.ServerAsync(reader, cancellationToken));

    /// <summary>The server's state when this store is a server still in charge; else the error that says what it is.</summary>
    internal static HubServerState Active(HubServerState? state) =>
        state is null ? throw NotServer()
        : state.HandedOverTo is { } successor ? throw new DirSyncException(
            $"this store handed the dir-sync server role over to {successor} on {state.HandedOverAt:yyyy-MM-dd HH:mm} UTC; it takes in and sends nothing more: point the requestors at {successor}'s inbox ('{CommandHints.RequestorEnable()}')",
            ErrorCategory.InvalidValue)
        : state;

    /// <summary>A moment at the precision a message states when it was written (whole seconds), so a message written in the same second as a reset is not taken for an older one.</summary>
    internal static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);

    /// <summary>The server and a requestor reading one folder would each claim and refuse the other's messages.</summary>
    internal static InvalidValueException SharedInbox(string folder, string whose, string requestor) =>
        new($"'{folder}' is {whose}; the server and requestor {requestor} each need a folder of their own, or the server would claim the replies to {requestor} and refuse them as misdirected");

    private static DirSyncException NotServer() =>
        new($"this store is not a dir-sync server; enable it with '{CommandHints.ServerEnable()}'", ErrorCategory.InvalidValue);
}
