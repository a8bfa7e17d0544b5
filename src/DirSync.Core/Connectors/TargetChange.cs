using DirSync.Core.Sync;

namespace DirSync.Core.Connectors;

/// <summary>One object's change for a directory target.</summary>
/// <param name="Kind">Create, update or delete.</param>
/// <param name="Object">The store object's GUID.</param>
/// <param name="Record">The object as the export selection made it (null for a delete).</param>
/// <param name="Path">The sub-containers between the exported container and the object, top first: organizational units below the base DN.</param>
/// <param name="Owned">The entry DirSync made for it (null for a create).</param>
public sealed record TargetChange(TargetChangeKind Kind, Guid Object, ChangeRecord? Record, IReadOnlyList<string> Path, OwnedEntry? Owned)
{
    /// <summary>
    /// For a create: an earlier run sent it but lost the connection before the answer, so the directory may hold
    /// the entry already; one that is exactly what DirSync would write is taken as its own.
    /// </summary>
    public bool MaybeCreated { get; init; }
}
