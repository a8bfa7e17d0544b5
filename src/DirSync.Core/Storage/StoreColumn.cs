namespace DirSync.Core.Storage;

/// <summary>One column of a store table: its name in every backend and the kind of value it holds.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">The kind of value.</param>
public sealed record StoreColumn(string Name, StoreColumnType Type);
