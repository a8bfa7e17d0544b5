namespace DirSync.Ldap;

/// <summary>The object identifiers DirSync speaks.</summary>
internal static class LdapOids
{
    /// <summary>RFC 4533 content synchronization: the request control.</summary>
    public const string SyncRequest = "1.3.6.1.4.1.4203.1.9.1.1";

    /// <summary>RFC 4533: the state of one entry.</summary>
    public const string SyncState = "1.3.6.1.4.1.4203.1.9.1.2";

    /// <summary>RFC 4533: the end of a refresh and its cookie.</summary>
    public const string SyncDone = "1.3.6.1.4.1.4203.1.9.1.3";

    /// <summary>RFC 4533: the intermediate response that carries sets of UUIDs and new cookies.</summary>
    public const string SyncInfo = "1.3.6.1.4.1.4203.1.9.1.4";

    /// <summary>Active Directory's DirSync control.</summary>
    public const string DirSync = "1.2.840.113556.1.4.841";

    /// <summary>Active Directory: include deleted objects.</summary>
    public const string ShowDeleted = "1.2.840.113556.1.4.417";

    /// <summary>RFC 2696 paged results.</summary>
    public const string PagedResults = "1.2.840.113556.1.4.319";

    /// <summary>RFC 4527 post-read: the entry as an operation left it.</summary>
    public const string PostRead = "1.3.6.1.1.13.2";

    /// <summary>Active Directory's capability OID in the root DSE's supportedCapabilities.</summary>
    public const string ActiveDirectoryCapability = "1.2.840.113556.1.4.800";
}
