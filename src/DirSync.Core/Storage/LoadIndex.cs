using System.Runtime.InteropServices;

namespace DirSync.Core.Storage;

/// <summary>
/// Where a first load's own keys are: for each alias, display name, address and origin the load has written, the number
/// of the row that holds it, so that a store that made its secondary indexes wait until the load's end can still answer
/// "is this taken, and by whom?" exactly.
/// </summary>
/// <remarks>
/// <para>It keeps no key, only 32 bits of the key's hash and a 32-bit row number, eight bytes a slot: at four million
/// recipients (about 20 million keys) some 230 MB, where the keys themselves would take a gigabyte. So its answer is a
/// list of candidate rows, and the store reads each candidate and compares the key it holds. A key that is there is
/// always among the candidates; a key that is not has one about once in a hundred million questions.</para>
/// <para>The slots are split by the hash's top byte into 256 parts, each an open-addressed table that grows by a quarter
/// when it is 85 % full, so the slots are 68 to 85 % used: by half from four-fifths, the parts all grew at about the
/// same moment near the end of a four-million-recipient import and left it at 59 %, 45 MB more. A part grows alone,
/// so growing never holds a second copy of the whole index. Nothing is ever removed: a row whose key has changed stays a candidate and fails the store's comparison, so a store keeps the index
/// only while the load adds.</para>
/// <para>The slots live in native memory, and a part's old slots are freed as soon as it has grown. As arrays they were
/// garbage until a full collection, and the 256 parts grow at about the same time: at four million recipients the
/// process peaked at 570 MB where the index itself took 180. Dispose the index to free it; it is of no use after.</para>
/// </remarks>
public sealed class LoadIndex : IDisposable
{
    private const int PartBits = 8;
    private const int InitialSlots = 1024;

    private readonly Part[] _parts = new Part[1 << PartBits];
    private bool _disposed;

    /// <summary>Creates an empty index.</summary>
    public LoadIndex()
    {
        for (var i = 0; i < _parts.Length; i++)
        {
            _parts[i] = new Part(InitialSlots);
        }
    }

    /// <summary>How many keys were added (a key added twice counts twice).</summary>
    public long Count { get; private set; }

    /// <summary>The bytes the slots take.</summary>
    public long Bytes
    {
        get
        {
            long bytes = 0;
            foreach (var part in _parts)
            {
                bytes += (long)part.Slots * 2 * sizeof(uint);
            }

            return bytes;
        }
    }

    /// <summary>Frees the slots; the index answers nothing after.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var part in _parts)
        {
            part.Dispose();
        }
    }

    /// <summary>Notes that row <paramref name="row"/> holds the text key <paramref name="key"/> of kind <paramref name="kind"/>.</summary>
    public void Add(KeyFilter.Kind kind, ReadOnlySpan<char> key, uint row) => Add(KeyFilter.Hash(kind, key), row);

    /// <summary>Notes that row <paramref name="row"/> came from <paramref name="source"/> with <paramref name="anchor"/>.</summary>
    public void AddOrigin(string source, Guid anchor, uint row) => Add(KeyFilter.OriginHash(source, anchor), row);

    /// <summary>The rows that may hold the text key: every row that does, and rarely one that does not.</summary>
    public Candidates Find(KeyFilter.Kind kind, ReadOnlySpan<char> key) => Find(KeyFilter.Hash(kind, key));

    /// <summary>The rows that may have come from <paramref name="source"/> with <paramref name="anchor"/>.</summary>
    public Candidates FindOrigin(string source, Guid anchor) => Find(KeyFilter.OriginHash(source, anchor));

    private void Add(ulong hash, uint row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Count++;
        _parts[hash >> (64 - PartBits)].Add(Mark(hash), row);
    }

    private Candidates Find(ulong hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new(_parts[hash >> (64 - PartBits)], Mark(hash));
    }

    // The 32 bits a slot keeps: the hash's low half, never 0 (0 marks an empty slot). The part index uses the top byte.
    private static uint Mark(ulong hash) => (uint)hash | 1;

    /// <summary>The candidate rows of one key, in no particular order; a struct enumerator, so a question allocates nothing.</summary>
    public struct Candidates
    {
        private readonly Part _part;
        private readonly uint _mark;
        private int _slot;
        private bool _started;

        internal Candidates(Part part, uint mark)
        {
            _part = part;
            _mark = mark;
            _slot = part.Home(mark);
            _started = false;
            Current = 0;
        }

        /// <summary>The current candidate row.</summary>
        public uint Current { get; private set; }

        /// <summary>This, for <c>foreach</c>.</summary>
        public readonly Candidates GetEnumerator() => this;

        /// <summary>Moves to the next candidate; false when there is none.</summary>
        public bool MoveNext()
        {
            if (_started)
            {
                _slot = _part.Next(_slot);
            }

            _started = true;
            for (var mark = _part.MarkAt(_slot); mark != 0; mark = _part.MarkAt(_slot))
            {
                if (mark == _mark)
                {
                    Current = _part.RowAt(_slot);
                    return true;
                }

                _slot = _part.Next(_slot);
            }

            return false;
        }
    }

    /// <summary>One open-addressed table with linear probing: the marks (0 is empty) and the rows beside them, in native memory.</summary>
    internal sealed unsafe class Part : IDisposable
    {
        private uint* _marks;
        private uint* _rows;
        private int _slots;
        private int _count;

        public Part(int slots)
        {
            _marks = AllocateMarks(slots);
            _rows = AllocateRows(slots);
            _slots = slots;
        }

        public int Slots => _slots;

        public int Home(uint mark) => Home(mark, _slots);

        public int Next(int slot) => slot + 1 == _slots ? 0 : slot + 1;

        public uint MarkAt(int slot) => _marks[slot];

        public uint RowAt(int slot) => _rows[slot];

        public void Add(uint mark, uint row)
        {
            if ((_count + 1) * 20L > _slots * 17L)
            {
                Grow();
            }

            Place(_marks, _rows, _slots, mark, row);
            _count++;
        }

        public void Dispose()
        {
            NativeMemory.Free(_marks);
            NativeMemory.Free(_rows);
            _marks = _rows = null;
        }

        private static uint* AllocateMarks(int slots) => (uint*)NativeMemory.AllocZeroed((nuint)slots, sizeof(uint));

        private static uint* AllocateRows(int slots) => (uint*)NativeMemory.Alloc((nuint)slots, sizeof(uint));

        private static int Home(uint mark, int slots) => (int)(((ulong)mark * (ulong)slots) >> 32);

        private static void Place(uint* marks, uint* rows, int slots, uint mark, uint row)
        {
            var slot = Home(mark, slots);
            while (marks[slot] != 0)
            {
                slot = slot + 1 == slots ? 0 : slot + 1;
            }

            marks[slot] = mark;
            rows[slot] = row;
        }

        private void Grow()
        {
            var slots = (int)Math.Min(int.MaxValue / 2, _slots + (long)(_slots / 4));
            var marks = AllocateMarks(slots);
            var rows = AllocateRows(slots);
            for (var slot = 0; slot < _slots; slot++)
            {
                if (_marks[slot] != 0)
                {
                    Place(marks, rows, slots, _marks[slot], _rows[slot]);
                }
            }

            NativeMemory.Free(_marks);
            NativeMemory.Free(_rows);
            _marks = marks;
            _rows = rows;
            _slots = slots;
        }
    }
}
