namespace DirSync.Ldap;

/// <summary>The choices of RFC 4533's syncInfoValue.</summary>
internal enum SyncInfoKind
{
    NewCookie,
    RefreshDelete,
    RefreshPresent,
    IdSet,
}
