namespace DirSync.Core.Model;

/// <summary>One attribute of the directory schema, with both of its spellings.</summary>
/// <param name="Id">A stable number stores persist; never reuse or renumber one.</param>
/// <param name="ExchangeName">The Exchange directory spelling the seeds use, such as <c>Display-Name</c>.</param>
/// <param name="LdapName">The LDAP spelling, such as <c>displayName</c>; the canonical name in JSON and LDIF.</param>
/// <param name="Kind">Where the attribute lives and whether users may set it.</param>
/// <param name="IsMultiValued">True when the attribute holds several values.</param>
/// <param name="MaxLength">The longest value accepted, in characters.</param>
public sealed record AttributeDefinition(
    int Id,
    string ExchangeName,
    string LdapName,
    AttributeKind Kind,
    bool IsMultiValued,
    int MaxLength)
{
    /// <summary>Further accepted spellings, such as <c>Mail-nickname</c> for the alias.</summary>
    public IReadOnlyList<string> OtherNames { get; init; } = [];

    /// <summary>True when users and imports may set the attribute.</summary>
    public bool IsWritable => Kind != AttributeKind.Operational;

    /// <summary>True when <paramref name="other"/> is the same attribute: the same <see cref="Id"/>, which names one attribute for good.</summary>
    /// <remarks>
    /// Equality and hashing by the number alone: attributes key the sets and maps of every record read and every
    /// object written, and a record's own hash of every member (two names hashed each time) was a measurable part of an
    /// import's reading.
    /// </remarks>
    public bool Equals(AttributeDefinition? other) => other is not null && other.Id == Id;

    /// <inheritdoc/>
    public override int GetHashCode() => Id;

    /// <inheritdoc/>
    public override string ToString() => LdapName;
}
