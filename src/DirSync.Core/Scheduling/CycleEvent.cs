namespace DirSync.Core.Scheduling;

/// <summary>The timed events of the Dir-Sync cycle, which schedules name and the daemon runs.</summary>
/// <remarks>The names are persisted in settings keys (<c>schedule.T1</c>); never rename them.</remarks>
public enum CycleEvent
{
    /// <summary>The requestor sends its changes to the server (REQMAIN -T).</summary>
    T1 = 1,

    /// <summary>The server takes in the requestors' messages and replies to each (SRVMAIN -R, SRVMAIN -T).</summary>
    T2 = 2,

    /// <summary>The requestor takes in the server's replies and imports them, then the GAL is rebuilt (REQMAIN -R, IMPORT, REBUILD).</summary>
    T3 = 3,
}
