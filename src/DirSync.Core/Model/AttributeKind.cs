namespace DirSync.Core.Model;

/// <summary>Where an attribute lives on a <see cref="DirectoryObject"/> and who may set it.</summary>
public enum AttributeKind
{
    /// <summary>A dedicated property: the alias, display name or object class.</summary>
    Identity,

    /// <summary>Proxy addresses and the target address.</summary>
    Addressing,

    /// <summary>A descriptive attribute kept in <see cref="DirectoryObject.Attributes"/>.</summary>
    Descriptive,

    /// <summary>The members of a distribution list.</summary>
    Membership,

    /// <summary>Kept by the directory itself (USNs, GUID, deletion, origin); read-only.</summary>
    Operational,
}
