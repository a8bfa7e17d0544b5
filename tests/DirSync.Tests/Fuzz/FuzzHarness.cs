using System.Diagnostics;
using System.Globalization;
using System.Text;
using DirSync.Core;

namespace DirSync.Tests.Fuzz;

/// <summary>Runs seeded fuzz cases against a reader and holds every outcome to the contract for hostile input.</summary>
/// <remarks>
/// <para>Every case must end in one of two ways: the input parses, or the reader throws an
/// <see cref="InputFormatException"/> naming the input, a line within it (0 for the whole file) and a
/// reason. Any other exception fails the run, and so do two things an exception cannot show: a case
/// that has not finished after <see cref="FuzzSettings.HangTimeout"/> (a hang detector, not a timing
/// test: a case normally takes well under a millisecond), and a case that allocates more than the
/// bound its <see cref="FuzzCase.MemoryBound"/> derives from the input's size and the limits in force.</para>
/// <para>The cases run on one dedicated thread, so <see cref="GC.GetAllocatedBytesForCurrentThread"/>
/// sees exactly what the reader allocates, and the calling thread can watch the clock. A failure names
/// the case's seed and the command that runs that case alone, and leaves its input in a file.</para>
/// </remarks>
internal static class FuzzHarness
{
    /// <summary>Runs the cases and fails the test on the first broken contract.</summary>
    public static FuzzReport RunAndAssert(FuzzSettings settings, Func<FuzzRandom, FuzzCase> makeCase)
    {
        var report = Run(settings, makeCase);
        TestContext.Current.TestOutputHelper?.WriteLine(report.Summary);
        if (report.Failure is not null)
        {
            Assert.Fail(report.Failure);
        }

        return report;
    }

