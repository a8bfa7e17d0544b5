using DirSync.Core.Hub;
using DirSync.Core.Storage;

namespace DirSync.Core.Scheduling;

/// <summary>Which cycle events a store has: T1 and T3 when it is a requestor, T2 when it is the server.</summary>
public static class CycleEvents
{
    /// <summary>The events the store's roles give it, in cycle order.</summary>
    public static async ValueTask<IReadOnlyList<CycleEvent>> AvailableAsync(IDirectoryReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var requestor = await HubSettings.RequestorAsync(reader, cancellationToken) is not null;
        var server = await HubSettings.ServerAsync(reader, cancellationToken) is not null;
        var events = new List<CycleEvent>();
        if (requestor)
        {
            events.Add(CycleEvent.T1);
        }

        if (server)
        {
            events.Add(CycleEvent.T2);
        }

        if (requestor)
        {
            events.Add(CycleEvent.T3);
        }

        return events;
    }

    /// <summary>Refuses an event the store's roles do not give it, saying how to enable the role.</summary>
    /// <exception cref="InvalidValueException">The store lacks the event's role.</exception>
    public static async ValueTask RequireAsync(IDirectoryReader reader, CycleEvent @event, CancellationToken cancellationToken = default)
    {
        if (!(await AvailableAsync(reader, cancellationToken)).Contains(@event))
        {
            throw new InvalidValueException(NotAvailable(@event));
        }
    }

    /// <summary>What an event does, in a few words.</summary>
    public static string Describe(CycleEvent @event) => @event switch
    {
        CycleEvent.T1 => "requestor send",
        CycleEvent.T2 => "server receive and send",
        CycleEvent.T3 => "requestor receive and import",
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, null),
    };

    internal static string NotAvailable(CycleEvent @event) => @event == CycleEvent.T2
        ? $"T2 is the dir-sync server's event and this store is not a dir-sync server; enable it with '{CommandHints.ServerEnable()}'"
        : $"{@event} is a requestor's event and this store is not a Dir-Sync requestor; enable it with '{CommandHints.RequestorEnable()}'";
}
