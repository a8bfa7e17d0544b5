using System.Globalization;
using BenchmarkDotNet.Running;
using DirSync.Benchmarks;
using DirSync.Benchmarks.Data;

// Verbs for benchmarks/run.sh; anything else goes to BenchmarkDotNet ("--filter '*' --job short").
switch (args.FirstOrDefault())
{
    case "generate":
        DataGenerator.Write(
            Option(args, "--out") ?? throw Usage("generate needs --out <folder>"),
            Number(args, "--size", 100_000),
            (ulong)Number(args, "--seed", (long)Person.DefaultSeed),
            Shape(args),
            args.Contains("--csv-only"),
            Console.Error);
        return 0;
    case "hub-messages":
        await HubMessageGenerator.WriteAsync(
            Option(args, "--out") ?? throw Usage("hub-messages needs --out <folder>"),
            Number(args, "--requestors", 100),
            Number(args, "--entries", 1000),
            Number(args, "--updates", 100),
            (ulong)Number(args, "--seed", (long)Person.DefaultSeed),
            Console.Error);
        return 0;
    case "gal-search":
        await GalSearchTiming.RunAsync(
            Option(args, "--store") ?? throw Usage("gal-search needs --store <file>"),
            (Option(args, "--prefixes") ?? "m,ma,mar").Split(','),
            Number(args, "--iterations", 1000),
            Number(args, "--limit", 50),
            Console.Out);
        return 0;
    case "profile-summary":
        ProfileSummary.Run(
            Option(args, "--file") ?? throw Usage("profile-summary needs --file <trace.speedscope.json>"),
            Number(args, "--top", 25),
            Number(args, "--threads", 1),
            (Option(args, "--match") ?? ProfileSummary.DefaultMatch).Split(','),
            Console.Out,
            Option(args, "--under"));
        return 0;
    case "alloc-summary" when Option(args, "--stacks") is { } type:
        AllocationSummary.Stacks(
            Option(args, "--file") ?? throw Usage("alloc-summary needs --file <trace.nettrace>"),
            type,
            Number(args, "--depth", 3),
            Number(args, "--top", 25),
            Console.Out);
        return 0;
    case "alloc-summary":
        AllocationSummary.Run(
            Option(args, "--file") ?? throw Usage("alloc-summary needs --file <trace.nettrace>"),
            Number(args, "--top", 25),
            Console.Out);
        return 0;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
}

static string? Option(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static int Number(string[] args, string name, long fallback)
{
    var text = Option(args, name);
    return text is null ? checked((int)fallback) : int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}

static DataShape Shape(string[] args) => (Option(args, "--shape") ?? "uniform") switch
{
    "uniform" => DataShape.Uniform,
    "realistic" => DataShape.Realistic,
    var other => throw Usage($"unknown --shape '{other}'; use uniform or realistic"),
};

static ArgumentException Usage(string message) => new(message);
