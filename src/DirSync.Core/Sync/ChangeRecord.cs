using DirSync.Core.Model;

namespace DirSync.Core.Sync;

/// <summary>One object's change in a change set.</summary>
/// <remarks>
/// An add or modify carries the object's alias, display name, addresses and the header's attributes
/// (a modify replaces each of them; one absent from the record is cleared). A delete carries only
/// the anchor and the last known alias and container.
/// </remarks>
public sealed class ChangeRecord
{
    /// <summary>Creates a record for the object with anchor <paramref name="anchor"/>.</summary>
    /// <param name="kind">Add, modify or delete.</param>
    /// <param name="anchor">The object's anchor at the source.</param>
    /// <param name="alias">Its alias.</param>
    /// <param name="container">Its container.</param>
    /// <param name="attributes">How many attributes a reader expects to set (room made once, not grown).</param>
    public ChangeRecord(ChangeKind kind, Guid anchor, string alias, DirectoryPath container, int attributes = 0)
    {
        Kind = kind;
        Anchor = anchor;
        Alias = alias;
        Container = container;
        Attributes = new AttributeSet(attributes);
    }

    /// <summary>Add, modify or delete.</summary>
    public ChangeKind Kind { get; }

    /// <summary>The object's anchor GUID at the source; imports match on it, never on names.</summary>
    public Guid Anchor { get; }

    /// <summary>The object's alias at the source.</summary>
    public string Alias { get; }

    /// <summary>The object's container at the source (for its distinguished name).</summary>
    public DirectoryPath Container { get; }

    /// <summary>The object's class at the source; null where the format does not carry it (a modify or delete).</summary>
    public ObjectClass? Class { get; set; }

    /// <summary>The display name; null for a delete.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The object's e-mail addresses at the source.</summary>
    public List<ProxyAddress> ProxyAddresses { get; } = [];

    /// <summary>A custom recipient's target address at the source, when it has one.</summary>
    public ProxyAddress? TargetAddress { get; set; }

    /// <summary>The values of the carried descriptive attributes.</summary>
    public AttributeSet Attributes { get; }

    /// <summary>The postoffice that owns the object (hub messages, written as <c>importedFrom</c>); null in an instance's change set.</summary>
    public string? Owner { get; set; }

    /// <summary>The line of the record in its file, for error messages (0 when not read from a file).</summary>
    public long LineNumber { get; set; }
}
