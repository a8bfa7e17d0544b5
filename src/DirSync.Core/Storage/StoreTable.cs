namespace DirSync.Core.Storage;

/// <summary>One table of a store as every backend keeps it: its name, its columns and the key rows are read in order of.</summary>
/// <remarks>
/// Both backends keep the same tables with the same columns, so a store is copied row for row and two copies
/// compare equal by their content (<see cref="StoreContent"/>). Text keys compare as bytes on both, so rows come in
/// the same order from either.
/// </remarks>
/// <param name="Name">The table's name.</param>
/// <param name="Columns">Its columns, in the order rows hold their values.</param>
/// <param name="OrderBy">The key columns, comma-separated, that fix the order of its rows.</param>
public sealed record StoreTable(string Name, IReadOnlyList<StoreColumn> Columns, string OrderBy)
{
    /// <summary>Every table of a store, parents before children: the order a copy writes them in.</summary>
    public static IReadOnlyList<StoreTable> All { get; } =
    [
        new("store_info", Parse("id:i32 identity:guid organization:text site:text server:text created:i64 highest_usn:i64 purged_through_usn:i64"), "id"),
        new("containers", Parse("id:i64 path:text path_key:text parent_id:i64"), "id"),
        new(
            "objects",
            Parse("id:i64 guid:guid class:i32 alias:text alias_key:text display_name:text display_key:text container_id:i64 target_address:text " +
                    "origin_source:text origin_anchor:guid imported_from:text usn_created:i64 usn_changed:i64 is_deleted:bool when_created:i64 when_changed:i64 attrs:blob"),
            "id"),
        new("proxies", Parse("address_key:text object_id:i64"), "address_key"),
        new("members", Parse("dl_id:i64 member_id:i64"), "dl_id, member_id"),
        new("instances", Parse("name_key:text name:text settings:text state:text"), "name_key"),
        new("settings", Parse("key:text value:text"), "key"),
        new("queue", Parse("queue:text number:i64 origin:text time:i64 payload:blob"), "queue, number"),
        new("events", Parse("id:i64 time:i64 code:i32 severity:i32 message:text"), "id"),
        new("gal", Parse("rank:i64 display_name:text alias:text class:i32 address:text postoffice:text guid:guid search_key:text"), "rank"),
        new("address_templates", Parse("address_type:text template:text"), "address_type"),
    ];

    /// <summary>The column names, comma-separated, for a SELECT or an INSERT.</summary>
    public string ColumnList => string.Join(", ", Columns.Select(c => c.Name));

    private static StoreColumn[] Parse(string spec) =>
        [.. spec.Split(' ').Select(c => c.Split(':')).Select(p => new StoreColumn(p[0], p[1] switch
        {
            "i32" => StoreColumnType.Int32,
            "i64" => StoreColumnType.Int64,
            "text" => StoreColumnType.Text,
            "blob" => StoreColumnType.Blob,
            "guid" => StoreColumnType.Guid,
            "bool" => StoreColumnType.Boolean,
            _ => throw new ArgumentException($"unknown column type '{p[1]}'", nameof(spec)),
        }))];
}
