namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>What a DIRSYNC record does to the object it names; the letter that opens its header line.</summary>
public enum EdkOperation
{
    /// <summary>Creates the object (<c>A</c>).</summary>
    Add,

    /// <summary>Changes the listed attributes of the object (<c>M</c>).</summary>
    Modify,

    /// <summary>Deletes the object (<c>D</c>); a delete carries no attribute lines.</summary>
    Delete,
}
