namespace DirSync.Core;

/// <summary>The store file is missing, foreign, damaged, locked or of an unknown schema.</summary>
public sealed class StoreException : DirSyncException
{
    /// <summary>Creates a store error about <paramref name="path"/>.</summary>
    public StoreException(string path, string message, ErrorCategory category = ErrorCategory.Store, Exception? innerException = null)
        : base(message, category, innerException)
    {
        Path = path;
    }

    /// <summary>The store the error is about.</summary>
    public string Path { get; }
}
