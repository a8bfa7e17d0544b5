namespace DirSync.Core.Connectors;

/// <summary>An entry DirSync created in a directory for one of the store's objects: the only entries it changes or deletes there.</summary>
/// <param name="Object">The store object's GUID.</param>
/// <param name="Dn">The entry's DN as last written.</param>
/// <param name="Anchor">The entry's own anchor in the directory (entryUUID, objectGUID): how it is found again after a hand rename.</param>
public sealed record OwnedEntry(Guid Object, string Dn, Guid Anchor);
