using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace DirSync.Core.Storage;

/// <summary>
/// What a store's transaction knows it does not hold: a Bloom filter of the aliases, display names, addresses and origins
/// of its live objects, which answers "certainly not taken" from memory. "Perhaps taken" is asked of the store as before,
/// so an answer is never wrong, only sometimes not saved.
/// </summary>
/// <remarks>
/// <para>A load of a million recipients asks, for each, whether its anchor is known and whether its alias, display name
/// and every address are taken — almost always "no", and each "no" a B-tree descent, a bound parameter and a statement
/// run. The filter answers those from one 32-byte block of memory. It is a split-block Bloom filter: each key sets one
/// bit in each of the eight 32-bit words of one block, so a question reads one cache line.</para>
/// <para>It only grows: a key freed by a delete or a rename stays in it and costs one question to the store, which says
/// "free". At 16 bits a key (2 MB per million keys) about one "no" in 1,000 is asked of the store anyway. A filter
/// holding more keys than its newest layer was sized for says so (<see cref="IsFull"/>), and its owner gives it another
/// layer (<see cref="Grow"/>): new keys go there, and a question is ruled out only when no layer may hold its key. Growing
/// never re-reads what the filter holds, and the layers together take what the keys need, not a copy beside a new
/// filter; each layer adds its own one in about 1,000 "perhaps".</para>
/// </remarks>
public sealed class KeyFilter
{
    private const int BitsPerKey = 16;
    private static readonly uint[] Salts = [0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU, 0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U];

    private Layer[] _layers;
    private Layer _newest;

    /// <summary>Creates an empty filter sized for <paramref name="capacity"/> keys.</summary>
    public KeyFilter(long capacity)
    {
        _newest = new Layer(capacity);
        _layers = [_newest];
        Capacity = _newest.Capacity;
        Bytes = _newest.Bytes;
    }

    /// <summary>What a key names; the same text as an alias and as a display name are different keys.</summary>
    public enum Kind
    {
        /// <summary>An alias key (upper-cased).</summary>
        Alias = 1,

        /// <summary>A display-name key (upper-cased).</summary>
        DisplayName = 2,

        /// <summary>An address key (<see cref="Model.ProxyAddress.Key"/>).</summary>
        Address = 3,

        /// <summary>An origin: source key and anchor.</summary>
        Origin = 4,
    }

    /// <summary>How many keys the filter was sized for: its layers' capacities added up.</summary>
    public long Capacity { get; private set; }

    /// <summary>How many keys were added (a key added twice counts twice).</summary>
    public long Count { get; private set; }

    /// <summary>How many layers the filter has (one, until it is grown).</summary>
    public int Layers => _layers.Length;

    /// <summary>The bytes the layers' bits take.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// True once the newest layer holds more keys than it was sized for, and so answers "perhaps" more often than it should.
    /// </summary>
    public bool IsFull => _newest.Count > _newest.Capacity;

    /// <summary>Adds a layer sized for <paramref name="capacity"/> more keys; the keys added from now on go to it.</summary>
    public void Grow(long capacity)
    {
        _newest = new Layer(capacity);
        _layers = [.. _layers, _newest];
        Capacity += _newest.Capacity;
        Bytes += _newest.Bytes;
    }

    /// <summary>Adds a text key.</summary>
    public void Add(Kind kind, ReadOnlySpan<char> key) => Set(Hash(kind, key));

    /// <summary>Adds an origin whose anchor is given as its 16 bytes, big-endian (as stores keep a GUID).</summary>
    public void AddOrigin(ReadOnlySpan<char> source, ReadOnlySpan<byte> anchor) => Set(OriginHash(source, anchor));

    /// <summary>Adds an origin.</summary>
    public void AddOrigin(string source, Guid anchor) => Set(OriginHash(source, anchor));

    /// <summary>Adds a key stored as UTF-8, as a store reads it back.</summary>
    public void AddUtf8(Kind kind, ReadOnlySpan<byte> key)
    {
        var chars = key.Length <= 512 ? stackalloc char[key.Length] : new char[key.Length];
        var length = Encoding.UTF8.GetChars(key, chars);
        Add(kind, chars[..length]);
    }

    /// <summary>Adds an origin whose source is stored as UTF-8.</summary>
    public void AddOriginUtf8(ReadOnlySpan<byte> source, ReadOnlySpan<byte> anchor)
    {
        var chars = source.Length <= 512 ? stackalloc char[source.Length] : new char[source.Length];
        var length = Encoding.UTF8.GetChars(source, chars);
        AddOrigin(chars[..length], anchor);
    }

    /// <summary>False when the key was certainly never added; true when it may have been.</summary>
    public bool MayContain(Kind kind, ReadOnlySpan<char> key) => Test(Hash(kind, key));

    /// <summary>False when the origin was certainly never added; true when it may have been.</summary>
    /// <param name="source">The origin's source key.</param>
    /// <param name="anchor">The anchor's 16 bytes, big-endian (as stores keep a GUID).</param>
    public bool MayContainOrigin(ReadOnlySpan<char> source, ReadOnlySpan<byte> anchor) => Test(OriginHash(source, anchor));

    /// <summary>False when the origin was certainly never added; true when it may have been.</summary>
    public bool MayContainOrigin(string source, Guid anchor) => Test(OriginHash(source, anchor));

    /// <summary>The hash of a text key, shared with <see cref="LoadIndex"/>.</summary>
    internal static ulong Hash(Kind kind, ReadOnlySpan<char> key) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key), (long)kind);

    private static ulong OriginHash(ReadOnlySpan<char> source, ReadOnlySpan<byte> anchor) =>
        XxHash3.HashToUInt64(anchor, (long)Hash(Kind.Origin, source));

    /// <summary>The hash of an origin, shared with <see cref="LoadIndex"/>.</summary>
    internal static ulong OriginHash(string source, Guid anchor)
    {
        Span<byte> bytes = stackalloc byte[16];
        anchor.TryWriteBytes(bytes, bigEndian: true, out _);
        return OriginHash(source, bytes);
    }

    private void Set(ulong hash)
    {
        Count++;
        _newest.Set(hash);
    }

    private bool Test(ulong hash)
    {
        foreach (var layer in _layers)
        {
            if (layer.Test(hash))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One split-block Bloom filter: a power of two of 32-byte blocks.</summary>
    private sealed class Layer
    {
        private readonly uint[] _words;
        private readonly int _blockMask;

        public Layer(long capacity)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
            var blocks = (int)BitOperations.RoundUpToPowerOf2((ulong)Math.Clamp(capacity * BitsPerKey / 256, 1, 1 << 26));
            _words = new uint[blocks * 8];
            _blockMask = blocks - 1;
            Capacity = (long)blocks * 256 / BitsPerKey;
        }

        public long Capacity { get; }

        public long Count { get; private set; }

        public long Bytes => (long)_words.Length * sizeof(uint);

        public void Set(ulong hash)
        {
            Count++;
            var block = Block(hash);
            var low = (uint)hash;
            for (var i = 0; i < 8; i++)
            {
                _words[block + i] |= 1U << (int)((low * Salts[i]) >> 27);
            }
        }

        public bool Test(ulong hash)
        {
            var block = Block(hash);
            var low = (uint)hash;
            for (var i = 0; i < 8; i++)
            {
                if ((_words[block + i] & (1U << (int)((low * Salts[i]) >> 27))) == 0)
                {
                    return false;
                }
            }

            return true;
        }

        private int Block(ulong hash) => (int)((hash >> 32) & (uint)_blockMask) * 8;
    }
}
