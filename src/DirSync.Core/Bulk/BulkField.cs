namespace DirSync.Core.Bulk;

/// <summary>A non-empty attribute field of a bulk CSV row: its values, or none for <c>~DEL</c>.</summary>
/// <param name="Column">The column the field is in.</param>
/// <param name="Values">The values (one unless the attribute is multi-valued); empty when the field clears the attribute.</param>
public readonly record struct BulkField(BulkColumn Column, IReadOnlyList<string> Values)
{
    /// <summary>True when the field is <c>~DEL</c>: the attribute is to be cleared.</summary>
    public bool IsClear => Values.Count == 0;
}
