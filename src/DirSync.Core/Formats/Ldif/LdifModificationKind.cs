namespace DirSync.Core.Formats.Ldif;

/// <summary>How one modification in a modify record changes an attribute.</summary>
public enum LdifModificationKind
{
    /// <summary>Adds the values to the attribute.</summary>
    Add,

    /// <summary>Deletes the values, or the whole attribute when no values are given.</summary>
    Delete,

    /// <summary>Replaces every value of the attribute with the values given (none removes the attribute).</summary>
    Replace,
}
