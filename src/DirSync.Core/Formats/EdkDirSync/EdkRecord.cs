using System.Text;

namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>One DIRSYNC record: an operation on the object a distinguished name names, with its attributes.</summary>
/// <remarks>
/// Two records are equal when operation, name and attributes (in order) are; <see cref="LineNumber"/> only
/// says where a record was read and takes no part in equality.
/// </remarks>
/// <param name="Operation">Add, modify or delete.</param>
/// <param name="DistinguishedName">The object's name exactly as it follows the operation letter, such as <c>/o=Testorg/ou=Site1/cn=Recipients/cn=Mailbox11</c>.</param>
/// <param name="Attributes">The attributes in the order of their first line; empty for a delete.</param>
public sealed record EdkRecord(EdkOperation Operation, string DistinguishedName, IReadOnlyList<EdkAttribute> Attributes)
{
    /// <summary>The 1-based line of the record's header in the input it was read from; 0 for a record built in code.</summary>
    public long LineNumber { get; init; }

    /// <inheritdoc/>
    public bool Equals(EdkRecord? other)
    {
        if (other is null || other.Operation != Operation || other.Attributes.Count != Attributes.Count
            || !string.Equals(other.DistinguishedName, DistinguishedName, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < Attributes.Count; i++)
        {
            if (!Attributes[i].Equals(other.Attributes[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Operation, DistinguishedName, Attributes.Count);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Operation = ").Append(Operation)
            .Append(", DistinguishedName = ").Append(DistinguishedName)
            .Append(", LineNumber = ").Append(LineNumber)
            .Append(", Attributes = [");
        for (var i = 0; i < Attributes.Count; i++)
        {
            builder.Append(i == 0 ? "" : ", ").Append(Attributes[i]);
        }

        builder.Append(']');
        return true;
    }
}
