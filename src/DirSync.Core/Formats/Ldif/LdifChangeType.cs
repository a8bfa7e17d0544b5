namespace DirSync.Core.Formats.Ldif;

/// <summary>What an LDIF record does: describe an entry, or add, delete, modify or rename one.</summary>
public enum LdifChangeType
{
    /// <summary>A content record: the entry's attributes, with no <c>changetype:</c> line.</summary>
    None,

    /// <summary>Adds the entry with the record's attributes.</summary>
    Add,

    /// <summary>Deletes the entry.</summary>
    Delete,

    /// <summary>Applies the record's modifications to the entry's attributes.</summary>
    Modify,

    /// <summary>Renames or moves the entry (<c>modrdn</c>, also read from <c>moddn</c>).</summary>
    ModRdn,
}
