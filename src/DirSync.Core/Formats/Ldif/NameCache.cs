using System.Text;

namespace DirSync.Core.Formats.Ldif;

/// <summary>Turns attribute-name bytes into strings, reusing the string for a name seen before.</summary>
/// <remarks>
/// A file repeats the same few dozen names millions of times; a small direct-mapped table saves
/// one string per line at a fixed memory cost. A collision simply replaces the older entry.
/// </remarks>
internal sealed class NameCache
{
    private const int Size = 256;

    private readonly byte[]?[] _bytes = new byte[]?[Size];
    private readonly string[] _names = new string[Size];

    /// <summary>The string for an ASCII name.</summary>
    public string Get(ReadOnlySpan<byte> ascii)
    {
        var hash = 2166136261u;
        foreach (var b in ascii)
        {
            hash = (hash ^ b) * 16777619u;
        }

        var slot = (int)(hash ^ (hash >> 16)) & (Size - 1);
        var cached = _bytes[slot];
        if (cached is not null && ascii.SequenceEqual(cached))
        {
            return _names[slot];
        }

        var name = Encoding.ASCII.GetString(ascii);
        _bytes[slot] = ascii.ToArray();
        _names[slot] = name;
        return name;
    }
}
