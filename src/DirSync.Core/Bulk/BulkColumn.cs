using DirSync.Core.Model;

namespace DirSync.Core.Bulk;

/// <summary>One column of a bulk CSV header.</summary>
/// <param name="Index">The 0-based position in the row; error messages count from 1.</param>
/// <param name="Name">The name as the header spells it (trimmed).</param>
/// <param name="Kind">What the column holds.</param>
/// <param name="Attribute">The attribute of an <see cref="BulkColumnKind.Attribute"/> or <see cref="BulkColumnKind.MailNickname"/> column; null otherwise.</param>
public sealed record BulkColumn(int Index, string Name, BulkColumnKind Kind, AttributeDefinition? Attribute = null)
{
    /// <summary>True for the <c>Mode</c> column.</summary>
    public bool IsMode => Kind == BulkColumnKind.Mode;

    /// <summary>True when a field of the column holds several values separated by <c>%</c>.</summary>
    public bool IsMultiValued => Kind == BulkColumnKind.Attribute && Attribute!.IsMultiValued;
}
