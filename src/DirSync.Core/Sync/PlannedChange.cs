namespace DirSync.Core.Sync;

/// <summary>One step of an import plan, reported as it is decided.</summary>
/// <param name="Action">add, modify, delete or unchanged.</param>
/// <param name="Alias">The local alias of the object.</param>
/// <param name="Detail">Why, or what changes.</param>
public sealed record PlannedChange(string Action, string Alias, string Detail);
