namespace DirSync.Tests.Fuzz;

/// <summary>How much reading one input may allocate: in proportion to its size, plus what the limits let one line or record hold.</summary>
/// <remarks>
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> counts every allocation, freed or not, so reading a
/// longer file honestly allocates more; what must never happen is an allocation out of proportion to both
/// the input and the limits — a buffer sized from a number in the file, or a copy per byte.
/// </remarks>
internal static class FuzzBounds
{
    /// <summary>Allocated bytes allowed per input byte: the line buffer, a string of UTF-16, copies made to unfold or decode.</summary>
    public const int PerInputByte = 16;

    /// <summary>What any case may allocate besides: the first rentals of the read buffers, exceptions and their stack traces.</summary>
    public const long Fixed = 4L * 1024 * 1024;

    /// <summary>The bound for <paramref name="inputBytes"/> read by a reader whose buffers may grow to <paramref name="limitBytes"/>.</summary>
    public static long Memory(int inputBytes, long limitBytes) => Fixed + PerInputByte * (long)inputBytes + 4 * limitBytes;
}
