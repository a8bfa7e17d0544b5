namespace DirSync.Core;

/// <summary>Finds the names closest to a mistyped one, for "did you mean" hints.</summary>
public static class NameSuggestions
{
    /// <summary>The candidates within a small edit distance of <paramref name="input"/>, closest first.</summary>
    public static IReadOnlyList<string> Closest(string input, IEnumerable<string> candidates, int max = 2)
    {
        ArgumentNullException.ThrowIfNull(input);
        var upper = input.ToUpperInvariant();
        var limit = Math.Max(2, input.Length / 3);
        return candidates
            .Select(candidate => (candidate, distance: Distance(upper, candidate.ToUpperInvariant())))
            .Where(x => x.distance <= limit)
            .OrderBy(x => x.distance)
            .ThenBy(x => x.candidate, StringComparer.Ordinal)
            .Select(x => x.candidate)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(max)
            .ToList();
    }

    /// <summary>"did you mean 'a' or 'b'?", or null when nothing is close.</summary>
    public static string? Hint(string input, IEnumerable<string> candidates)
    {
        var closest = Closest(input, candidates);
        return closest.Count == 0 ? null : $"did you mean {string.Join(" or ", closest.Select(c => $"'{c}'"))}?";
    }

    /// <summary>The Levenshtein distance between two strings.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
