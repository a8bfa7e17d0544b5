using System.Globalization;

namespace DirSync.Benchmarks.Data;

/// <summary>One generated distribution list of the realistic shape: <see cref="Size"/> mailboxes spread over the directory.</summary>
internal sealed record DistributionList(string Alias, string DisplayName, IReadOnlyList<int> Members)
{
    /// <summary>Members of every list, and mailboxes per list.</summary>
    public const int Size = 1000;

    /// <summary>How many lists a directory of <paramref name="mailboxes"/> has in <paramref name="shape"/>: one per full 1,000 in the realistic shape.</summary>
    public static int Count(int mailboxes, DataShape shape) => shape == DataShape.Realistic ? mailboxes / Size : 0;

    /// <summary>List <paramref name="number"/> of <paramref name="count"/>: mailboxes number, number + count, number + 2 count ..., so every list spans the directory and no mailbox is in two.</summary>
    public static DistributionList Create(int number, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(number, count);
        var label = (number + 1).ToString("D5", CultureInfo.InvariantCulture);
        return new DistributionList($"dl{label}", $"Distribution list {label}", [.. Enumerable.Range(0, Size).Select(k => number + (k * count))]);
    }
}
