using System.Text;

namespace DirSync.Core.Formats.EdkDirSync;

/// <summary>One attribute of a DIRSYNC record with all its values, as <c>- Name:value</c> or <c>- Name[n]:value</c> lines.</summary>
/// <remarks>
/// Two attributes are equal when their names match exactly (ordinal), their values match in order and
/// <see cref="IsIndexed"/> agrees; the reader compares names case-insensitively only to find duplicates.
/// </remarks>
/// <param name="Name">The attribute name, such as <c>Display-Name</c> or <c>Proxy-Addresses</c>.</param>
/// <param name="Values">The values in index order; empty for an attribute written without a value.</param>
/// <param name="IsIndexed">True when the values are (or are to be) written as <c>Name[0]</c>, <c>Name[1]</c>, ...</param>
public sealed record EdkAttribute(string Name, IReadOnlyList<string> Values, bool IsIndexed)
{
    /// <summary>Creates a single-valued attribute written as <c>- Name:value</c>.</summary>
    public EdkAttribute(string name, string value)
        : this(name, new[] { value }, false)
    {
    }

    /// <inheritdoc/>
    public bool Equals(EdkAttribute? other)
    {
        if (other is null || other.IsIndexed != IsIndexed || other.Values.Count != Values.Count
            || !string.Equals(other.Name, Name, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < Values.Count; i++)
        {
            if (!string.Equals(other.Values[i], Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Values.Count, IsIndexed);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Values = [");
        for (var i = 0; i < Values.Count; i++)
        {
            builder.Append(i == 0 ? "\"" : ", \"").Append(Values[i]).Append('"');
        }

        builder.Append("], IsIndexed = ").Append(IsIndexed);
        return true;
    }
}
