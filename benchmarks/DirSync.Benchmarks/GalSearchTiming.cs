using System.Diagnostics;
using System.Globalization;
using DirSync.Core.Gal;
using DirSync.Sqlite;

namespace DirSync.Benchmarks;

/// <summary>Times <see cref="GalSearch"/> inside one process, so the CLI's start-up is not counted against a search.</summary>
internal static class GalSearchTiming
{
    /// <summary>Searches each prefix <paramref name="iterations"/> times after a warm-up and prints one line per prefix.</summary>
    /// <remarks>The line is <c>prefix|results|median ms|p99 ms|max ms|first ms</c>; "first" is the first search on a cold connection.</remarks>
    public static async Task RunAsync(string store, IReadOnlyList<string> prefixes, int iterations, int limit, TextWriter output)
    {
        await using var opened = await SqliteDirectoryStore.OpenAsync(store);
        foreach (var prefix in prefixes)
        {
            var started = Stopwatch.GetTimestamp();
            var results = (await GalSearch.SearchAsync(opened, prefix, limit)).Count;
            var first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            for (var i = 0; i < 10; i++)
            {
                await GalSearch.SearchAsync(opened, prefix, limit);
            }

            var times = new double[iterations];
            for (var i = 0; i < iterations; i++)
            {
                started = Stopwatch.GetTimestamp();
                await GalSearch.SearchAsync(opened, prefix, limit);
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Array.Sort(times);
            var median = times[iterations / 2];
            var p99 = times[Math.Min(iterations - 1, (int)Math.Ceiling(iterations * 0.99) - 1)];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prefix}|{results}|{median:F3}|{p99:F3}|{times[^1]:F3}|{first:F3}"));
        }
    }
}
