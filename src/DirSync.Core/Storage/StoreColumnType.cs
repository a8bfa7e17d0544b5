namespace DirSync.Core.Storage;

/// <summary>The kind of value a store column holds, as every backend hands it over in a copy.</summary>
public enum StoreColumnType
{
    /// <summary>A 32-bit integer, as <see cref="int"/>.</summary>
    Int32,

    /// <summary>A 64-bit integer, as <see cref="long"/>.</summary>
    Int64,

    /// <summary>Text, as <see cref="string"/>.</summary>
    Text,

    /// <summary>Bytes, as a byte array.</summary>
    Blob,

    /// <summary>A GUID, as <see cref="System.Guid"/>.</summary>
    Guid,

    /// <summary>A flag, as <see cref="bool"/>.</summary>
    Boolean,
}
