namespace DirSync.Core.Storage;

/// <summary>The stored template text of one address type.</summary>
public sealed record AddressTemplateSetting(string AddressType, string Template);
