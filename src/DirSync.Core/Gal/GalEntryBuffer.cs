using System.Globalization;
using System.Text;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Gal;

/// <summary>The entries of one rebuild, packed: a 32-byte row per entry, its sort key and strings as UTF-8 in large chunks.</summary>
/// <remarks>
/// <para>
/// A million entries must be held to sort them. As objects with .NET strings and <see cref="SortKey"/>s they
/// would cost about 350 bytes each and survive into the oldest GC generation one by one; packed, they cost
/// about 110 bytes and leave the collector nothing but a few large arrays.
/// </para>
/// <para>
/// An item is a number: a row (0 and up) is an entry under its own display name; a suffixed item (negative,
/// <c>~n</c>) is a row shown under a suffixed name, with a key and name of its own and the rest shared with its row.
/// </para>
/// </remarks>
internal sealed class GalEntryBuffer
{
    private const int ChunkSize = 1 << 20;

    // Room offered to ICU for a sort key before asking it for the exact length: a display name gives a
    // byte or two of key per character, so only freak names ever take the slower way.
    private const int KeyReserve = 4096;

    private readonly CompareInfo _compareInfo;
    private readonly CompareOptions _options;
    private readonly List<byte[]> _chunks = [];
    private readonly Dictionary<string, int> _postofficeIds = new(StringComparer.Ordinal);
    private readonly List<string> _postoffices = [];
    private Row[] _rows = new Row[1024];
    private Suffixed[] _suffixed = new Suffixed[64];
    private int _suffixedCount;
    private int[]? _postofficeOrder;
    private byte[] _chunk = [];
    private int _used;

    public GalEntryBuffer(CompareInfo compareInfo, CompareOptions options)
    {
        _compareInfo = compareInfo;
        _options = options;
        KeyEquality = new KeyComparer(this);
    }

    /// <summary>How many rows (recipients) the buffer holds.</summary>
    public int Count { get; private set; }

    /// <summary>Items are equal when their sort keys are: when their names compare equal under the culture.</summary>
    public IEqualityComparer<int> KeyEquality { get; }

    /// <summary>Adds a row; postoffice names are stored once however many rows share them.</summary>
    public void Add(Guid guid, ObjectClass objectClass, string displayName, string alias, string address, string postoffice)
    {
        if (Count == _rows.Length)
        {
            Array.Resize(ref _rows, _rows.Length * 2);
        }

        if (!_postofficeIds.TryGetValue(postoffice, out var postofficeId))
        {
            postofficeId = _postoffices.Count;
            _postoffices.Add(postoffice);
            _postofficeIds.Add(postoffice, postofficeId);
            _postofficeOrder = null;
        }

        var stringBytes = MaxBytes(displayName.Length) + MaxBytes(alias.Length) + MaxBytes(address.Length);
        ref var row = ref _rows[Count++];
        row.Guid = guid;
        row.Class = (byte)objectClass;
        row.Postoffice = postofficeId;
        (row.Chunk, row.Offset, row.KeyLength) = WriteKey(displayName, stringBytes);
        WriteString(displayName);
        WriteString(alias);
        WriteString(address);
    }

    /// <summary>Adds a suffixed item: <paramref name="row"/> shown as <paramref name="displayName"/>.</summary>
    /// <remarks>The last one added can be taken back with <see cref="RemoveLastSuffixed"/>, to try another suffix.</remarks>
    public int AddSuffixed(int row, ReadOnlySpan<char> displayName)
    {
        if (_suffixedCount == _suffixed.Length)
        {
            Array.Resize(ref _suffixed, _suffixed.Length * 2);
        }

        ref var item = ref _suffixed[_suffixedCount];
        item.Row = row;
        (item.Chunk, item.Offset, item.KeyLength) = WriteKey(displayName, MaxBytes(displayName.Length));
        WriteString(displayName);
        return ~_suffixedCount++;
    }

    /// <summary>Takes back the suffixed item added last, and the bytes it took.</summary>
    public void RemoveLastSuffixed()
    {
        ref readonly var item = ref _suffixed[--_suffixedCount];

        // The item was the last thing written, so the chunk it is in is the current one.
        _used = item.Offset;
    }

    /// <summary>The row an item shows.</summary>
    public int RowOf(int item) => item >= 0 ? item : _suffixed[~item].Row;

    public ReadOnlySpan<byte> Key(int item)
    {
        if (item >= 0)
        {
            ref readonly var row = ref _rows[item];
            return _chunks[row.Chunk].AsSpan(row.Offset, row.KeyLength);
        }

        ref readonly var suffixed = ref _suffixed[~item];
        return _chunks[suffixed.Chunk].AsSpan(suffixed.Offset, suffixed.KeyLength);
    }

    /// <summary>The display name of an item as UTF-8.</summary>
    public ReadOnlySpan<byte> DisplayName(int item)
    {
        var position = 0;
        return ReadBytes(Strings(item), ref position);
    }

    /// <summary>The rows in tie order: display name under the culture, then postoffice and alias, ordinal.</summary>
    public int[] Sort()
    {
        var order = new int[Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, Compare);
        return order;
    }

    /// <summary>Compares two items in tie order.</summary>
    public int Compare(int a, int b)
    {
        var result = Key(a).SequenceCompareTo(Key(b));
        if (result != 0)
        {
            return result;
        }

        (a, b) = (RowOf(a), RowOf(b));
        _postofficeOrder ??= OrdinalRanks(_postoffices);
        result = _postofficeOrder[_rows[a].Postoffice].CompareTo(_postofficeOrder[_rows[b].Postoffice]);
        if (result != 0)
        {
            return result;
        }

        // Aliases are unique in a store, so the anchor only orders what a store with a bug could repeat.
        result = CompareOrdinal(Alias(a), Alias(b));
        return result != 0 ? result : _rows[a].Guid.CompareTo(_rows[b].Guid);
    }

