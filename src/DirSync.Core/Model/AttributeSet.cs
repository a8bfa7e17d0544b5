using System.Collections;

namespace DirSync.Core.Model;

/// <summary>The descriptive attributes of an object (given name, title, extension attributes ...), each with its values.</summary>
/// <remarks>Enumerates in schema order, so output and stored bytes are deterministic. An attribute with no values is absent.</remarks>
public sealed class AttributeSet : IEnumerable<KeyValuePair<AttributeDefinition, IReadOnlyList<string>>>
{
    // Kept sorted by attribute id; values usually arrive in schema order, so most sets append.
    private readonly List<(AttributeDefinition Attribute, string[] Values)> _values;

    /// <summary>An empty set with room for <paramref name="capacity"/> attributes.</summary>
    public AttributeSet(int capacity = 0) => _values = new(capacity);

    /// <summary>How many attributes have values.</summary>
    public int Count => _values.Count;

    /// <summary>Makes room for <paramref name="capacity"/> attributes, so a recipient filled attribute by attribute grows once.</summary>
    public void EnsureCapacity(int capacity) => _values.EnsureCapacity(capacity);

    /// <summary>The values of an attribute; empty when it has none.</summary>
    public IReadOnlyList<string> Get(AttributeDefinition attribute)
    {
        var index = Find(attribute.Id);
        return index >= 0 ? _values[index].Values : [];
    }

    /// <summary>The single value of an attribute, or null.</summary>
    public string? GetSingle(AttributeDefinition attribute)
    {
        var index = Find(attribute.Id);
        return index >= 0 ? _values[index].Values[0] : null;
    }

    /// <summary>Replaces the values of a descriptive attribute; no values removes it.</summary>
    /// <exception cref="ArgumentException">The attribute is not descriptive.</exception>
    public void Set(AttributeDefinition attribute, IEnumerable<string> values)
    {
        if (attribute.Kind != AttributeKind.Descriptive)
        {
            throw new ArgumentException($"{attribute.LdapName} is not a descriptive attribute", nameof(attribute));
        }

        var array = values.ToArray();
        var index = Find(attribute.Id);
        if (array.Length == 0)
        {
            if (index >= 0)
            {
                _values.RemoveAt(index);
            }
        }
        else if (index >= 0)
        {
            _values[index] = (attribute, array);
        }
        else
        {
            _values.Insert(~index, (attribute, array));
        }
    }

    /// <summary>Sets values a store wrote after validating them, in schema order as it wrote them: no copy, no checks.</summary>
    /// <remarks>For stores only; the array becomes the set's own.</remarks>
    public void SetFromStore(AttributeDefinition attribute, string[] values)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        ArgumentNullException.ThrowIfNull(values);
        var index = Find(attribute.Id);
        if (index >= 0)
        {
            _values[index] = (attribute, values);
        }
        else
        {
            _values.Insert(~index, (attribute, values));
        }
    }

    /// <summary>Removes an attribute.</summary>
    public bool Remove(AttributeDefinition attribute)
    {
        var index = Find(attribute.Id);
        if (index < 0)
        {
            return false;
        }

        _values.RemoveAt(index);
        return true;
    }

    /// <summary>A deep copy.</summary>
    public AttributeSet Clone()
    {
        var copy = new AttributeSet(_values.Count);
        foreach (var entry in _values)
        {
            copy._values.Add((entry.Attribute, [.. entry.Values]));
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

        for (var i = 0; i < _values.Count; i++)
        {
            var (mine, theirs) = (_values[i], other._values[i]);
            if (mine.Attribute.Id != theirs.Attribute.Id || !mine.Values.AsSpan().SequenceEqual(theirs.Values))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The attributes in schema order, each with its values.</summary>
    /// <remarks>A struct: a store writing a million objects walks every set once each, without an enumerator object per walk.</remarks>
    public Enumerator GetEnumerator() => new(_values);

    /// <summary>The index of an attribute, or the complement of where it would go.</summary>
    private int Find(int id)
    {
        if (_values.Count == 0 || _values[^1].Attribute.Id < id)
        {
            return ~_values.Count;
        }

        int low = 0, high = _values.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var current = _values[middle].Attribute.Id;
            if (current == id)
            {
                return middle;
            }

            if (current < id)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    IEnumerator<KeyValuePair<AttributeDefinition, IReadOnlyList<string>>> IEnumerable<KeyValuePair<AttributeDefinition, IReadOnlyList<string>>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks an <see cref="AttributeSet"/> in schema order.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<AttributeDefinition, IReadOnlyList<string>>>
    {
        private readonly List<(AttributeDefinition Attribute, string[] Values)> _values;
        private int _index;

        internal Enumerator(List<(AttributeDefinition Attribute, string[] Values)> values)
        {
            _values = values;
            _index = -1;
        }

        /// <inheritdoc/>
        public readonly KeyValuePair<AttributeDefinition, IReadOnlyList<string>> Current =>
            KeyValuePair.Create(_values[_index].Attribute, (IReadOnlyList<string>)_values[_index].Values);

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext() => ++_index < _values.Count;

        /// <inheritdoc/>
        public void Reset() => _index = -1;

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
