namespace DirSync.Core.Model;

/// <summary>A member of a distribution list: its anchor and its alias when read.</summary>
public sealed record MemberRef(Guid Guid, string Alias);
