using DirSync.Core.Admin;
using DirSync.Core.Events;
using DirSync.Core.Gal;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>A requestor postoffice: sends its local changes to the server (T1), takes in replies and imports them (T3).</summary>
/// <remarks>
/// <para>Local changes are found through the store's USNs and queued as numbered transactions
/// (REQTRANS); each message sends everything above the ReqSync the server last acknowledged, so
/// a lost message is simply sent again. A reply echoes the ReqSync the server took in — only then
/// are those transactions dropped — and carries the new SrvSync, which the next message reports
/// back as the acknowledgement of the reply.</para>
/// <para>Replies are queued for import (SRVTRANS) unless the requestor applies them as they arrive,
/// as Exchange's directory exchange agent did.</para>
/// </remarks>
public sealed class Requestor
{
    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the requestor role of <paramref name="store"/>.</summary>
    public Requestor(IDirectoryStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Told how many updates have been applied so far, as receive, import or a resync goes (a progress indicator); may be null.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>Makes this store a requestor, or changes its settings (its numbers are kept).</summary>
    /// <param name="name">This postoffice's name.</param>
    /// <param name="inbox">Its inbound drop folder; null with <paramref name="serverUrl"/>.</param>
    /// <param name="serverInbox">The server's inbound drop folder; null with <paramref name="serverUrl"/>.</param>
    /// <param name="password">The password registered on the server; null keeps the current one.</param>
    /// <param name="addressType">Which address of a foreign entry becomes its target; null keeps the current one.</param>
    /// <param name="applyOnReceive">Apply replies as they arrive; null keeps the current setting.</param>
    /// <param name="deleteLimit">The delete guard's limit for the server's updates: a number, or "default"; null keeps the current one.</param>
    /// <param name="relay">Also send what this store imported by its instances; null keeps the current setting.</param>
    /// <param name="serverUrl">The URL of the server's <c>dirsync serve</c>, instead of drop folders: messages are posted to it and replies fetched from it.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<RequestorState> EnableAsync(
        string name, string? inbox, string? serverInbox, string? password, string? addressType, bool? applyOnReceive, string? deleteLimit = null,
        bool? relay = null, string? serverUrl = null, CancellationToken cancellationToken = default)
    {
        PostofficeName.Validate(name);
        DropFolder? own = null, server = null;
        Uri? url = null;
        if (serverUrl is not null)
        {
            if (inbox is not null || serverInbox is not null)
            {
                throw new InvalidValueException("a requestor with --server-url fetches its replies from the server: give no --inbox or --server-inbox with it");
            }

            url = HubClient.ParseServerUrl(serverUrl);
        }
        else if (inbox is null || serverInbox is null)
        {
            throw new InvalidValueException("give --inbox and --server-inbox (drop folders), or --server-url (the server's 'dirsync serve')");
        }
        else
        {
            own = new DropFolder(inbox);
            server = new DropFolder(serverInbox);
        }

        if (addressType is not null && !ProxyAddress.IsValidType(addressType))
        {
            throw new InvalidValueException($"invalid address type '{addressType}': use letters and digits, such as SMTP or MS");
        }

        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        if (own is not null && await HubSettings.ServerAsync(transaction, cancellationToken) is { } hub && DropFolder.SamePath(hub.Inbox, own.Path))
        {
            throw DirSyncServer.SharedInbox(own.Path, "this store's dir-sync server inbox", name);
        }

        var current = await HubSettings.RequestorAsync(transaction, cancellationToken);
        if (current is not null && !PostofficeName.Same(current.Name, name))
        {
            throw new InvalidValueException($"this store is already requestor {current.Name}; a postoffice cannot be renamed in Dir-Sync (the others would see duplicates)");
        }

        var moved = current is not null && ServerMoved(current, server?.Path, url?.AbsoluteUri);
        var state = (current ?? new RequestorState { Name = name, Inbox = own?.Path, ServerInbox = server?.Path, Key = "" }) with
        {
            Inbox = own?.Path,
            ServerInbox = server?.Path,
            ServerUrl = url?.AbsoluteUri,
            Key = password is not null || current is null ? HubKey.Derive(name, password) : current.Key,
            AddressType = addressType?.ToUpperInvariant() ?? current?.AddressType ?? "SMTP",
            ApplyOnReceive = applyOnReceive ?? current?.ApplyOnReceive ?? false,
            DeleteLimit = deleteLimit is null ? current?.DeleteLimit : DeleteGuard.ParseLimit(deleteLimit),
            Relay = relay ?? current?.Relay ?? false,

            // Pointed at another server (one that took the role over): its name and store are learned from its first
            // reply, whose proof only a server holding this requestor's key can make.
            ServerName = moved ? null : current?.ServerName,
            ServerIdentity = moved ? null : current?.ServerIdentity,

            // What T1 sends changed: the server gets the whole list once, so it adds what is now sent and deletes what is not.
            ExportPending = (current?.ExportPending ?? false) || (current is not null && relay is { } r && r != current.Relay),
        };
        await HubSettings.SaveAsync(transaction, state, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return state;
    }

    private static bool ServerMoved(RequestorState current, string? serverInbox, string? serverUrl) =>
        (current.ServerInbox is null ? serverInbox is not null : serverInbox is null || !DropFolder.SamePath(current.ServerInbox, serverInbox))
        || !string.Equals(current.ServerUrl, serverUrl, StringComparison.Ordinal);

    /// <summary>The requestor's numbers (the original's <c>LISTDS -R</c>).</summary>
    public async Task<(RequestorState State, long Outbox, long Inbound)> StatusAsync(CancellationToken cancellationToken = default)
    {
        var state = await HubSettings.RequestorAsync(_store, cancellationToken) ?? throw NotRequestor();
        var outbox = (await _store.GetQueueBoundsAsync(HubSettings.Outbox, cancellationToken)).Count;
        var inbound = (await _store.GetQueueBoundsAsync(HubSettings.Inbound, cancellationToken)).Count;
        return (state, outbox, inbound);
    }

    /// <summary>Makes the next message ask the server for every address list (an Import).</summary>
    public async Task RequestImportAsync(CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireAsync(transaction, cancellationToken);
        await HubSettings.SaveAsync(transaction, state with { ImportRequested = true, ImpSync = state.ImpSync + 1 }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Resets this requestor's sync numbers on purpose (MS Mail's <c>LISTDS -R -Z</c>), with the full exchange that implies.</summary>
    /// <remarks>
    /// ReqSync and SrvSync go back to 0, what was queued either way is dropped, the next T1 sends the whole local list (an
    /// Export) and asks for every address list (an Import). The messages that follow carry a new generation, which the
    /// server takes only once it has reset this requestor too (<c>server reset-requestor</c>), and replies written before
    /// the reset are set aside: the import reply supersedes them.
    /// </remarks>
    public async Task<RequestorState> ResetAsync(CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireAsync(transaction, cancellationToken);
        await transaction.TrimQueueAsync(HubSettings.Outbox, long.MaxValue, cancellationToken);
        await transaction.TrimQueueAsync(HubSettings.Inbound, long.MaxValue, cancellationToken);
        state = state with
        {
            ReqSync = 0,
            SrvSync = 0,
            NextTransaction = 0,
            ExportThrough = 0,
            FullBatchFirst = 0,
            FullBatchLast = 0,
            ExportPending = true,
            ImportRequested = true,
            ImpSync = state.ImpSync + 1,
            LastServerError = null,
            Generation = state.Generation + 1,
            ResetAt = DirSyncServer.WholeSeconds(_time.GetUtcNow()),
        };
        await HubSettings.SaveAsync(transaction, state, cancellationToken);
        await EventLog.WriteAsync(transaction, _time, EventCodes.Sent, EventSeverity.Warning,
            $"the sync numbers of {state.Name} were reset (generation {state.Generation}): the next T1 sends the whole local list and asks for every address list", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return state;
    }

    /// <summary>T1 (REQMAIN -T): queues local changes and sends every transaction not yet acknowledged, with a status report.</summary>
    /// <remarks>
    /// A transaction number, once sent, always means the same change: the message is written and flushed under a
    /// temporary name, the numbers it carries are committed, and only then is it put in the server's inbox — or
    /// posted to its <c>dirsync serve</c>, so no write lock is held while the network is waited on. A send that dies
    /// before the commit sent nothing; one that dies (or whose post fails) after it is repeated by the next send under
    /// the same numbers (the server skips what it already took in), with changes made in between queued above them.
    /// </remarks>
    /// <param name="full">Queue the whole local list (an Export): the server replaces this postoffice's entries with it.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<CycleReport> SendAsync(bool full, CancellationToken cancellationToken = default)
    {
        var transport = await RequestorTransport.OpenAsync(_store, cancellationToken);
        using var closing = transport;
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireAsync(transaction, cancellationToken);
        full |= state.ExportPending;
        var next = state.NextTransaction;
        var highest = await transaction.GetHighestUsnAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var local = full
            ? LocalListAsync(transaction, state.Relay, cancellationToken)
            : LocalChangesAsync(transaction, state.CaptureUsn, state.Relay, cancellationToken);
        await foreach (var (value, kind) in local)
        {
            var record = HubPolicies.Record(value, kind, state.Name);
            await transaction.AppendToQueueAsync(HubSettings.Outbox, new QueueEntry(++next, state.Name, now, TransactionCodec.Encode(record)), cancellationToken);
        }

        var exportThrough = full ? next : state.ExportThrough;
        state = state with { NextTransaction = next, CaptureUsn = highest, ExportThrough = exportThrough, LastSent = now, ExportPending = false };

        // An export of an empty list queues nothing, yet it is still the whole list: without the mark the
        // server would take it for an update with nothing in it, and the deletes it stands for would be lost.
        var message = new HubMessage(
            MessageKind.RequestorUpdate, Guid.NewGuid(), state.Name, state.ServerName ?? "*", state.NextTransaction, state.ReqSync, state.SrvSync, 0,
            state.ImpSync, state.ReqSync + 1, state.ImportRequested, full || exportThrough > state.ReqSync, false, null)
        {
            Generation = state.Generation,
        };
        using var file = transport.Server.Create(now);
        var count = await MessageFile.WriteAsync(
            file.Stream, _store.Info, message, message.Export ? ChangeSetMode.Full : ChangeSetMode.Incremental,
            OutboxAsync(transaction, state.ReqSync, cancellationToken), state.Key, now, cancellationToken);
        file.Flush();
        await HubSettings.SaveAsync(transaction, state, cancellationToken);
        var summary = message.Summary(count);
        await EventLog.WriteAsync(transaction, _time, EventCodes.MessageSent, EventSeverity.Information, $"sent to the server: {summary}{(message.ImportRequest ? " (asking for every address list)" : "")}", cancellationToken);
        await EventLog.WriteAsync(transaction, _time, EventCodes.Sent, EventSeverity.Information, $"ReqTx sent {count} updates", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await transaction.DisposeAsync();
        await file.DeliverAsync(cancellationToken);
        return new CycleReport { Messages = 1, Updates = count, Lines = [summary] };
    }

    /// <summary>T3 receive (REQMAIN -R): takes the server's replies; applies them at once with apply-on-receive, else queues them for import.</summary>
    /// <param name="allowDeletes">With apply-on-receive: how many deletions one reply may make beyond the delete guard's limit.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<CycleReport> ReceiveAsync(long? allowDeletes = null, CancellationToken cancellationToken = default)
    {
        var state = await HubSettings.RequestorAsync(_store, cancellationToken) ?? throw NotRequestor();
        CycleReport report;
        using (var transport = await RequestorTransport.OpenAsync(_store, cancellationToken))
        {
            report = await Inbox.ProcessAsync(
                _store, _time, transport.Replies, (claimed, _, ct) => CheckAsync(claimed, ct), (claimed, sha256, transaction, ct) => TakeInAsync(claimed, sha256, allowDeletes, transaction, ct), Inbox.Batch.None, cancellationToken);
        }

        // Exchange's agent kept the address book current as updates arrived: no T3 import or rebuild to wait for.
        // The replies applied mark the GAL stale in their own commits, so a run that died before rebuilding
        // leaves the rebuild to the next one.
        if ((await HubSettings.RequestorAsync(_store, cancellationToken))?.GalRebuildPending == true)
        {
            var rebuilt = await new GalBuilder(_time).RebuildAsync(_store, state.Name, cancellationToken: cancellationToken);
            await using (var transaction = await _store.BeginTransactionAsync(cancellationToken))
            {
                var current = await RequireAsync(transaction, cancellationToken);
                await HubSettings.SaveAsync(transaction, current with { GalRebuildPending = false }, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            report = report with { Lines = [.. report.Lines, $"GAL rebuilt: {rebuilt.Entries} entries"] };
        }

        return report;
    }

    /// <summary>T3 import (IMPORT -Q): applies the queued updates to the address lists.</summary>
    /// <param name="allowDeletes">How many deletions this import may make beyond the delete guard's limit; null for none.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<CycleReport> ImportAsync(long? allowDeletes = null, CancellationToken cancellationToken = default)
    {
        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireAsync(transaction, cancellationToken);
        var session = await BeginApplyAsync(transaction, state, "the queued updates", allowDeletes, deletes => CommandHints.RequestorImport(deletes), cancellationToken);
        long fullRecords = 0;
        if (state.FullBatchLast > 0)
        {
            // An import reply replaces the foreign lists: entries it does not hold go first, so one
            // deleted and made again at its postoffice takes the place of the old.
            var anchors = new HashSet<Guid>();
            await foreach (var entry in transaction.ReadQueueAsync(HubSettings.Inbound, state.FullBatchFirst - 1, cancellationToken))
            {
                if (entry.Number > state.FullBatchLast)
                {
                    break;
                }

                anchors.Add(TransactionCodec.Decode(entry.Payload).Anchor);
                fullRecords++;
            }

            await session.ReconcileAsync(anchors, cancellationToken);
        }

        long count = 0, last = 0;
        await foreach (var entry in transaction.ReadQueueAsync(HubSettings.Inbound, 0, cancellationToken))
        {
            await session.ApplyAsync(TransactionCodec.Decode(entry.Payload), cancellationToken);
            count++;
            last = entry.Number;
        }

        var line = $"imported {count} updates: {session.Added} added, {session.Modified} modified, {session.Deleted} deleted";
        var result = await session.CompleteAsync(
            new ApplyInput(state.FullBatchLast > 0 ? fullRecords : count),
            async (t, ct) =>
            {
                await t.TrimQueueAsync(HubSettings.Inbound, Math.Max(last, state.InboundLast), ct);
                await HubSettings.SaveAsync(t, state with { FullBatchFirst = 0, FullBatchLast = 0, LastImported = _time.GetUtcNow() }, ct);
                await EventLog.WriteAsync(t, _time, EventCodes.Imported, EventSeverity.Information, line, ct);
            },
            cancellationToken);
        return new CycleReport { Messages = 0, Updates = count, Lines = [line, .. result.Notes] };
    }

    /// <summary>Applies the server's RESYNC snapshot after the server was restored from a backup: replaces the foreign lists and resets the numbers.</summary>
    /// <param name="path">The snapshot file.</param>
    /// <param name="allowDeletes">How many deletions it may make beyond the delete guard's limit; null for none.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<CycleReport> ApplyResyncAsync(string path, long? allowDeletes = null, CancellationToken cancellationToken = default)
    {
        using (InputFile.OpenRead(path, $"the resync file '{path}'", $"make it on the server with '{CommandHints.ServerResync()}'"))
        {
            // Only checked here: a pipe or device is refused before anything waits on it.
        }

        var (message, header, checkedTrailer) = MessageFile.Inspect(path, path);
        if (message.Kind != MessageKind.Resync)
        {
            throw new DirSyncException($"'{path}' is a Dir-Sync message, not a resync snapshot; make one with '{CommandHints.ServerResync()}'", ErrorCategory.Format);
        }

        await using var transaction = await _store.BeginTransactionAsync(cancellationToken);
        var state = await RequireAsync(transaction, cancellationToken);
        if (state.ServerIdentity is { } server && server != header.Source.Identity)
        {
            throw new DirSyncException(
                $"'{path}' was made by store {header.Source.Identity} ({header.Source.DisplayName}), not by the server this requestor works with ({server})",
                ErrorCategory.Sync);
        }

        var session = await BeginApplyAsync(transaction, state, path, allowDeletes, deletes => CommandHints.RequestorApplyResync(path, deletes), cancellationToken);
        session.Verified(checkedTrailer.Sha256);
        var anchors = MessageFile.Anchors(path, path, checkedTrailer.Sha256);
        await session.ReconcileAsync(anchors, cancellationToken);
        ChangeSetTrailer applied;
        using (var reader = MessageFile.Open(path, path))
        {
            await foreach (var record in MessageFile.Records(reader).WithCancellation(cancellationToken))
            {
                await session.ApplyAsync(record, cancellationToken);
            }

            applied = reader.Trailer;
        }

        await transaction.TrimQueueAsync(HubSettings.Inbound, long.MaxValue, cancellationToken);

        // The restored server remembers lower ReqSync numbers than requestors have used; numbering
        // what is still unsent above every number it may remember makes sure it takes them in.
        var floor = Math.Max(state.ReqSync, message.ReqSync);
        if (floor > state.ReqSync)
        {
            var pending = new List<QueueEntry>();
            await foreach (var entry in transaction.ReadQueueAsync(HubSettings.Outbox, state.ReqSync, cancellationToken))
            {
                pending.Add(entry);
            }

            await transaction.TrimQueueAsync(HubSettings.Outbox, long.MaxValue, cancellationToken);
            var number = floor;
            foreach (var entry in pending)
            {
                await transaction.AppendToQueueAsync(HubSettings.Outbox, entry with { Number = ++number }, cancellationToken);
            }

            state = state with { ReqSync = floor, NextTransaction = number, ExportThrough = 0 };
        }

        state = state with
        {
            SrvSync = message.SrvSync,
            FullBatchFirst = 0,
            FullBatchLast = 0,
            ImportRequested = false,
            LastServerError = null,
            ServerName = state.ServerName ?? message.From,
            ServerIdentity = state.ServerIdentity ?? header.Source.Identity,
        };
        var line = $"applied the resync snapshot from {message.From}: {session.Added} added, {session.Modified} modified, {session.Deleted} deleted; SrvSync is now {state.SrvSync}, next transaction numbers follow {state.NextTransaction}";
        var result = await session.CompleteAsync(
            new ApplyInput(anchors.Count, applied.Sha256),
            async (t, ct) =>
            {
                await HubSettings.SaveAsync(t, state, ct);
                await EventLog.WriteAsync(t, _time, EventCodes.Imported, EventSeverity.Information, line, ct);
            },
            cancellationToken);
        var updates = result.Added + result.Modified + result.Deleted;
        if (state.ApplyOnReceive)
        {
            // Such a requestor has no T3 rebuild to wait for: its GAL follows every change it applies.
            var rebuilt = await new GalBuilder(_time).RebuildAsync(_store, state.Name, cancellationToken: cancellationToken);
            return new CycleReport { Updates = updates, Lines = [line, $"GAL rebuilt: {rebuilt.Entries} entries"] };
        }

        return new CycleReport { Updates = updates, Lines = [line] };
    }

    private async Task<Inbox.Verdict> CheckAsync(ClaimedMessage claimed, CancellationToken cancellationToken)
    {
        var state = await HubSettings.RequestorAsync(_store, cancellationToken) ?? throw NotRequestor();
        HubMessage message;
        ChangeSetHeader header;
        ChangeSetTrailer trailer;
        try
        {
            (message, header, trailer) = MessageFile.Inspect(claimed.Path, claimed.Name);
        }
        catch (InputFormatException e)
        {
            return new Inbox.Refusal(EventCodes.InvalidFormat, $"invalid Dir-Sync message: {e.Message}");
        }
        catch (DirSyncException e) when (e.Category == ErrorCategory.FileSystem && File.Exists(claimed.Path))
        {
            // An unreadable message is set aside like a malformed one, so it cannot stop every later receive.
            return new Inbox.Refusal(EventCodes.InvalidFormat, $"unreadable Dir-Sync message: {e.Message}");
        }

        if (message.Kind != MessageKind.ServerReply)
        {
            return new Inbox.Refusal(EventCodes.InvalidFormat, $"a requestor takes server replies, and {claimed.Name} is not one");
        }

        if (state.ResetAt is { } reset && header.Created < reset)
        {
            return new Inbox.Refusal(EventCodes.Replayed, $"a reply from {message.From} written before {state.Name}'s sync numbers were reset; the import the reset asked for supersedes it");
        }

        if (!PostofficeName.Same(message.To, state.Name))
        {
            return new Inbox.Refusal(EventCodes.NotAddressedHere, $"a reply addressed to {message.To} arrived at {state.Name}");
        }

        if (!HubKey.Verify(state.Key, trailer.Sha256, trailer.Proof))
        {
            return new Inbox.Refusal(EventCodes.BadPassword, $"invalid Dir-Sync password in a reply from {message.From}: the proof does not match this requestor's password");
        }

        if (state.ServerIdentity is { } server && server != header.Source.Identity)
        {
            return new Inbox.Refusal(EventCodes.NotAddressedHere, $"a reply from store {header.Source.Identity} ({header.Source.DisplayName}) is not from this requestor's server ({server})");
        }

        return Inbox.Verdict.Accept(trailer.Sha256);
    }

    private async Task<Inbox.Outcome> TakeInAsync(ClaimedMessage claimed, string verifiedSha256, long? allowDeletes, IDirectoryTransaction transaction, CancellationToken cancellationToken)
    {
        using var reader = MessageFile.Open(claimed.Path, claimed.Name);
        var message = HubMessage.Parse(reader.Header, claimed.Name);
        var state = await RequireAsync(transaction, cancellationToken);

        // The echo acknowledges what the server took in: those transactions can go.
        var acknowledged = Math.Max(state.ReqSync, Math.Min(message.ReqSync, state.NextTransaction));
        await transaction.TrimQueueAsync(HubSettings.Outbox, acknowledged, cancellationToken);
        state = state with
        {
            ReqSync = acknowledged,
            ExportThrough = state.ExportThrough <= acknowledged ? 0 : state.ExportThrough,
            ServerName = state.ServerName ?? message.From,
            ServerIdentity = state.ServerIdentity ?? reader.Header.Source.Identity,
            LastReceived = _time.GetUtcNow(),
            LastServerError = message.Error?.ToString(),
        };

        // A reply no newer than what was already received is a late copy: a later reply covered its updates.
        // One that starts where it ends, at this requestor's SrvSync, is an up-to-date reply with nothing new.
        var stale = (message.SrvSync < state.SrvSync || (message.SrvSync == state.SrvSync && message.SrvSyncWas < message.SrvSync))
            && !(message.ImportReply && state.ImportRequested);
        long taken = 0;
        if (message.Error is null && !stale)
        {
            if (state.ApplyOnReceive)
            {
                taken = await ApplyAsync(transaction, state, reader, message.ImportReply, claimed, verifiedSha256, allowDeletes, cancellationToken);
            }
            else
            {
                (taken, state) = await QueueAsync(transaction, state, reader, message.ImportReply, cancellationToken);
                if (reader.Trailer.Sha256 != verifiedSha256)
                {
                    throw new DirSyncException(
                        $"'{claimed.Name}' changed while it was being applied: it is not the content that was checked; nothing was applied, run again",
                        ErrorCategory.FileSystem);
                }
            }

            state = state with
            {
                SrvSync = message.SrvSync,
                ImportRequested = state.ImportRequested && !message.ImportReply,
                GalRebuildPending = state.GalRebuildPending || (state.ApplyOnReceive && taken > 0),
            };
        }

        await HubSettings.SaveAsync(transaction, state, cancellationToken);
        var summary = message.Summary(taken);
        if (message.Error is { } error)
        {
            await EventLog.WriteAsync(transaction, _time, error.Code, EventSeverity.Error, $"the server reports: {error}", cancellationToken);
        }

        await EventLog.WriteAsync(transaction, _time, EventCodes.MessageReceived, EventSeverity.Information, $"received from {message.From}: {summary}{(stale ? " (a late copy; its updates were already received)" : "")}", cancellationToken);
        await EventLog.WriteAsync(transaction, _time, EventCodes.Received, EventSeverity.Information,
            $"ReqRx received {taken} updates{(state.ApplyOnReceive ? " and applied them" : " for import")}", cancellationToken);
        return new Inbox.Outcome(taken, $"{message.From}: {summary}{(message.ImportReply ? " (import reply)" : "")}{(stale ? " (late copy, skipped)" : "")}", message.Error is null ? null : $"the server reports: {message.Error}");
    }

    private async Task<long> ApplyAsync(
        IDirectoryTransaction transaction, RequestorState state, IChangeSetReader reader, bool full, ClaimedMessage claimed, string verifiedSha256, long? allowDeletes,
        CancellationToken cancellationToken)
    {
        // The transaction goes on after the session (the reply's numbers are saved in it), so the session must not own it.
        var session = await BeginApplyAsync(transaction, state, $"reply {claimed.Name}", allowDeletes, deletes => CommandHints.RequestorReceive(deletes), cancellationToken);
        session.Verified(verifiedSha256);
        if (full)
        {
            await session.ReconcileAsync(MessageFile.Anchors(claimed.Path, claimed.Name, verifiedSha256), cancellationToken);
        }

        long count = 0;
        await foreach (var record in MessageFile.Records(reader).WithCancellation(cancellationToken))
        {
            await session.ApplyAsync(record, cancellationToken);
            count++;
        }

        await session.CheckAsync(new ApplyInput(count, reader.Trailer.Sha256), cancellationToken);
        return count;
    }

    private async Task<(long Count, RequestorState State)> QueueAsync(
        IDirectoryTransaction transaction, RequestorState state, IChangeSetReader reader, bool full, CancellationToken cancellationToken)
    {
        if (full)
        {
            // A full reply replaces the foreign lists, so anything still queued before it is moot.
            await transaction.TrimQueueAsync(HubSettings.Inbound, long.MaxValue, cancellationToken);
        }

        var next = state.InboundLast;
        var first = next + 1;
        var now = _time.GetUtcNow();
        await foreach (var record in MessageFile.Records(reader).WithCancellation(cancellationToken))
        {
            await transaction.AppendToQueueAsync(HubSettings.Inbound, new QueueEntry(++next, record.Owner ?? "", now, TransactionCodec.Encode(record)), cancellationToken);
        }

        return (next - state.InboundLast, state with
        {
            InboundLast = next,
            FullBatchFirst = full ? first : state.FullBatchFirst,
            FullBatchLast = full ? Math.Max(next, first) : state.FullBatchLast,
        });
    }

    private static async IAsyncEnumerable<(DirectoryObject Value, ChangeKind Kind)> LocalChangesAsync(
        IDirectoryReader reader, long watermark, bool relay, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var value in reader.GetChangesSinceAsync(watermark, cancellationToken))
        {
            if (HubPolicies.Sends(value, relay) && ChangeClassifier.Classify(value, watermark) is { } kind)
            {
                yield return (value, kind);
            }
        }
    }

    private static async IAsyncEnumerable<(DirectoryObject Value, ChangeKind Kind)> LocalListAsync(
        IDirectoryReader reader, bool relay, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var value in reader.ListAsync(RecipientFilter.All, cancellationToken))
        {
            if (HubPolicies.Sends(value, relay))
            {
                yield return (value, ChangeKind.Add);
            }
        }
    }

    private static async IAsyncEnumerable<ChangeRecord> OutboxAsync(
        IDirectoryReader reader, long acknowledged, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in reader.ReadQueueAsync(HubSettings.Outbox, acknowledged, cancellationToken))
        {
            yield return TransactionCodec.Decode(entry.Payload);
        }
    }

    /// <summary>An apply session for the server's updates, with this requestor's policy and delete guard.</summary>
    private Task<ApplySession> BeginApplyAsync(
        IDirectoryTransaction transaction, RequestorState state, string what, long? allowDeletes, Func<long, string> retry, CancellationToken cancellationToken) =>
        ApplySession.BeginAsync(
            _store,
            transaction,
            HubPolicies.Requestor(state),
            new ApplySessionOptions
            {
                Input = what,
                Source = "the dir-sync server",
                RaiseLimit = CommandHints.RequestorDeleteLimit(),
                Retry = retry,
                BlockedEvent = (reason, deletes) => $"{what} held back: {reason} (run '{retry(deletes)}' to let it through)",
                DeleteLimit = state.DeleteLimit,
                AllowDeletes = allowDeletes,
                Progress = Progress,
            },
            _time,
            cancellationToken);

    private static async ValueTask<RequestorState> RequireAsync(IDirectoryReader reader, CancellationToken cancellationToken) =>
        await HubSettings.RequestorAsync(reader, cancellationToken) ?? throw NotRequestor();

    private static DirSyncException NotRequestor() =>
        new($"this store is not a Dir-Sync requestor; enable it with '{CommandHints.RequestorEnable()}'", ErrorCategory.InvalidValue);
}
