namespace DirSync.Ldap.Protocol;

/// <summary>One message from the server: an entry, a reference, an intermediate response or an operation's result.</summary>
internal sealed class LdapResponse
{
    public LdapResponse(int messageId, int operation)
    {
        MessageId = messageId;
        Operation = operation;
    }

    /// <summary>The request it answers.</summary>
    public int MessageId { get; }

    /// <summary>The protocol operation's application tag number (4 entry, 5 search done, 19 reference, 25 intermediate, ...).</summary>
    public int Operation { get; }

    /// <summary>The result, for a message that ends an operation.</summary>
    public LdapResult? Result { get; init; }

    /// <summary>The entry, for a search result entry.</summary>
    public LdapEntry? Entry { get; init; }

    /// <summary>The response name of an intermediate or extended response.</summary>
    public string? Name { get; init; }

    /// <summary>The response value of an intermediate or extended response.</summary>
    public byte[]? Value { get; init; }

    /// <summary>The message's controls (for an entry, also on <see cref="LdapEntry.Controls"/>).</summary>
    public IReadOnlyList<LdapControl> Controls { get; init; } = [];

    public bool IsEntry => Operation == LdapOperations.SearchEntry;

    public bool IsIntermediate => Operation == LdapOperations.Intermediate;

    public bool IsDone => Result is not null;
}
