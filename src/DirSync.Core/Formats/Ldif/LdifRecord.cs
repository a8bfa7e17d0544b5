namespace DirSync.Core.Formats.Ldif;

/// <summary>One LDIF record: a DN, what to do with it, and the lines that say how.</summary>
/// <remarks>Only the members that belong to <see cref="ChangeType"/> are set; the others keep their empty defaults.</remarks>
public sealed class LdifRecord
{
    /// <summary>The distinguished name the record is about (may be empty, the root).</summary>
    public required string Dn { get; init; }

    /// <summary>What the record does.</summary>
    public LdifChangeType ChangeType { get; init; }

    /// <summary>The 1-based line of the record's <c>dn:</c> line in its input; 0 for a record built in code.</summary>
    public long LineNumber { get; init; }

    /// <summary>The controls of a change record, in file order.</summary>
    public IReadOnlyList<LdifControl> Controls { get; init; } = [];

    /// <summary>The attribute values of a content or add record, in file order.</summary>
    public IReadOnlyList<LdifValue> Attributes { get; init; } = [];

    /// <summary>The modifications of a modify record, in file order.</summary>
    public IReadOnlyList<LdifModification> Modifications { get; init; } = [];

    /// <summary>The new relative DN of a modrdn record.</summary>
    public string? NewRdn { get; init; }

    /// <summary>Whether a modrdn record removes the old RDN's values from the entry.</summary>
    public bool DeleteOldRdn { get; init; }

    /// <summary>The new parent DN of a modrdn record that moves the entry; null when it stays put.</summary>
    public string? NewSuperior { get; init; }
}
