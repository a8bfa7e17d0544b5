namespace DirSync.Core.Model;

/// <summary>Where an imported object came from: the source that alone may change or delete it.</summary>
/// <param name="Source">The source's stable key (for a DirSync store, its identity GUID).</param>
/// <param name="Anchor">The object's anchor GUID at the source; imports match on it, never on names.</param>
/// <param name="ImportedFrom">A readable name of the source, shown as <c>importedFrom</c>.</param>
public sealed record ObjectOrigin(string Source, Guid Anchor, string ImportedFrom);
