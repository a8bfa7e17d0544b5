using System.Globalization;
using System.Text;
using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>Kills the real dirsync process at chosen fault points of a scenario's command, reruns it, and compares the outcome with an uninterrupted run.</summary>
/// <remarks>
/// <para>For a scenario the harness builds the starting state once (the template), then, each time from a fresh
/// copy of it: runs the command uninterrupted for the reference; runs it once with <c>DIRSYNC_FAULT_TRACE</c> to
/// count its fault points P; and for each chosen point k runs it with <c>DIRSYNC_FAULT_AT=k</c> (it must die with
/// SIGKILL, exit 137), runs it again without faults, and requires the same snapshot as the reference, no alias or
/// origin anchor held twice, a sound store, and a rerun that succeeds whatever temporary files the crash left.</para>
/// <para>The points tested are the first, the last, every commit, every step of a first load and every rename, and
/// <c>DIRSYNC_CRASH_KILLS</c> more drawn from the rest with a <see cref="Random"/> seeded by
/// <c>DIRSYNC_CRASH_SEED</c> and the scenario's name; <c>DIRSYNC_CRASH_AT=k,k,...</c> tests just those.</para>
/// <para>A crash after the command's last durable step leaves the command done; running it again is then a
/// second run, so the expected outcome is that of two uninterrupted runs. For every command but an export
/// that is the same as one run.</para>
/// </remarks>
internal sealed class CrashHarness : IDisposable
{
    /// <summary>How many points beyond the fixed ones each scenario tests.</summary>
    public const string KillsVariable = "DIRSYNC_CRASH_KILLS";

    /// <summary>The seed the extra points are drawn with.</summary>
    public const string SeedVariable = "DIRSYNC_CRASH_SEED";

    /// <summary>Tests only these points (comma-separated), to look at one failure.</summary>
    public const string AtVariable = "DIRSYNC_CRASH_AT";

    /// <summary>The extra points per scenario when <see cref="KillsVariable"/> is not set: what fits the CI run.</summary>
    public const int DefaultKills = 4;

    /// <summary>The seed when <see cref="SeedVariable"/> is not set, so CI tests the same points every time.</summary>
    public const int DefaultSeed = 6486;

    private const int Killed = 137;

    private readonly TempFolder _root = new();
    private readonly CrashScenario _scenario;
    private IReadOnlySet<string> _known = new HashSet<string>();

    private CrashHarness(CrashScenario scenario)
    {
        _scenario = scenario;
    }

    private string Work => _root.File("work");

    private string Template => _root.File("template");

    private string Crashed => _root.File("crashed");

    /// <summary>Runs the whole harness for <paramref name="scenario"/>, failing the test with every point that went wrong.</summary>
    public static async Task RunAsync(CrashScenario scenario)
    {
        using var harness = new CrashHarness(scenario);
        await harness.RunAsync();
    }

