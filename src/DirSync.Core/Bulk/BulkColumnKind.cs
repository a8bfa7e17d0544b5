namespace DirSync.Core.Bulk;

/// <summary>What a column of a bulk CSV header holds, and so what the reader does with its fields.</summary>
public enum BulkColumnKind
{
    /// <summary>An attribute DirSync keeps (<c>Obj-Class</c> and the alias column among them).</summary>
    Attribute,

    /// <summary>The <c>Mode</c> column: what to do with each row.</summary>
    Mode,

    /// <summary><c>Obj-Container</c>: where a new recipient is created.</summary>
    Container,

    /// <summary>
    /// The alias (<c>Mail-Nickname</c>, <c>Alias Name</c>) in a file that also has the directory name
    /// (<c>Common-Name</c>, <c>Directory Name</c>): DirSync keeps one name for both, so each row's two must agree.
    /// </summary>
    MailNickname,

    /// <summary>An Exchange attribute DirSync does not keep, such as <c>Home-Server</c>: passed over.</summary>
    NotKept,

    /// <summary>A name DirSync does not know, passed over because the reader was told to.</summary>
    Unknown,
}
