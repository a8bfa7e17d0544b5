using DirSync.Core.Gal;
using DirSync.Core.Hub;
using DirSync.Core.Model;
using DirSync.Core.Storage;
using DirSync.Core.Sync;
using DirSync.Core.Transport;

namespace DirSync.Core.Status;

/// <summary>Computes the overview of a store, once, for every view of it (the command line, the page, the JSON and the metrics).</summary>
/// <remarks>Only reads: it never waits for a writer, and the cost of the master-log scan follows how far requestors lag, not the log's size.</remarks>
public static class StatusReader
{
    /// <summary>How many events the overview shows by default.</summary>
    public const int DefaultEvents = 25;

    /// <summary>Reads the overview of <paramref name="store"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="time">The clock lags are measured against.</param>
    /// <param name="events">How many of the newest events to include.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<StoreStatus> ReadAsync(IDirectoryReader store, TimeProvider? time = null, int events = DefaultEvents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        time ??= TimeProvider.System;
        var now = time.GetUtcNow();
        var highest = await store.GetHighestUsnAsync(cancellationToken);
        var runs = await RunHistory.ListAsync(store, cancellationToken);
        var server = await ServerAsync(store, now, cancellationToken);
        var requestor = await RequestorAsync(store, cancellationToken);
        var instances = new List<InstanceOverview>();
        foreach (var instance in await store.ListInstancesAsync(cancellationToken))
        {
            var s = instance.State;
            instances.Add(new InstanceOverview(
                instance.Name, InstanceJson.DirectionToken(instance.Settings.Direction), s.LastExport, s.LastSequence, s.LastImport, s.LastImportedSequence,
                runs.FirstOrDefault(r => string.Equals(r.What, "instance " + instance.Name, StringComparison.OrdinalIgnoreCase))));
        }

        var roles = new List<string>();
        if (server is not null)
        {
            roles.Add("server");
        }

        if (requestor is not null)
        {
            roles.Add("requestor");
        }

        if (instances.Count > 0)
        {
            roles.Add("instances");
        }

        var recipients = new RecipientCounts(
            await store.CountAsync(new RecipientFilter(Class: ObjectClass.Mailbox), cancellationToken),
            await store.CountAsync(new RecipientFilter(Class: ObjectClass.CustomRecipient), cancellationToken),
            await store.CountAsync(new RecipientFilter(Class: ObjectClass.DistributionList), cancellationToken));
        return new StoreStatus
        {
            Time = now,
            Store = store.Info,
            HighestUsn = highest,
            Roles = roles,
            Recipients = recipients,
            Server = server,
            Requestor = requestor,
            Instances = instances,
            Runs = runs,
            Gal = await GalAsync(store, highest, recipients, cancellationToken),
            Events = await store.ListEventsAsync(events, cancellationToken),
            EventCounts = await store.CountEventsByCodeAsync(cancellationToken),
        };
    }

    private static async Task<ServerOverview?> ServerAsync(IDirectoryReader store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await HubSettings.ServerAsync(store, cancellationToken) is not { } state)
        {
            return null;
        }

        var registered = await HubSettings.RegisteredAsync(store, cancellationToken);
        var (first, _, entries) = await store.GetQueueBoundsAsync(HubSettings.MasterLog, cancellationToken);

        // One pass over the master log above the lowest number any requestor was sent up to: each requestor's own
        // updates there (which it is never sent) and the oldest update of the others not yet sent to it.
        var own = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var oldest = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        if (registered.Count > 0 && entries > 0)
        {
            var lowest = registered.Min(r => r.SrvSync);
            await foreach (var entry in store.ReadQueueAsync(HubSettings.MasterLog, lowest, cancellationToken))
            {
                foreach (var r in registered)
                {
                    if (entry.Number <= r.SrvSync)
                    {
                        continue;
                    }

                    if (PostofficeName.Same(entry.Origin, r.Name))
                    {
                        own[r.Name] = own.GetValueOrDefault(r.Name) + 1;
                    }
                    else if (!oldest.ContainsKey(r.Name))
                    {
                        oldest[r.Name] = entry.Time;
                    }
                }
            }
        }

        var rows = new List<RequestorRow>();
        foreach (var r in registered)
        {
            // The log is numbered without gaps from its first kept entry to Sync; what was purged below it is lost to the requestor (138).
            var above = entries == 0 ? 0 : Math.Max(0, state.Sync - Math.Max(r.SrvSync, first - 1));
            var pending = Math.Max(0, above - own.GetValueOrDefault(r.Name));
            var contact = Max(r.LastUpdateReceived, r.LastContact);
            rows.Add(new RequestorRow(
                r.Name,
                r.FetchesReplies ? "http" : "drop folder",
                r.Inbox,
                r.ReqSync,
                r.SrvSync,
                r.ReportedSrvSync,
                r.ImpSync,
                r.LastCycle,
                contact,
                r.ReplyPending,
                r.ImportRequested,
                pending,
                Math.Max(0, state.Cycle - r.LastCycle),
                pending > 0 && oldest.TryGetValue(r.Name, out var since) ? Math.Max(0, (now - since).TotalSeconds) : 0,
                Waiting(r.Inbox),
                r.LastRefusal));
        }

        return new ServerOverview(state.Name, state.Inbox, state.KeepUpdatesDays, state.Sync, state.Cycle, state.PurgedThrough, entries, Waiting(state.Inbox), rows);
    }

    private static async Task<RequestorOverview?> RequestorAsync(IDirectoryReader store, CancellationToken cancellationToken)
    {
        if (await HubSettings.RequestorAsync(store, cancellationToken) is not { } s)
        {
            return null;
        }

        var outbox = (await store.GetQueueBoundsAsync(HubSettings.Outbox, cancellationToken)).Count;
        var inbound = (await store.GetQueueBoundsAsync(HubSettings.Inbound, cancellationToken)).Count;
        return new RequestorOverview(
            s.Name,
            s.ServerUrl is null ? "drop folder" : "http",
            s.ServerUrl ?? s.ServerInbox ?? "",
            s.Inbox,
            s.ServerName,
            s.ReqSync,
            s.NextTransaction,
            s.SrvSync,
            s.ImpSync,
            outbox,
            inbound,
            s.ApplyOnReceive,
            s.LastSent,
            s.LastReceived,
            s.LastImported,
            s.LastServerError);
    }

    private static async Task<GalOverview> GalAsync(IDirectoryReader store, long highest, RecipientCounts recipients, CancellationToken cancellationToken)
    {
        if (await GalBuilder.LastBuildAsync(store, cancellationToken) is { } built)
        {
            return new GalOverview(built.Entries, built.Time, highest > built.Usn, Math.Max(0, highest - built.Usn));
        }

        long entries = 0;
        await foreach (var _ in store.ListGalAsync(cancellationToken))
        {
            entries++;
        }

        var any = recipients.Mailboxes + recipients.CustomRecipients + recipients.DistributionLists > 0;
        return new GalOverview(entries, null, any, null);
    }

    private static int? Waiting(string folder)
    {
        try
        {
            return new DropFolder(folder).Waiting();
        }
        catch (Exception e) when (e is DirSyncException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
