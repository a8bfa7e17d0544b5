using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Sync;

/// <summary>The keys imported objects record as their origin, and the look-up of an object that arrived here by another way.</summary>
/// <remarks>
/// An object keeps its first anchor wherever it is relayed (anchors are GUIDs, unique everywhere), so an object that
/// reaches a store twice — around a loop, or by two paths — is recognised by that anchor under any origin it already has here.
/// </remarks>
public static class OriginKeys
{
    /// <summary>The origin key of every entry that came through Dir-Sync.</summary>
    public const string Hub = "dir-sync";

    /// <summary>The origin key of objects imported by an instance: the source store and its export instance.</summary>
    public static string Instance(Guid sourceIdentity, string sourceInstance) =>
        $"{sourceIdentity:D}/{sourceInstance.ToUpperInvariant()}";

    /// <summary>Every origin key objects here may have been imported under: each importing instance's source, and the hub.</summary>
    public static async Task<IReadOnlyList<string>> AllAsync(IDirectoryReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var keys = new List<string> { Hub };
        foreach (var instance in await reader.ListInstancesAsync(cancellationToken))
        {
            if (instance.State.SourceIdentity is { } identity && instance.State.SourceInstance is { } name)
            {
                keys.Add(Instance(identity, name));
            }
        }

        return keys;
    }

    /// <summary>Why a record must not create an object here: the object it names is here already, by another way; null when it is not.</summary>
    /// <param name="reader">The store.</param>
    /// <param name="record">The record about to create an object.</param>
    /// <param name="keys">The origin keys to look under (<see cref="AllAsync"/>), the record's own source's among them or not.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async ValueTask<string?> KnownElsewhereAsync(IDirectoryReader reader, ChangeRecord record, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(keys);
        if (await reader.FindByGuidAsync(record.Anchor, cancellationToken: cancellationToken) is { Origin: null } own)
        {
            return $"it is this store's own '{own.Alias}', come back around a loop";
        }

        foreach (var key in keys)
        {
            if (await reader.FindByOriginAsync(key, record.Anchor, cancellationToken) is { } known)
            {
                return $"it is here already as '{known.Alias}', imported from {known.Origin!.ImportedFrom}";
            }
        }

        return null;
    }
}
