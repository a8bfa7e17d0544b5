using System.Globalization;
using System.Text;
using DirSync.Core.Model;
using DirSync.Core.Storage;

namespace DirSync.Core.Gal;

/// <summary>The entries of one rebuild, packed: a 32-byte row per entry, its sort key and strings as UTF-8 in large chunks.</summary>
/// <remarks>
/// A million entries must be held to sort them. As objects with .NET strings and <see cref="SortKey"/>s they
/// would cost about 350 bytes each and survive into the oldest GC generation one by one; packed, they cost
/// about 110 bytes and leave the collector nothing but a few large arrays.
/// </remarks>
internal sealed class GalEntryBuffer
{
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;

    // Room offered to ICU for a sort key before asking it for the exact length: a display name gives a
    // byte or two of key per character, so only freak names ever take the slower way.
    private const int KeyReserve = 4096;

    private readonly CompareInfo _compareInfo;
    private readonly CompareOptions _options;
    private readonly List<byte[]> _chunks = [];
    private readonly Dictionary<string, int> _postofficeIds = new(StringComparer.Ordinal);
    private readonly List<string> _postoffices = [];
    private Row[] _rows = new Row[1024];
    private int[]? _postofficeOrder;
    private byte[] _chunk = [];
    private int _used;

    public GalEntryBuffer(CompareInfo compareInfo, CompareOptions options)
    {
        _compareInfo = compareInfo;
        _options = options;
    }

    public int Count { get; private set; }

    /// <summary>Adds an entry; postoffice names are stored once however many entries share them.</summary>
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

        ref var row = ref _rows[Count++];
        row.Guid = guid;
        row.Class = (byte)objectClass;
        row.Postoffice = postofficeId;
        Write(ref row, displayName, alias, address);
    }

    /// <summary>Gives an entry another display name (and with it another sort key).</summary>
    public void Rename(int index, string displayName)
    {
        var (_, alias, address) = Strings(index);
        Write(ref _rows[index], displayName, alias, address);
    }

    public ReadOnlySpan<byte> Key(int index)
    {
        ref readonly var row = ref _rows[index];
        return _chunks[row.Chunk].AsSpan(row.Offset, row.KeyLength);
    }

    public string DisplayName(int index) => Strings(index).DisplayName;

    /// <summary>The indexes of every entry in tie order: display name under the culture, then postoffice and alias, ordinal.</summary>
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

    /// <summary>Compares two entries in tie order.</summary>
    public int Compare(int a, int b)
    {
        var result = Key(a).SequenceCompareTo(Key(b));
        if (result != 0)
        {
            return result;
        }

        _postofficeOrder ??= OrdinalRanks(_postoffices);
        result = _postofficeOrder[_rows[a].Postoffice].CompareTo(_postofficeOrder[_rows[b].Postoffice]);
        if (result != 0)
        {
            return result;
        }

        // Aliases are unique in a store, so the anchor only orders what a foreign reader could repeat.
        result = string.CompareOrdinal(Strings(a).Alias, Strings(b).Alias);
        return result != 0 ? result : _rows[a].Guid.CompareTo(_rows[b].Guid);
    }

    public GalEntry ToEntry(int index, long rank)
    {
        ref readonly var row = ref _rows[index];
        var (displayName, alias, address) = Strings(index);
        return new GalEntry(rank, displayName, alias, (ObjectClass)row.Class, address, _postoffices[row.Postoffice], row.Guid, GalSearch.Fold(displayName));
    }

    private (string DisplayName, string Alias, string Address) Strings(int index)
    {
        ref readonly var row = ref _rows[index];
        var record = _chunks[row.Chunk].AsSpan(row.Offset + row.KeyLength);
        var position = 0;
        var displayName = ReadString(record, ref position);
        var alias = ReadString(record, ref position);
        var address = ReadString(record, ref position);
        return (displayName, alias, address);
    }

    private void Write(ref Row row, string displayName, string alias, string address)
    {
        var stringBytes = MaxBytes(displayName) + MaxBytes(alias) + MaxBytes(address);
        Reserve(stringBytes + KeyReserve);
        int keyLength;
        try
        {
            keyLength = _compareInfo.GetSortKey(displayName, _chunk.AsSpan(_used, _chunk.Length - _used - stringBytes), _options);
        }
        catch (ArgumentException)
        {
            // The key did not fit the room offered (see KeyReserve): measure it and give it a chunk of its own.
            keyLength = _compareInfo.GetSortKeyLength(displayName, _options);
            StartChunk(keyLength + stringBytes);
            _compareInfo.GetSortKey(displayName, _chunk.AsSpan(_used, keyLength), _options);
        }

        row.Chunk = checked((ushort)(_chunks.Count - 1));
        row.Offset = _used;
        row.KeyLength = keyLength;
        _used += keyLength;
        WriteString(displayName);
        WriteString(alias);
        WriteString(address);
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

    private void WriteString(string text)
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

    private static string ReadString(ReadOnlySpan<byte> record, ref int position)
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = record[position++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        var text = Encoding.UTF8.GetString(record.Slice(position, length));
        position += length;
        return text;
    }

    // Five bytes of length prefix at most, then three UTF-8 bytes per UTF-16 unit at most.
    private static int MaxBytes(string text) => 5 + Encoding.UTF8.GetMaxByteCount(text.Length);

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
}
