using DirSync.Core.Events;
using DirSync.Core.Storage;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>
/// Moves the dir-sync server role from one postoffice's store to another's: the new server carries on with the old
/// one's numbers, registrations and master log, so no postoffice is re-imported.
/// </summary>
/// <remarks>
/// <para>The new server's store must be a requestor of the old server that has received and imported everything the
/// old server's master log holds: every store keeps the hub's entries the same way (one origin key, the owner's anchor,
/// the owning postoffice), so such a requestor's directory already is the server's, but for its own users, which are
/// local objects in it as they are on any server.</para>
/// <para>The old server is marked first, in its own transaction, and takes in and sends nothing from then on; a
/// take-over interrupted after that is simply run again. Messages still in the old server's inbox, and replies it never
/// sent, are not carried over: the sync numbers have every requestor send its unacknowledged updates to the new server
/// and receive what it lacks from it, as after a lost message.</para>
/// </remarks>
public sealed class ServerHandover
{
    private readonly IDirectoryStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the handover onto <paramref name="store"/>, the store that becomes the server.</summary>
    public ServerHandover(IDirectoryStore store, TimeProvider? time = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Makes this store the dir-sync server in place of the server in <paramref name="old"/>.</summary>
    /// <param name="old">The store of the server being replaced; nothing else may be writing to it.</param>
    /// <param name="oldName">How <paramref name="old"/> is named in messages (its path or URI).</param>
    /// <param name="inbox">This store's inbound drop folder as the server.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The new server's state and how many requestors and master-log updates it took over.</returns>
    /// <exception cref="InvalidValueException">This store cannot take over: the message says why and what to do first.</exception>
    public async Task<(HubServerState State, int Requestors, long Updates)> TakeOverAsync(
        IDirectoryStore old, string oldName, string inbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(old);
        var folder = new DropFolder(inbox);
        if (old.Info.Identity == _store.Info.Identity)
        {
            throw new InvalidValueException($"'{oldName}' is this store; give the store of the server being replaced");
        }

        var requestor = await HubSettings.RequestorAsync(_store, cancellationToken)
            ?? throw new InvalidValueException($"this store is no requestor: only a requestor of the server that has received everything can take it over; enable it with '{CommandHints.RequestorEnable()}' and run a cycle first");
        if (await HubSettings.ServerAsync(_store, cancellationToken) is { } already)
        {
            throw new InvalidValueException($"this store is already a dir-sync server ({already.Name})");
        }

        if (requestor.Inbox is not null && DropFolder.SamePath(requestor.Inbox, folder.Path))
        {
            throw DirSyncServer.SharedInbox(folder.Path, "this store's requestor inbox", requestor.Name);
        }

        var pending = (await _store.GetQueueBoundsAsync(HubSettings.Inbound, cancellationToken)).Count;
        if (pending > 0)
        {
            throw new InvalidValueException($"{requestor.Name} has {pending} received updates not yet imported; run '{CommandHints.RequestorImport()}' first");
        }

        HubServerState oldState;
        IReadOnlyList<RegisteredRequestor> registered;
        var log = new List<QueueEntry>();
        await using (var transaction = await old.BeginTransactionAsync(cancellationToken))
        {
            oldState = await HubSettings.ServerAsync(transaction, cancellationToken)
                ?? throw new InvalidValueException($"'{oldName}' is not a dir-sync server");
            if (oldState.HandedOverTo is not null && oldState.HandedOverStore != _store.Info.Identity)
            {
                throw new InvalidValueException($"'{oldName}' already handed the server role over to {oldState.HandedOverTo} (store {oldState.HandedOverStore})");
            }

            if (!PostofficeName.Same(requestor.ServerName, oldState.Name))
            {
                throw new InvalidValueException(
                    $"{requestor.Name} is a requestor of {requestor.ServerName ?? "no server yet"}, not of {oldState.Name}; only a requestor of that server that has received everything can take it over");
            }

            if (requestor.SrvSync != oldState.Sync)
            {
                throw new InvalidValueException(
                    $"{requestor.Name} has received the master log up to {requestor.SrvSync}, but {oldState.Name}'s ends at {oldState.Sync}: run a last cycle (T1, T2, T3) so it holds everything, then take over");
            }

            registered = await HubSettings.RegisteredAsync(transaction, cancellationToken);
            if (!registered.Any(r => PostofficeName.Same(r.Name, requestor.Name)))
            {
                throw new InvalidValueException($"{requestor.Name} is not registered on {oldState.Name}");
            }

            await foreach (var entry in transaction.ReadQueueAsync(HubSettings.MasterLog, 0, cancellationToken))
            {
                log.Add(entry);
            }

            if (oldState.HandedOverTo is null)
            {
                // Marked first: from here the old server takes in and sends nothing, whatever happens to this run.
                await HubSettings.SaveAsync(
                    transaction,
                    oldState with { HandedOverTo = requestor.Name, HandedOverStore = _store.Info.Identity, HandedOverAt = _time.GetUtcNow() },
                    cancellationToken);
                await EventLog.WriteAsync(
                    transaction, _time, EventCodes.ServerHandedOver, EventSeverity.Information,
                    $"the dir-sync server role was handed over to {requestor.Name} (store {_store.Info.Identity}); this store takes in and sends nothing more", cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }

        await using (var transaction = await _store.BeginTransactionAsync(cancellationToken))
        {
            if (await HubSettings.ServerAsync(transaction, cancellationToken) is { } raced)
            {
                throw new InvalidValueException($"this store is already a dir-sync server ({raced.Name})");
            }

            var state = oldState with
            {
                Name = requestor.Name,
                Inbox = folder.Path,
                HandedOverTo = null,
                HandedOverStore = null,
                HandedOverAt = null,
            };
            await HubSettings.SaveAsync(transaction, state, cancellationToken);
            foreach (var registration in registered)
            {
                await HubSettings.SaveAsync(transaction, registration, cancellationToken);
            }

            foreach (var entry in log)
            {
                await transaction.AppendToQueueAsync(HubSettings.MasterLog, entry, cancellationToken);
            }

            // This postoffice's own requestor role now sends to the server in its own store.
            var current = await HubSettings.RequestorAsync(transaction, cancellationToken) ?? requestor;
            await HubSettings.SaveAsync(transaction, current with { ServerInbox = folder.Path, ServerUrl = null, ServerName = requestor.Name, ServerIdentity = _store.Info.Identity }, cancellationToken);
            await EventLog.WriteAsync(
                transaction, _time, EventCodes.ServerHandedOver, EventSeverity.Information,
                $"took the dir-sync server role over from {oldState.Name} (store {old.Info.Identity}): {registered.Count} requestors, master log through {oldState.Sync} ({log.Count} updates kept)", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (state, registered.Count, log.Count);
        }
    }
}
