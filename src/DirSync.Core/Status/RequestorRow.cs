using DirSync.Core.Hub;

namespace DirSync.Core.Status;

/// <summary>One registered requestor as the server sees it.</summary>
/// <param name="Name">Its postoffice name.</param>
/// <param name="Transport"><c>http</c> when it fetches its replies from <c>dirsync serve</c>, else <c>drop folder</c>.</param>
/// <param name="Inbox">Where its replies go (on the server, for an HTTP requestor).</param>
/// <param name="ReqSync">The last of its transactions taken in.</param>
/// <param name="SrvSync">The number the last reply to it went up to.</param>
/// <param name="ReportedSrvSync">What it reported having received.</param>
/// <param name="ImpSync">How many imports it has asked for.</param>
/// <param name="LastCycle">The cycle of the last reply to it.</param>
/// <param name="LastContact">When it was last heard from: a message taken in, or a message posted or a reply fetched over HTTP; null if never.</param>
/// <param name="ReplyPending">The next <c>server send</c> replies to it.</param>
/// <param name="ImportRequested">That reply is an import reply (every address list).</param>
/// <param name="PendingUpdates">Master-log updates of the other postoffices not yet sent to it (above the last reply's SrvSync).</param>
/// <param name="LagCycles">How many cycles it is behind the server's (0: it took part in the latest).</param>
/// <param name="LagSeconds">The age of the oldest of those updates; 0 when none waits.</param>
/// <param name="RepliesWaiting">Replies written for it and not yet taken away; null when its folder cannot be read.</param>
/// <param name="LastRefusal">The last message or request of it the server refused; null if none.</param>
public sealed record RequestorRow(
    string Name,
    string Transport,
    string Inbox,
    long ReqSync,
    long SrvSync,
    long ReportedSrvSync,
    long ImpSync,
    long LastCycle,
    DateTimeOffset? LastContact,
    bool ReplyPending,
    bool ImportRequested,
    long PendingUpdates,
    long LagCycles,
    double LagSeconds,
    int? RepliesWaiting,
    RefusalRecord? LastRefusal);