    /// <summary>The entry an item stands for, at <paramref name="rank"/>.</summary>
    public GalEntry ToEntry(int item, long rank)
    {
        var index = RowOf(item);
        ref readonly var row = ref _rows[index];
        var displayName = Encoding.UTF8.GetString(DisplayName(item));
        var strings = Strings(index);
        var position = 0;
        ReadBytes(strings, ref position);
        var alias = Encoding.UTF8.GetString(ReadBytes(strings, ref position));
        var address = Encoding.UTF8.GetString(ReadBytes(strings, ref position));
        return new GalEntry(rank, displayName, alias, (ObjectClass)row.Class, address, _postoffices[row.Postoffice], row.Guid, GalSearch.Fold(displayName));
    }

    /// <summary>UTF-8 orders by code point, .NET's ordinal by UTF-16 unit: this gives the ordinal order without decoding.</summary>
    private static int CompareOrdinal(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var common = x.CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        var (p, q) = (x[common], y[common]);

        // The two orders disagree only where a character of U+E000 to U+FFFF (lead byte EE or EF) meets a
        // supplementary one (F0 to F4): UTF-16 puts the supplementary one first, as its surrogates are lower.
        if (p >= 0xEE && q >= 0xEE && (p >= 0xF0) != (q >= 0xF0))
        {
            return p >= 0xF0 ? -1 : 1;
        }

        return p.CompareTo(q);
    }

    private ReadOnlySpan<byte> Alias(int row)
    {
        var strings = Strings(row);
        var position = 0;
        ReadBytes(strings, ref position);
        return ReadBytes(strings, ref position);
    }

    /// <summary>What follows an item's key: its display name, then for a row its alias and address, each length-prefixed.</summary>
    private ReadOnlySpan<byte> Strings(int item)
    {
        if (item >= 0)
        {
            ref readonly var row = ref _rows[item];
            return _chunks[row.Chunk].AsSpan(row.Offset + row.KeyLength);
        }

        ref readonly var suffixed = ref _suffixed[~item];
        return _chunks[suffixed.Chunk].AsSpan(suffixed.Offset + suffixed.KeyLength);
    }

    /// <summary>Writes the sort key of <paramref name="text"/>, leaving room for <paramref name="stringBytes"/> after it.</summary>
    private (ushort Chunk, int Offset, int Length) WriteKey(ReadOnlySpan<char> text, int stringBytes)
    {
        Reserve(stringBytes + KeyReserve);
        int length;
        try
        {
            length = _compareInfo.GetSortKey(text, _chunk.AsSpan(_used, _chunk.Length - _used - stringBytes), _options);
        }
        catch (ArgumentException)
        {
            // The key did not fit the room offered (see KeyReserve): measure it and give it a chunk of its own.
            length = _compareInfo.GetSortKeyLength(text, _options);
            StartChunk(length + stringBytes);
            _compareInfo.GetSortKey(text, _chunk.AsSpan(_used, length), _options);
        }

        var offset = _used;
        _used += length;
        return (checked((ushort)(_chunks.Count - 1)), offset, length);
    }

    private void Reserve(int bytes)
    {
        if (_chunk.Length - _used < bytes)
        {
            StartChunk(bytes);
        }
    }

    private void StartChunk(int bytes)
    {
        _chunk = new byte[Math.Max(ChunkSize, bytes)];
        _chunks.Add(_chunk);
        _used = 0;
    }

    private void WriteString(ReadOnlySpan<char> text)
    {
        var span = _chunk.AsSpan(_used);
        var length = (uint)Encoding.UTF8.GetByteCount(text);
        var position = 0;
        while (length >= 0x80)
        {
            span[position++] = (byte)(length | 0x80);
            length >>= 7;
        }

        span[position++] = (byte)length;
        _used += position + Encoding.UTF8.GetBytes(text, span[position..]);
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> strings, scoped ref int position)
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = strings[position++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        var bytes = strings.Slice(position, length);
        position += length;
        return bytes;
    }

    // Five bytes of length prefix at most, then three UTF-8 bytes per UTF-16 unit at most.
    private static int MaxBytes(int chars) => 5 + Encoding.UTF8.GetMaxByteCount(chars);

    private static int[] OrdinalRanks(List<string> names)
    {
        var ids = Enumerable.Range(0, names.Count).ToArray();
        Array.Sort(ids, (a, b) => string.CompareOrdinal(names[a], names[b]));
        var ranks = new int[names.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ranks[ids[i]] = i;
        }

        return ranks;
    }

    private struct Row
    {
        public Guid Guid;
        public int Offset;
        public int KeyLength;
        public int Postoffice;
        public ushort Chunk;
        public byte Class;
    }

    private struct Suffixed
    {
        public int Row;
        public int Offset;
        public int KeyLength;
        public ushort Chunk;
    }

    private sealed class KeyComparer(GalEntryBuffer buffer) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => buffer.Key(x).SequenceEqual(buffer.Key(y));

        public int GetHashCode(int obj)
        {
            var hash = new HashCode();
            hash.AddBytes(buffer.Key(obj));
            return hash.ToHashCode();
        }
    }
}