    /// <summary>Checks that a full run reached both outcomes and many reasons, so the mutations are not all stopped at the first line.</summary>
    /// <remarks>Skipped for a single case or a run shorter than the CI's, which may not reach them.</remarks>
    public static void AssertVaried(FuzzSettings settings, FuzzReport report, int kinds)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(report);
        if (settings.Seed is null && settings.Iterations >= FuzzSettings.DefaultIterations)
        {
            Assert.True(report.Parsed > 0 && report.Kinds >= kinds, $"too little variety: {report.Summary}");
        }
    }

    /// <summary>Runs the cases; the report's <see cref="FuzzReport.Failure"/> says what broke, if anything did.</summary>
    public static FuzzReport Run(FuzzSettings settings, Func<FuzzRandom, FuzzCase> makeCase)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var state = new RunState(settings, makeCase);
        var worker = new Thread(state.Work) { IsBackground = true, Name = $"fuzz {settings.Target}" };
        var clock = Stopwatch.StartNew();
        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(50)))
        {
            var started = Volatile.Read(ref state.CaseStarted);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > settings.HangTimeout)
            {
                // The worker is left running: a reader stuck in a loop cannot be stopped from outside, and
                // it is a background thread, so it does not keep the test process alive.
                state.Fail(null, $"did not finish within {settings.HangTimeout.TotalSeconds:0.#} s (a hang)", null);
                break;
            }
        }

        return state.Report(clock.Elapsed);
    }

    /// <summary>The number of lines a format error may name in <paramref name="input"/>: a last line without a line feed counts.</summary>
    public static long Lines(byte[] input) => input.AsSpan().Count((byte)'\n') + 1;

    /// <summary>What is wrong with a format error for an input of <paramref name="lines"/> lines read as <paramref name="name"/>, or null when it is a proper one.</summary>
    /// <remarks>For readers that return errors rather than throw them (a bulk CSV row), to check each one.</remarks>
    public static string? FormatErrorProblem(InputFormatException error, string name, long lines)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.File != name ? $"names the file '{error.File}', not '{name}'"
            : error.Line < 0 || error.Line > lines ? $"names line {error.Line} of an input of {lines} lines"
            : error.Column is < 1 ? $"names column {error.Column}"
            : string.IsNullOrWhiteSpace(error.Reason) ? "gives no reason"
            : null;
    }

    private sealed class RunState(FuzzSettings settings, Func<FuzzRandom, FuzzCase> makeCase)
    {
        private readonly Dictionary<string, int> _reasons = [];
        private readonly object _gate = new();
        private int _cases;
        private int _parsed;
        private int _errors;
        private double _worstAllocationShare;
        private string? _failure;
        private (long Iteration, ulong Seed, FuzzCase? Case) _current;

        public long CaseStarted;

        public void Work()
        {
            foreach (var (iteration, seed) in settings.Cases())
            {
                FuzzCase @case;
                lock (_gate)
                {
                    if (_failure is not null)
                    {
                        return;
                    }

                    _current = (iteration, seed, null);
                }

                try
                {
                    @case = makeCase(new FuzzRandom(seed));
                }
                catch (Exception e)
                {
                    Fail(null, "the case could not be made (a bug in the test, not the reader)", e);
                    return;
                }

                lock (_gate)
                {
                    _current.Case = @case;
                }

                Exception? error = null;
                var before = GC.GetAllocatedBytesForCurrentThread();
                Volatile.Write(ref CaseStarted, Stopwatch.GetTimestamp());
                try
                {
                    @case.Read();
                }
                catch (Exception e)
                {
                    error = e;
                }

                Volatile.Write(ref CaseStarted, 0);
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (!Judge(@case, error, allocated))
                {
                    return;
                }
            }
        }

        /// <summary>Records the outcome; false when it breaks the contract.</summary>
        private bool Judge(FuzzCase @case, Exception? error, long allocated)
        {
            lock (_gate)
            {
                if (_failure is not null)
                {
                    return false;
                }

                _cases++;
                _worstAllocationShare = Math.Max(_worstAllocationShare, (double)allocated / @case.MemoryBound);
            }

            if (allocated > @case.MemoryBound)
            {
                Fail(@case, $"allocated {allocated:N0} bytes, over its bound of {@case.MemoryBound:N0} for {@case.Input.Length:N0} bytes of input", error);
                return false;
            }

            if (error is null)
            {
                lock (_gate)
                {
                    _parsed++;
                }

                return true;
            }

            if (error is not InputFormatException format)
            {
                Fail(@case, $"threw {error.GetType().Name}, not an InputFormatException", error);
                return false;
            }

            if (FormatErrorProblem(format, @case.Name, Lines(@case.Input)) is { } problem)
            {
                Fail(@case, $"threw a format error that {problem}", error);
                return false;
            }

            lock (_gate)
            {
                _errors++;
                var key = Shape(format.Reason);
                _reasons[key] = _reasons.GetValueOrDefault(key) + 1;
            }

            return true;
        }

        public void Fail(FuzzCase? known, string what, Exception? error)
        {
            lock (_gate)
            {
                if (_failure is not null)
                {
                    return;
                }

                var (iteration, seed, current) = _current;
                var @case = known ?? current;
                var text = new StringBuilder();
                text.Append(CultureInfo.InvariantCulture, $"{settings.Target}: case {FuzzSettings.FormatSeed(seed)}");
                text.Append(iteration < 0 ? " (given by " + FuzzSettings.SeedVariable + ")" : $" (iteration {iteration + 1} of {settings.Iterations})");
                text.Append(CultureInfo.InvariantCulture, $" {what}.");
                if (@case is not null)
                {
                    text.Append("\n  mutations: ").Append(@case.Mutations.Count == 0 ? "none" : string.Join("; ", @case.Mutations));
                    text.Append(CultureInfo.InvariantCulture, $"\n  input: {@case.Input.Length:N0} bytes named '{@case.Name}', saved to {Save(seed, @case.Input)}");
                }

                text.Append(CultureInfo.InvariantCulture, $"\n  reproduce: {FuzzSettings.SeedVariable}={FuzzSettings.FormatSeed(seed)} dotnet test tests/DirSync.Tests --filter \"FullyQualifiedName~{settings.TestClass}\"");
                if (error is not null)
                {
                    text.Append("\n  ").Append(error);
                }

                _failure = text.ToString();
            }
        }

        public FuzzReport Report(TimeSpan elapsed)
        {
            lock (_gate)
            {
                var top = string.Join("; ", _reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(8).Select(r => $"{r.Value} × {r.Key}"));
                var summary = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{settings.Target}: {_cases} cases in {elapsed.TotalSeconds:0.0} s: {_parsed} parsed, {_errors} format errors of {_reasons.Count} kinds; "
                    + $"most allocated {_worstAllocationShare:P0} of its bound. Most common: {top}");
                return new FuzzReport(_cases, _parsed, _errors, _reasons.Count, _failure, summary);
            }
        }

        private string Save(ulong seed, byte[] input)
        {
            if (settings.FailureFolder is not { } folder)
            {
                return "(not saved)";
            }

            try
            {
                Directory.CreateDirectory(folder);
                var path = System.IO.Path.Combine(folder, $"{settings.Target}-{FuzzSettings.FormatSeed(seed)}.bin");
                File.WriteAllBytes(path, input);
                return path;
            }
            catch (IOException e)
            {
                return $"(not saved: {e.Message})";
            }
        }

        /// <summary>A reason with its quoted parts and numbers blanked, so reasons of one kind count together.</summary>
        private static string Shape(string reason)
        {
            var text = new StringBuilder(Math.Min(reason.Length, 120));
            var quoted = false;
            foreach (var c in reason.AsSpan(0, Math.Min(reason.Length, 120)))
            {
                if (c == '\'')
                {
                    quoted = !quoted;
                    text.Append(c);
                }
                else if (!quoted && !(char.IsAsciiDigit(c) && text.Length > 0 && text[^1] == '#'))
                {
                    text.Append(char.IsAsciiDigit(c) ? '#' : c);
                }
            }

            return text.ToString();
        }
    }
}
