namespace DirSync.Core.Status;

/// <summary>The dir-sync server role: its numbers and each registered requestor's.</summary>
/// <param name="Name">The server postoffice's name.</param>
/// <param name="Inbox">Its inbound drop folder.</param>
/// <param name="KeepUpdatesDays">How long the master log keeps an update.</param>
/// <param name="HighestSrvSync">The number of the last update in the master log.</param>
/// <param name="Cycle">The current dir-sync cycle.</param>
/// <param name="PurgedThrough">The highest number purged from the master log.</param>
/// <param name="MasterLogEntries">How many updates the master log holds.</param>
/// <param name="MessagesWaiting">Messages in the inbox that <c>server receive</c> has not taken in yet; null when the inbox cannot be read.</param>
/// <param name="Requestors">Every registered requestor, by name.</param>
public sealed record ServerOverview(
    string Name,
    string Inbox,
    int KeepUpdatesDays,
    long HighestSrvSync,
    long Cycle,
    long PurgedThrough,
    long MasterLogEntries,
    int? MessagesWaiting,
    IReadOnlyList<RequestorRow> Requestors);
