namespace DirSync.Tests.Fuzz;

/// <summary>A small seeded generator (SplitMix64) for the fuzz tests: one seed always gives the same case.</summary>
/// <remarks>
/// Why not <see cref="Random"/>: the sequence a seeded <see cref="Random"/> produces is an implementation
/// detail of the runtime, and a seed printed by a failing CI run must reproduce the same case on any
/// later SDK. SplitMix64 is ten lines, fast and good enough to pick mutations.
/// </remarks>
internal sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The seed of the case at <paramref name="iteration"/> of the run of <paramref name="target"/>.</summary>
    /// <remarks>Each target has its own stream of cases, so adding a target never changes another's.</remarks>
    public static ulong CaseSeed(string target, long iteration)
    {
        // FNV-1a of the target's name, then one SplitMix64 step per iteration offset: stable everywhere.
        var hash = 14695981039346656037UL;
        foreach (var c in target)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash + (ulong)iteration * 0x9E3779B97F4A7C15UL);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A number from 0 to <paramref name="maxExclusive"/> - 1.</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>A number from <paramref name="min"/> to <paramref name="maxExclusive"/> - 1.</summary>
    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);

    /// <summary>True once in <paramref name="n"/> calls, on average.</summary>
    public bool OneIn(int n) => Next(n) == 0;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public byte NextByte() => (byte)NextUInt64();

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
