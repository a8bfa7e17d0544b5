namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>What <see cref="EdkReader.Read"/> stopped on.</summary>
public enum EdkItemKind
{
    /// <summary>Nothing: before the first read or after the end of the input.</summary>
    None,

    /// <summary>A comment line outside any record.</summary>
    Comment,

    /// <summary>A record: its header line and the attribute lines below it.</summary>
    Record,
}
