namespace DirSync.Core.Sync;

/// <summary>The file formats a change set can be written in.</summary>
public enum ChangeSetFormat
{
    /// <summary>LDIF change records (RFC 2849), the default.</summary>
    Ldif,

    /// <summary>The EDK DIRSYNC text format (<c>A|M|D &lt;DN&gt;</c>, <c>- Attr:value</c>).</summary>
    Edk,
}
