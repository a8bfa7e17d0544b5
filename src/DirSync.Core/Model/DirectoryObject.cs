namespace DirSync.Core.Model;

/// <summary>A recipient: a mailbox, custom recipient or distribution list, live or a tombstone.</summary>
/// <remarks>
/// The USNs, deletion state and timestamps are kept by the store: it sets them on every write,
/// whatever the caller put there.
/// </remarks>
public sealed class DirectoryObject
{
    /// <summary>Creates an object with its anchor, class and alias.</summary>
    public DirectoryObject(Guid guid, ObjectClass objectClass, string alias, DirectoryPath container)
    {
        Guid = guid;
        Class = objectClass;
        Alias = alias;
        DisplayName = alias;
        Container = container;
    }

    /// <summary>The anchor GUID: the object's identity, never changed by renames or moves.</summary>
    public Guid Guid { get; }

    /// <summary>What kind of recipient this is.</summary>
    public ObjectClass Class { get; }

    /// <summary>The alias (Common-Name), unique among the store's live objects.</summary>
    public string Alias { get; set; }

    /// <summary>The name shown in address lists.</summary>
    public string DisplayName { get; set; }

    /// <summary>The container the object lives in.</summary>
    public DirectoryPath Container { get; set; }

    /// <summary>The descriptive attributes.</summary>
    public AttributeSet Attributes { get; private init; } = new();

    /// <summary>The e-mail addresses, in order; one primary per type.</summary>
    public List<ProxyAddress> ProxyAddresses { get; private init; } = [];

    /// <summary>Where a custom recipient's mail goes; null for other classes.</summary>
    public ProxyAddress? TargetAddress { get; set; }

    /// <summary>A distribution list's members; empty for other classes.</summary>
    public List<MemberRef> Members { get; private init; } = [];

    /// <summary>Where an imported object came from; null for objects made here.</summary>
    public ObjectOrigin? Origin { get; set; }

    /// <summary>The USN of the object's creation.</summary>
    public long UsnCreated { get; set; }

    /// <summary>The USN of the object's latest change (or of its deletion, for a tombstone).</summary>
    public long UsnChanged { get; set; }

    /// <summary>True for a tombstone.</summary>
    public bool IsDeleted { get; set; }

    /// <summary>When the object was created.</summary>
    public DateTimeOffset WhenCreated { get; set; }

    /// <summary>When the object last changed (or was deleted).</summary>
    public DateTimeOffset WhenChanged { get; set; }

    /// <summary>The primary address of a type, or null.</summary>
    public ProxyAddress? GetPrimaryAddress(string type) =>
        ProxyAddresses.FirstOrDefault(p => p.IsPrimary && string.Equals(p.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>A deep copy, for comparing before and after a change.</summary>
    public DirectoryObject Clone()
    {
        var copy = new DirectoryObject(Guid, Class, Alias, Container)
        {
            DisplayName = DisplayName,
            Attributes = Attributes.Clone(),
            ProxyAddresses = [.. ProxyAddresses],
            TargetAddress = TargetAddress,
            Members = [.. Members],
            Origin = Origin,
            UsnCreated = UsnCreated,
            UsnChanged = UsnChanged,
            IsDeleted = IsDeleted,
            WhenCreated = WhenCreated,
            WhenChanged = WhenChanged,
        };
        return copy;
    }

    /// <summary>True when the user-visible content (everything but USNs and times) is the same.</summary>
    /// <remarks>
    /// Members compare as a set: stores keep membership without an order. Containers compare as
    /// paths do, ignoring case: the spelling belongs to the container, not to the recipient.
    /// </remarks>
    public bool ContentEquals(DirectoryObject other) =>
        Guid == other.Guid
        && Class == other.Class
        && string.Equals(Alias, other.Alias, StringComparison.Ordinal)
        && string.Equals(DisplayName, other.DisplayName, StringComparison.Ordinal)
        && Container == other.Container
        && Attributes.ContentEquals(other.Attributes)
        && ProxyAddresses.Select(p => p.ToString()).SequenceEqual(other.ProxyAddresses.Select(p => p.ToString()), StringComparer.Ordinal)
        && string.Equals(TargetAddress?.ToString(), other.TargetAddress?.ToString(), StringComparison.Ordinal)
        && Members.Count == other.Members.Count
        && Members.Select(m => m.Guid).ToHashSet().SetEquals(other.Members.Select(m => m.Guid))
        && Equals(Origin, other.Origin)
        && IsDeleted == other.IsDeleted;
}
