using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>Which live recipients to list.</summary>
/// <param name="Container">Only this container; null for all.</param>
/// <param name="IncludeSubcontainers">With <paramref name="Container"/>, also the containers below it.</param>
/// <param name="Class">Only this class; null for all.</param>
/// <param name="OriginSource">Only objects imported from this source; null for all.</param>
/// <param name="ImportedFrom">Only objects whose <c>importedFrom</c> is this (case-insensitive; a hub entry's owning postoffice); null for all.</param>
public sealed record RecipientFilter(
    DirectoryPath? Container = null,
    bool IncludeSubcontainers = false,
    ObjectClass? Class = null,
    string? OriginSource = null,
    string? ImportedFrom = null)
{
    /// <summary>Every live recipient.</summary>
    public static RecipientFilter All { get; } = new();
}
