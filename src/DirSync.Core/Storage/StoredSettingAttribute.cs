namespace DirSync.Core.Storage;

/// <summary>Marks a type that <see cref="StoredJson"/> keeps in a store setting; its shape is a stored format from then on.</summary>
/// <remarks>
/// Every property of such a type (and of the types it holds) names its stored name with <c>[JsonPropertyName]</c>, so renaming
/// the C# property cannot change what is stored; a test fails on any that does not. Adding an optional property needs no new
/// version; raise <see cref="Version"/> only when older readers would misread the new form.
/// </remarks>
/// <param name="version">The version of the stored form this code writes.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StoredSettingAttribute(int version) : Attribute
{
    /// <summary>The version of the stored form this code writes (and the newest it reads).</summary>
    public int Version { get; } = version;
}
