using System.CommandLine;
using DirSync.Core.Sync;

namespace DirSync.Cli;

/// <summary>Options every command accepts, before or after the command words, and options several commands share.</summary>
internal static class GlobalOptions
{
    /// <summary>The most recipients <c>--allow-deletes</c> may name: more than any directory holds.</summary>
    public const long MaxAllowDeletes = 1_000_000_000;

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

    /// <summary>JSON for scripts: the result on standard output, and an error as one JSON object on standard error.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON for scripts instead of text (an error too, as one JSON object on standard error)",
        Recursive = true,
    };

    /// <summary>How many deletions this run may make beyond the delete guard's limit.</summary>
    public static Option<long?> AllowDeletes() => OptionValues.OptionalLong(
        "--allow-deletes",
        0,
        MaxAllowDeletes,
        "recipients",
        "n",
        "Let this run delete up to this many recipients even beyond the delete guard's limit");

    /// <summary>The delete guard's own limit for an instance or requestor.</summary>
    public static Option<string?> DeleteLimit() => OptionValues.Checked(
        "--delete-limit",
        "n|default",
        "The most recipients one run may delete without --allow-deletes ('default': 500, or 10% of what the source owns, at least 10)",
        text => DeleteGuard.ParseLimit(text));

    /// <summary>Shows what a destructive command would do, and changes nothing.</summary>
    public static Option<bool> DryRun(string description) => new("--dry-run") { Description = description };
}
