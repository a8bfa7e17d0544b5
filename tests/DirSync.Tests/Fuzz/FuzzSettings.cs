using System.Globalization;

namespace DirSync.Tests.Fuzz;

/// <summary>How many cases a fuzz test runs and which: a fixed, seeded budget on CI, more on demand, or one case to reproduce.</summary>
/// <param name="Target">The reader under test; each target has its own stream of case seeds.</param>
/// <param name="TestClass">The test class, for the command line that reruns a failed case.</param>
internal sealed record FuzzSettings(string Target, string TestClass)
{
    /// <summary>The variable that sets how many cases each fuzz test runs (default <see cref="DefaultIterations"/>).</summary>
    public const string IterationsVariable = "DIRSYNC_FUZZ_ITERATIONS";

    /// <summary>The variable that runs one case alone: the seed a failure printed (hex with 0x, or decimal).</summary>
    public const string SeedVariable = "DIRSYNC_FUZZ_SEED";

    /// <summary>Cases per fuzz test on CI: the five fuzz tests take about fifteen seconds together on two cores.</summary>
    public const int DefaultIterations = 5000;

    /// <summary>How many cases run.</summary>
    public int Iterations { get; init; } = DefaultIterations;

    /// <summary>One case to run alone, or null to run the iterations.</summary>
    public ulong? Seed { get; init; }

    /// <summary>How long one case may run before it counts as a hang.</summary>
    public TimeSpan HangTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the input of a failed case is saved; null to save nothing.</summary>
    public string? FailureFolder { get; init; } = Path.Combine(Path.GetTempPath(), "dirsync-fuzz");

    /// <summary>The settings from <see cref="IterationsVariable"/> and <see cref="SeedVariable"/>.</summary>
    public static FuzzSettings FromEnvironment(string target, string testClass)
    {
        var settings = new FuzzSettings(target, testClass);
        if (Environment.GetEnvironmentVariable(IterationsVariable) is { Length: > 0 } iterations)
        {
            settings = settings with
            {
                Iterations = int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new InvalidOperationException($"{IterationsVariable} is '{iterations}'; give a number of cases, such as 100000"),
            };
        }

        if (Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } seed)
        {
            settings = settings with
            {
                Seed = TryParseSeed(seed, out var s) ? s : throw new InvalidOperationException($"{SeedVariable} is '{seed}'; give the seed a failure printed, such as 0x00C0FFEE00C0FFEE"),
            };
        }

        return settings;
    }

    /// <summary>The cases to run: (iteration, seed) pairs; the iteration is -1 for a seed given alone.</summary>
    public IEnumerable<(long Iteration, ulong Seed)> Cases()
    {
        if (Seed is { } seed)
        {
            yield return (-1, seed);
            yield break;
        }

        for (long i = 0; i < Iterations; i++)
        {
            yield return (i, FuzzRandom.CaseSeed(Target, i));
        }
    }

    public static string FormatSeed(ulong seed) => "0x" + seed.ToString("X16", CultureInfo.InvariantCulture);

    private static bool TryParseSeed(string text, out ulong seed) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out seed)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
}
