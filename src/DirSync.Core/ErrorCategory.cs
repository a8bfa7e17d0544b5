namespace DirSync.Core;

/// <summary>The kinds of failure a user can cause; each has its own documented exit code.</summary>
public enum ErrorCategory
{
    /// <summary>A value given on the command line or in a setting is not valid (a bad alias, template, attribute).</summary>
    InvalidValue,

    /// <summary>A named thing (recipient, container, instance) does not exist.</summary>
    NotFound,

    /// <summary>The change would break a uniqueness rule (a duplicate alias, an existing store).</summary>
    Conflict,

    /// <summary>The store file is missing, foreign, damaged or of an unknown schema.</summary>
    Store,

    /// <summary>Another process holds the store's write lock longer than we were willing to wait.</summary>
    Busy,

    /// <summary>An input file is malformed, truncated or edited.</summary>
    Format,

    /// <summary>A synchronization rule refused the work (a sequence gap, a foreign source, a stale watermark).</summary>
    Sync,

    /// <summary>A safety guard stopped the work before anything was applied.</summary>
    Guard,

    /// <summary>A file or folder could not be read or written (missing, read-only, full).</summary>
    FileSystem,

    /// <summary>A live directory cannot be used: unreachable, a certificate that does not verify, a refused bind, a missing base DN, a lost connection.</summary>
    Directory,

    /// <summary>A live directory refused some of an export's entries; the rest was written and recorded.</summary>
    Refused,

    /// <summary>The request itself is malformed: options that exclude each other, a value the command needs missing.</summary>
    /// <remarks>Most such mistakes are caught by the command line's parser; this is for those only the command can see.</remarks>
    Usage,

    /// <summary>A server could not be reached over the network, or did not answer as a DirSync server does.</summary>
    Network,
}
