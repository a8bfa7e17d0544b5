namespace DirSync.Core.Bulk;

/// <summary>What a bulk export wrote.</summary>
/// <param name="File">The file written.</param>
/// <param name="Mailboxes">Mailbox rows.</param>
/// <param name="CustomRecipients">Remote (custom recipient) rows.</param>
/// <param name="DistributionLists">dl rows.</param>
public sealed record BulkExportResult(string File, long Mailboxes, long CustomRecipients, long DistributionLists)
{
    /// <summary>Every row written.</summary>
    public long Recipients => Mailboxes + CustomRecipients + DistributionLists;
}
