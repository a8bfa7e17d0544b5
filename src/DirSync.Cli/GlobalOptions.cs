using System.CommandLine;

namespace DirSync.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Store = new("--store")
    {
        Description = "The store file (default: $DIRSYNC_STORE, else dirsync.db in the current folder)",
        HelpName = "path",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts instead of a table" };
}
