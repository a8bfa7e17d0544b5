namespace DirSync.Core.Status;

/// <summary>How many live recipients of each class a directory holds.</summary>
/// <param name="Mailboxes">Mailboxes.</param>
/// <param name="CustomRecipients">Custom recipients (those Dir-Sync and instances made included).</param>
/// <param name="DistributionLists">Distribution lists.</param>
public sealed record RecipientCounts(long Mailboxes, long CustomRecipients, long DistributionLists);
