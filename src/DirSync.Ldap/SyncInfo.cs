namespace DirSync.Ldap;

/// <summary>One RFC 4533 syncInfo message: a new cookie, the end of a phase, or a set of UUIDs (deleted, or present).</summary>
internal sealed record SyncInfo(SyncInfoKind Kind, byte[]? Cookie, bool RefreshDeletes, IReadOnlyList<Guid> Uuids);
