namespace DirSync.Core.Formats.Ldif;

/// <summary>What an <see cref="LdifReader"/> is positioned on.</summary>
public enum LdifItemKind
{
    /// <summary>Nothing: before the first item or after the end of the input.</summary>
    None,

    /// <summary>The <c>version: 1</c> line.</summary>
    Version,

    /// <summary>A comment line between records.</summary>
    Comment,

    /// <summary>A record.</summary>
    Record,
}
