namespace DirSync.Core.Hub;

/// <summary>The server's numbers and its requestors' (the original's <c>LISTDS -S</c>).</summary>
public sealed record ServerStatus(HubServerState Server, IReadOnlyList<RegisteredRequestor> Requestors, long MasterLogEntries, long MasterLogFirst);
