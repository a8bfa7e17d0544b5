using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>The original DIRSYNC's classification of an object changed after a watermark.</summary>
public static class ChangeClassifier
{
    /// <summary>What the other side must be told about an object changed after <paramref name="watermark"/>, or null for nothing.</summary>
    /// <remarks>
    /// An object that existed at the watermark and is now gone is a delete; one that existed and
    /// lives is a modify; anything created after it is an add — unless it is already gone again,
    /// when the other side never saw it.
    /// </remarks>
    public static ChangeKind? Classify(DirectoryObject value, long watermark)
    {
        ArgumentNullException.ThrowIfNull(value);
        var existedBefore = value.UsnCreated <= watermark;
        return value.IsDeleted
            ? existedBefore ? ChangeKind.Delete : null
            : existedBefore ? ChangeKind.Modify : ChangeKind.Add;
    }
}
