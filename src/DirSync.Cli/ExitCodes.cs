using DirSync.Core;

namespace DirSync.Cli;

/// <summary>The documented exit codes of <c>dirsync</c> (see docs/commands.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int InternalError = 1;
    public const int Usage = 2;
    public const int InvalidValue = 3;
    public const int NotFound = 4;
    public const int Conflict = 5;
    public const int Store = 6;
    public const int Busy = 7;
    public const int Format = 8;
    public const int Sync = 9;
    public const int Guard = 10;
    public const int FileSystem = 11;
    public const int Directory = 12;
    public const int Refused = 13;
    public const int Network = 14;

    /// <summary>What a command interrupted by Ctrl+C exits with.</summary>
    public const int Cancelled = 130;

    /// <summary>What a command stopped by SIGTERM exits with.</summary>
    public const int Terminated = 143;

    public static int For(ErrorCategory category) => category switch
    {
        ErrorCategory.Usage => Usage,
        ErrorCategory.InvalidValue => InvalidValue,
        ErrorCategory.NotFound => NotFound,
        ErrorCategory.Conflict => Conflict,
        ErrorCategory.Store => Store,
        ErrorCategory.Busy => Busy,
        ErrorCategory.Format => Format,
        ErrorCategory.Sync => Sync,
        ErrorCategory.Guard => Guard,
        ErrorCategory.FileSystem => FileSystem,
        ErrorCategory.Directory => Directory,
        ErrorCategory.Refused => Refused,
        ErrorCategory.Network => Network,
        _ => InternalError,
    };

    /// <summary>The kind of failure an exit code stands for, as JSON errors name it (<c>"error": "not-found"</c>).</summary>
    public static string Kind(int code) => code switch
    {
        InternalError => "internal",
        Usage => "usage",
        InvalidValue => "invalid-value",
        NotFound => "not-found",
        Conflict => "conflict",
        Store => "store",
        Busy => "busy",
        Format => "format",
        Sync => "sync",
        Guard => "guard",
        FileSystem => "file-system",
        Directory => "directory",
        Refused => "refused",
        Cancelled or Terminated => "cancelled",
        _ => "error",
    };
}
