namespace DirSync.Core;

/// <summary>The root of every error a user can cause: each one ends in one clear line and a documented exit code.</summary>
/// <remarks>Programming mistakes use the BCL's exceptions instead; they are bugs, not user errors.</remarks>
public class DirSyncException : Exception
{
    /// <summary>Creates an error with its message and category.</summary>
    public DirSyncException(string message, ErrorCategory category, Exception? innerException = null)
        : base(message, innerException)
    {
        Category = category;
    }

    /// <summary>What kind of failure this is; the command line maps each category to an exit code.</summary>
    public ErrorCategory Category { get; }
}
