using System.Collections;
using System.Runtime.CompilerServices;

namespace DirSync.Core.Sync;

/// <summary>
/// A set of anchors held as one sorted array of 16-byte values: what a full change set names, read before its records
/// are applied so that what the source no longer has is deleted first.
/// </summary>
/// <remarks>
/// A <see cref="HashSet{T}"/> of four million GUIDs takes about 28 bytes an anchor once full, and twice that while it
/// grows (the old table and the new side by side); this takes 16, plus the builder's list while it grows. A question is a
/// binary search (22 steps at four million), asked once for each object the store holds of the source.
/// The order is of the values' bits, not <see cref="Guid.CompareTo(Guid)"/>'s: only membership is asked.
/// </remarks>
public sealed class AnchorSet : IReadOnlySet<Guid>
{
    private readonly UInt128[] _sorted;

    private AnchorSet(UInt128[] sorted) => _sorted = sorted;

    /// <summary>An empty set.</summary>
    public static AnchorSet Empty { get; } = new([]);

    /// <inheritdoc/>
    public int Count => _sorted.Length;

    /// <summary>Makes a set of <paramref name="anchors"/> (repeats counted once).</summary>
    public static AnchorSet Of(IEnumerable<Guid> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var builder = new Builder(anchors.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var anchor in anchors)
        {
            builder.Add(anchor);
        }

        return builder.Build();
    }

    /// <inheritdoc/>
    public bool Contains(Guid item) => Array.BinarySearch(_sorted, Bits(item)) >= 0;

    /// <inheritdoc/>
    public IEnumerator<Guid> GetEnumerator()
    {
        foreach (var value in _sorted)
        {
            yield return Unsafe.BitCast<UInt128, Guid>(value);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool IsProperSubsetOf(IEnumerable<Guid> other)
    {
        var theirs = Distinct(other);
        return theirs.Count > Count && this.All(theirs.Contains);
    }

    /// <inheritdoc/>
    public bool IsProperSupersetOf(IEnumerable<Guid> other)
    {
        var theirs = Distinct(other);
        return theirs.Count < Count && theirs.All(Contains);
    }

    /// <inheritdoc/>
    public bool IsSubsetOf(IEnumerable<Guid> other)
    {
        var theirs = Distinct(other);
        return theirs.Count >= Count && this.All(theirs.Contains);
    }

    /// <inheritdoc/>
    public bool IsSupersetOf(IEnumerable<Guid> other) => Distinct(other).All(Contains);

    /// <inheritdoc/>
    public bool Overlaps(IEnumerable<Guid> other) => Distinct(other).Any(Contains);

    /// <inheritdoc/>
    public bool SetEquals(IEnumerable<Guid> other)
    {
        var theirs = Distinct(other);
        return theirs.Count == Count && theirs.All(Contains);
    }

    private static HashSet<Guid> Distinct(IEnumerable<Guid> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other is HashSet<Guid> set && set.Comparer.Equals(EqualityComparer<Guid>.Default) ? set : [.. other];
    }

    private static UInt128 Bits(Guid anchor) => Unsafe.BitCast<Guid, UInt128>(anchor);

    /// <summary>Collects anchors in any order, with repeats; <see cref="Build"/> sorts them once, in place.</summary>
    public sealed class Builder
    {
        private UInt128[] _values;

        /// <summary>Starts a set expected to hold about <paramref name="expected"/> anchors (a hint: it grows past it).</summary>
        /// <remarks>Given the right count, the set is the one array it was collected in: nothing is copied.</remarks>
        public Builder(long expected = 0) => _values = new UInt128[Math.Clamp(expected, 0, Array.MaxLength)];

        /// <summary>How many anchors were added, repeats included.</summary>
        public int Count { get; private set; }

        /// <summary>Adds an anchor.</summary>
        public void Add(Guid anchor)
        {
            if (Count == _values.Length)
            {
                Array.Resize(ref _values, (int)Math.Clamp(Math.Max(16L, 2L * _values.Length), 0, Array.MaxLength));
            }

            _values[Count++] = Bits(anchor);
        }

        /// <summary>The set of what was added; the builder is empty after.</summary>
        public AnchorSet Build()
        {
            var values = _values;
            var span = values.AsSpan(0, Count);
            span.Sort();
            var distinct = span.IsEmpty ? 0 : 1;
            for (var i = 1; i < span.Length; i++)
            {
                if (span[i] != span[distinct - 1])
                {
                    span[distinct++] = span[i];
                }
            }

            _values = [];
            Count = 0;
            return new AnchorSet(distinct == values.Length ? values : values[..distinct]);
        }
    }
}
