using System.Collections;

namespace DirSync.Core.Model;

/// <summary>The descriptive attributes of an object (given name, title, extension attributes ...), each with its values.</summary>
/// <remarks>Enumerates in schema order, so output and stored bytes are deterministic. An attribute with no values is absent.</remarks>
public sealed class AttributeSet : IEnumerable<KeyValuePair<AttributeDefinition, IReadOnlyList<string>>>
{
    private readonly SortedList<int, (AttributeDefinition Attribute, string[] Values)> _values = [];

    /// <summary>How many attributes have values.</summary>
    public int Count => _values.Count;

    /// <summary>The values of an attribute; empty when it has none.</summary>
    public IReadOnlyList<string> Get(AttributeDefinition attribute) =>
        _values.TryGetValue(attribute.Id, out var entry) ? entry.Values : [];

    /// <summary>The single value of an attribute, or null.</summary>
    public string? GetSingle(AttributeDefinition attribute) =>
        _values.TryGetValue(attribute.Id, out var entry) ? entry.Values[0] : null;

    /// <summary>Replaces the values of a descriptive attribute; no values removes it.</summary>
    /// <exception cref="ArgumentException">The attribute is not descriptive.</exception>
    public void Set(AttributeDefinition attribute, IEnumerable<string> values)
    {
        if (attribute.Kind != AttributeKind.Descriptive)
        {
            throw new ArgumentException($"{attribute.LdapName} is not a descriptive attribute", nameof(attribute));
        }

        var array = values.ToArray();
        if (array.Length == 0)
        {
            _values.Remove(attribute.Id);
        }
        else
        {
            _values[attribute.Id] = (attribute, array);
        }
    }

    /// <summary>Removes an attribute.</summary>
    public bool Remove(AttributeDefinition attribute) => _values.Remove(attribute.Id);

    /// <summary>A deep copy.</summary>
    public AttributeSet Clone()
    {
        var copy = new AttributeSet();
        foreach (var (id, entry) in _values)
        {
            copy._values[id] = (entry.Attribute, [.. entry.Values]);
        }

        return copy;
    }

    /// <summary>True when both sets hold the same attributes with the same values in the same order.</summary>
    public bool ContentEquals(AttributeSet other)
    {
        if (other.Count != Count)
        {
            return false;
        }

        foreach (var (id, entry) in _values)
        {
            if (!other._values.TryGetValue(id, out var theirs) || !entry.Values.AsSpan().SequenceEqual(theirs.Values))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<AttributeDefinition, IReadOnlyList<string>>> GetEnumerator()
    {
        foreach (var entry in _values.Values)
        {
            yield return KeyValuePair.Create(entry.Attribute, (IReadOnlyList<string>)entry.Values);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
