using DirSync.Core.Storage;
using DirSync.Core.Sync;

namespace DirSync.Core.Connectors;

/// <summary>Which entries of a directory DirSync created, kept in the store's settings per export instance.</summary>
/// <remarks>
/// One setting per entry, <c>ldap-owned/INSTANCE/objectguid</c> = <c>anchor dn</c>: a full run lists them by
/// prefix, an incremental one looks up only the objects that changed. What an import from the same
/// directory must pass over (loop suppression) is the union over the export instances writing there.
/// </remarks>
public static class DirectoryOwnership
{
    private const string OwnedPrefix = "ldap-owned/";
    private const string RetryPrefix = "ldap-retry/";
    private const string PendingPrefix = "ldap-pending/";

    /// <summary>Every entry the export instance owns.</summary>
    public static async Task<Dictionary<Guid, OwnedEntry>> ListAsync(IDirectoryReader reader, string instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var prefix = Prefix(instance);
        var result = new Dictionary<Guid, OwnedEntry>();
        foreach (var (key, value) in await reader.ListSettingsAsync(prefix, cancellationToken))
        {
            if (Guid.TryParseExact(key.AsSpan(prefix.Length), "N", out var id) && Parse(id, value) is { } entry)
            {
                result[id] = entry;
            }
        }

        return result;
    }

    /// <summary>The entry the export instance owns for one object, or null.</summary>
    public static async Task<OwnedEntry?> FindAsync(IDirectoryReader reader, string instance, Guid objectGuid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var value = await reader.GetSettingAsync(Key(instance, objectGuid), cancellationToken);
        return value is null ? null : Parse(objectGuid, value);
    }

    /// <summary>Records (or, with null, forgets) the entry the export instance owns for an object.</summary>
    public static ValueTask SaveAsync(IDirectoryTransaction transaction, string instance, Guid objectGuid, OwnedEntry? entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.SetSettingAsync(Key(instance, objectGuid), entry is null ? null : $"{entry.Anchor:D} {entry.Dn}", cancellationToken);
    }

    /// <summary>Forgets everything the export instance owns (the instance is removed).</summary>
    public static async Task ForgetAsync(IDirectoryTransaction transaction, string instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        foreach (var (key, _) in await transaction.ListSettingsAsync(Prefix(instance), cancellationToken))
        {
            await transaction.SetSettingAsync(key, null, cancellationToken);
        }

        await transaction.SetSettingAsync(RetryPrefix + instance.ToUpperInvariant(), null, cancellationToken);
        await transaction.SetSettingAsync(PendingPrefix + instance.ToUpperInvariant(), null, cancellationToken);
        foreach (var (key, _) in await transaction.ListSettingsAsync("ldif-dn/" + instance.ToUpperInvariant() + "/", cancellationToken))
        {
            await transaction.SetSettingAsync(key, null, cancellationToken);
        }
    }

    /// <summary>The objects whose create was sent but never answered (the connection was lost): the directory may hold them already.</summary>
    public static async Task<IReadOnlySet<Guid>> ListPendingAsync(IDirectoryReader reader, string instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var value = await reader.GetSettingAsync(PendingPrefix + instance.ToUpperInvariant(), cancellationToken);
        return value is null ? new HashSet<Guid>() : value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => Guid.ParseExact(v, "N")).ToHashSet();
    }

    /// <summary>Replaces the list of creates whose answer was lost.</summary>
    public static ValueTask SavePendingAsync(IDirectoryTransaction transaction, string instance, IReadOnlyCollection<Guid> objects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.SetSettingAsync(
            PendingPrefix + instance.ToUpperInvariant(),
            objects.Count == 0 ? null : string.Join(' ', objects.Select(g => g.ToString("N"))),
            cancellationToken);
    }

    /// <summary>The anchors of every entry DirSync wrote into the directory <paramref name="directory"/>, by any export instance.</summary>
    public static async Task<HashSet<Guid>> ListAnchorsAsync(IDirectoryReader reader, Guid directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var anchors = new HashSet<Guid>();
        foreach (var instance in await reader.ListInstancesAsync(cancellationToken))
        {
            if (instance.Settings.Directory is null || !instance.Settings.Direction.HasFlag(InstanceDirection.Export) || instance.State.DirectoryIdentity != directory)
            {
                continue;
            }

            foreach (var entry in (await ListAsync(reader, instance.Name, cancellationToken)).Values)
            {
                anchors.Add(entry.Anchor);
            }
        }

        return anchors;
    }

    /// <summary>The objects whose last change the directory refused: the next incremental run sends them again.</summary>
    public static async Task<IReadOnlyList<Guid>> ListRetriesAsync(IDirectoryReader reader, string instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var value = await reader.GetSettingAsync(RetryPrefix + instance.ToUpperInvariant(), cancellationToken);
        return value is null ? [] : value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => Guid.ParseExact(v, "N")).ToList();
    }

    /// <summary>Replaces the list of objects to send again.</summary>
    public static ValueTask SaveRetriesAsync(IDirectoryTransaction transaction, string instance, IReadOnlyCollection<Guid> objects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.SetSettingAsync(
            RetryPrefix + instance.ToUpperInvariant(),
            objects.Count == 0 ? null : string.Join(' ', objects.Select(g => g.ToString("N"))),
            cancellationToken);
    }

    private static string Prefix(string instance) => OwnedPrefix + instance.ToUpperInvariant() + "/";

    private static string Key(string instance, Guid objectGuid) => Prefix(instance) + objectGuid.ToString("N");

    private static OwnedEntry? Parse(Guid objectGuid, string value)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && Guid.TryParse(value.AsSpan(0, space), out var anchor) ? new OwnedEntry(objectGuid, value[(space + 1)..], anchor) : null;
    }
}
