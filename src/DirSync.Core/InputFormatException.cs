namespace DirSync.Core;

/// <summary>An input file is malformed, truncated or edited; the error knows where.</summary>
public sealed class InputFormatException : DirSyncException
{
    /// <summary>Creates the error for <paramref name="file"/> at a line (and column, when known).</summary>
    public InputFormatException(string file, long line, int? column, string reason, Exception? innerException = null)
        : base(Describe(file, line, column, reason), ErrorCategory.Format, innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file (or stream name) that holds the error.</summary>
    public string File { get; }

    /// <summary>The 1-based line number; 0 when the error concerns the whole file.</summary>
    public long Line { get; }

    /// <summary>The 1-based column, when known.</summary>
    public int? Column { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; }

    private static string Describe(string file, long line, int? column, string reason) =>
        line <= 0 ? $"{file}: {reason}"
        : column is null ? $"{file}:{line}: {reason}"
        : $"{file}:{line}:{column}: {reason}";
}
