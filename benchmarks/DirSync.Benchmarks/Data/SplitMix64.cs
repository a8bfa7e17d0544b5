namespace DirSync.Benchmarks.Data;

/// <summary>A tiny seeded generator whose sequence never changes between runtimes, so generated data is byte-for-byte repeatable.</summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number from 0 to <paramref name="bound"/> - 1.</summary>
    public int Next(int bound) => (int)(Next() % (ulong)bound);
}