    public void Dispose() => _root.Dispose();

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static int Hash(string text)
    {
        // FNV-1a: string.GetHashCode differs between processes, and the points must not.
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7fffffff);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }

        TestStores.CopyAsync(from, to).GetAwaiter().GetResult();
    }

    /// <summary>The first difference between two snapshots, with the lines only one of them has.</summary>
    private static string Difference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var first = 0;
        while (first < e.Length && first < a.Length && e[first] == a[first])
        {
            first++;
        }

        var text = new StringBuilder($"first difference at line {first + 1}:\n");
        for (var i = Math.Max(0, first - 2); i < Math.Min(e.Length, first + 4); i++)
        {
            text.Append("  expected| ").Append(e[i]).Append('\n');
        }

        for (var i = Math.Max(0, first - 2); i < Math.Min(a.Length, first + 4); i++)
        {
            text.Append("  actual  | ").Append(a[i]).Append('\n');
        }

        var onlyExpected = e.Except(a).Take(12).ToList();
        var onlyActual = a.Except(e).Take(12).ToList();
        text.Append("  lines only the reference has: ").Append(onlyExpected.Count == 0 ? "none" : "\n    " + string.Join("\n    ", onlyExpected)).Append('\n');
        text.Append("  lines only this run has: ").Append(onlyActual.Count == 0 ? "none" : "\n    " + string.Join("\n    ", onlyActual)).Append('\n');
        return text.ToString();
    }

    private async Task RunAsync()
    {
        var output = TestContext.Current.TestOutputHelper;
        Directory.CreateDirectory(Work);
        await _scenario.PrepareAsync(new CrashSite(Work));
        _known = CrashSnapshot.Guids(await CrashSnapshot.TakeAsync(Work, known: null));
        Copy(Work, Template);

        var initial = await CrashSnapshot.TakeAsync(Work, _known);

        // The reference: the command once, uninterrupted, then what follows it. With changes made between a run
        // and its rerun, the reference is the command, those changes, the command again, then what follows.
        Restore();
        await RunOkAsync("the reference run", _scenario.Command);
        var done = await CrashSnapshot.TakeAsync(Work, _known);
        await RunAllAsync("the reference run", _scenario.Between);
        if (_scenario.Between.Length > 0)
        {
            await RunOkAsync("the reference's second run", _scenario.Command);
        }

        await RunThenAsync("the reference run");
        var reference = await CrashSnapshot.TakeAsync(Work, _known);

        // With changes between, a run killed before its first durable step leaves nothing: the changes, one run, what follows.
        string? untouched = null;
        if (_scenario.Between.Length > 0)
        {
            Restore();
            await RunAllAsync("a run that never started", _scenario.Between);
            await RunOkAsync("a run that never started", _scenario.Command);
            await RunThenAsync("a run that never started");
            untouched = await CrashSnapshot.TakeAsync(Work, _known);
        }

        // The fault points the command passes, counted by a traced run that must not change the outcome.
        Restore();
        var trace = _root.File("trace.txt");
        var traced = await RunProcessAsync(new() { ["DIRSYNC_FAULT_TRACE"] = trace }, _scenario.Command);
        Assert.True(traced.ExitCode == 0, $"{_scenario}: the traced run failed: {traced}");
        var tracedOutcome = await CrashSnapshot.TakeAsync(Work, _known);
        Assert.True(done == tracedOutcome, $"{_scenario}: the traced run ended differently from the reference: the command is not deterministic, so kill points cannot be replayed; {Difference(done, tracedOutcome)}");
        var points = File.Exists(trace) ? File.ReadAllLines(trace) : [];
        Assert.True(points.Length > 0, $"{_scenario}: the command passed no fault point");

        // A crash after the last durable step leaves the command done, and its rerun is a second run (with changes
        // between them, that is the reference itself).
        var twice = reference;
        if (_scenario.Between.Length == 0)
        {
            Restore();
            await RunOkAsync("the first of two uninterrupted runs", _scenario.Command);
            await RunOkAsync("the second of two uninterrupted runs", _scenario.Command, _scenario.DoneExitCode);
            await RunThenAsync("two uninterrupted runs");
            twice = await CrashSnapshot.TakeAsync(Work, _known);
        }

        var seed = Setting(SeedVariable, DefaultSeed);
        var kills = Setting(KillsVariable, DefaultKills);
        var chosen = Choose(points, seed, kills);
        output?.WriteLine($"{_scenario}: {points.Length} fault points; seed {seed}; killing at {string.Join(", ", chosen)}");

        var failures = new List<string>();
        foreach (var k in chosen)
        {
            if (await TrialAsync(k, points, initial, done, reference, twice, untouched) is { } failure)
            {
                failures.Add($"--- kill point {k} of {points.Length} ({points[k - 1]}): {failure}");
            }
        }

        Assert.True(
            failures.Count == 0,
            $"{_scenario}: {failures.Count} of {chosen.Count} kill points went wrong (seed {seed}: reproduce with {SeedVariable}={seed} {KillsVariable}={kills}, "
            + $"or one point with {AtVariable}=<k>; the command: dirsync {string.Join(' ', _scenario.Command)})\n{string.Join('\n', failures)}");
    }

    private SortedSet<int> Choose(string[] points, int seed, int kills)
    {
        if (Environment.GetEnvironmentVariable(AtVariable) is { Length: > 0 } at)
        {
            return [.. at.Split(',').Select(k => int.Parse(k, CultureInfo.InvariantCulture)).Where(k => k >= 1 && k <= points.Length)];
        }

        if (_scenario.EveryPoint)
        {
            return [.. Enumerable.Range(1, points.Length)];
        }

        var chosen = new SortedSet<int> { 1, points.Length };
        for (var k = 1; k <= points.Length; k++)
        {
            if (points[k - 1].StartsWith("store.commit.", StringComparison.Ordinal)
                || points[k - 1].StartsWith("store.load.", StringComparison.Ordinal)
                || points[k - 1].StartsWith("file.rename.", StringComparison.Ordinal))
            {
                chosen.Add(k);
            }
        }

        var rest = Enumerable.Range(1, points.Length).Where(k => !chosen.Contains(k)).ToArray();
        new Random(seed ^ Hash(_scenario.Name)).Shuffle(rest);
        chosen.UnionWith(rest.Take(kills));
        return chosen;
    }

    /// <summary>Kills the command at point <paramref name="k"/>, reruns it, and says what went wrong, or null.</summary>
    private async Task<string?> TrialAsync(int k, string[] points, string initial, string done, string reference, string twice, string? untouched)
    {
        Restore();
        var crashed = await RunProcessAsync(new() { ["DIRSYNC_FAULT_AT"] = k.ToString(CultureInfo.InvariantCulture) }, _scenario.Command);
        if (crashed.ExitCode != Killed)
        {
            return $"the process did not die there (a harness bug: {points.Length} points were counted, so it must reach point {k}): {crashed}";
        }

        var left = CrashSnapshot.TemporaryFiles(Work);

        // Read what the crash left from a copy, so that the rerun meets the store exactly as the killed process left it.
        Copy(Work, Crashed);
        var afterCrash = await CrashSnapshot.TakeAsync(Crashed, _known, shownAs: Work);
        Directory.Delete(Crashed, recursive: true);
        TestStores.Forget(Crashed);
        var expected = afterCrash == done ? twice : untouched is not null && afterCrash == initial ? untouched : reference;
        foreach (var between in _scenario.Between)
        {
            var result = await CliRunner.RunAsync(Work, null, between);
            if (result.ExitCode != 0)
            {
                return $"after the crash, 'dirsync {string.Join(' ', between)}' failed: {result}";
            }
        }

        var rerun = await RunProcessAsync([], _scenario.Command);
        if (rerun.ExitCode != 0 && !(afterCrash == done && rerun.ExitCode == _scenario.DoneExitCode))
        {
            return $"the rerun failed (temporary files the crash left: {(left.Count == 0 ? "none" : string.Join(", ", left))}): {rerun}";
        }

        foreach (var then in _scenario.Then)
        {
            var result = await CliRunner.RunAsync(Work, null, then);
            if (result.ExitCode != 0)
            {
                return $"after the rerun, 'dirsync {string.Join(' ', then)}' failed: {result}";
            }
        }

        var problems = await CrashSnapshot.ProblemsAsync(Work);
        if (problems.Count > 0)
        {
            return string.Join("; ", problems);
        }

        var final = await CrashSnapshot.TakeAsync(Work, _known);
        if (final != expected)
        {
            var which = ReferenceEquals(expected, untouched) ? "a run that never started (the crash left nothing)"
                : ReferenceEquals(expected, reference) ? "the uninterrupted run" : "two uninterrupted runs (the crashed run had finished its work)";
            return $"the outcome differs from {which}: a change lost, doubled or left half-done; {Difference(expected, final)}";
        }

        return null;
    }

    private void Restore()
    {
        if (Directory.Exists(Work))
        {
            Directory.Delete(Work, recursive: true);
        }

        // Removing the folder removes its store files; on the PostgreSQL run their databases go too, so a store
        // the last run made (init's) is not there for the next.
        TestStores.Forget(Work);
        Copy(Template, Work);
    }

    private async Task RunOkAsync(string what, string[] args, int? doneExitCode = null)
    {
        var result = await RunProcessAsync([], args);
        Assert.True(result.ExitCode == 0 || result.ExitCode == doneExitCode, $"{_scenario}: {what} failed: {result}");
    }

    private Task RunThenAsync(string what) => RunAllAsync(what, _scenario.Then);

    private async Task RunAllAsync(string what, string[][] commands)
    {
        foreach (var command in commands)
        {
            var result = await CliRunner.RunAsync(Work, null, command);
            Assert.True(result.ExitCode == 0, $"{_scenario}: after {what}, 'dirsync {string.Join(' ', command)}' failed: {result}");
        }
    }

    private Task<CliResult> RunProcessAsync(Dictionary<string, string> environment, string[] args)
    {
        // Whatever the test process was started with, only the faults asked for here reach the command.
        environment.TryAdd("DIRSYNC_FAULT_AT", "");
        environment.TryAdd("DIRSYNC_FAULT_TRACE", "");
        foreach (var (name, value) in _scenario.Environment)
        {
            environment.TryAdd(name, value);
        }

        return CliRunner.RunProcessAsync(Work, environment, args);
    }
}
