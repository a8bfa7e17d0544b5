using System.CommandLine;

namespace DirSync.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Store = new("--store")
    {
        Description = "The store: a SQLite file, or a postgresql:// URI (default: $DIRSYNC_STORE, else dirsync.db in the current folder)",
        HelpName = "path|uri",
        Recursive = true,
    };

    public static readonly Option<string?> StorePasswordFile = new("--store-password-file")
    {
        Description = "For a postgresql:// store: read its password from the first line of this file (default: $DIRSYNC_STORE_PASSWORD_FILE, else ~/.pgpass or $PGPASSFILE)",
        HelpName = "path",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts instead of a table" };

    /// <summary>How many deletions this run may make beyond the delete guard's limit.</summary>
    public static Option<long?> AllowDeletes() => new("--allow-deletes")
    {
        Description = "Let this run delete up to this many recipients even beyond the delete guard's limit",
        HelpName = "n",
        Validators = { r => { if (r.GetValueOrDefault<long?>() is < 0) { r.AddError("--allow-deletes is a number of recipients from 0"); } } },
    };

    /// <summary>The delete guard's own limit for an instance or requestor.</summary>
    public static Option<string?> DeleteLimit() => new("--delete-limit")
    {
        Description = "The most recipients one run may delete without --allow-deletes ('default': 500, or 10% of what the source owns, at least 10)",
        HelpName = "n|default",
    };
}
