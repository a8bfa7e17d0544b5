using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>One line of the Global Address List.</summary>
/// <param name="Rank">Its position in display-name order (1 is first).</param>
/// <param name="DisplayName">The name shown, unique within the list.</param>
/// <param name="Alias">The recipient's alias.</param>
/// <param name="Class">The recipient's class.</param>
/// <param name="Address">The address mail to it uses, <c>TYPE:address</c>.</param>
/// <param name="Postoffice">The postoffice or source that owns it.</param>
/// <param name="Guid">The recipient's anchor in this store.</param>
/// <param name="SearchKey">The folded display name prefix searches match against.</param>
public sealed record GalEntry(long Rank, string DisplayName, string Alias, ObjectClass Class, string Address, string Postoffice, Guid Guid, string SearchKey);
