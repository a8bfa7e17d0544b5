using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>One column of a bulk CSV header.</summary>
/// <param name="Index">The 0-based position in the row; error messages count from 1.</param>
/// <param name="Name">The name as the header spells it (trimmed).</param>
/// <param name="Attribute">The attribute the column holds; null for the <c>Mode</c> column.</param>
public sealed record BulkColumn(int Index, string Name, AttributeDefinition? Attribute)
{
    /// <summary>True for the <c>Mode</c> column.</summary>
    public bool IsMode => Attribute is null;

    /// <summary>True when a field of the column holds several values separated by <c>%</c>.</summary>
    public bool IsMultiValued => Attribute?.IsMultiValued == true;
}
