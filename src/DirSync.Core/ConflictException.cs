namespace DirSync.Core;

/// <summary>The change would break a uniqueness rule.</summary>
public sealed class ConflictException(string message, Exception? innerException = null)
    : DirSyncException(message, ErrorCategory.Conflict, innerException);
