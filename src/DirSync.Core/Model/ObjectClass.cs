namespace DirSync.Core.Model;

/// <summary>The kinds of recipient a directory holds.</summary>
/// <remarks>The numeric values are persisted by stores; never renumber them.</remarks>
public enum ObjectClass
{
    /// <summary>A mailbox homed on this server.</summary>
    Mailbox = 1,

    /// <summary>A mail contact whose mail goes to a target address elsewhere (Exchange's "Remote").</summary>
    CustomRecipient = 2,

    /// <summary>A distribution list with members.</summary>
    DistributionList = 3,
}
