using System.Globalization;
using System.Text.Json;

namespace DirSync.Benchmarks;

/// <summary>Summarises a Speedscope file written by <c>dotnet-trace --format Speedscope</c>: the frames a thread spends its time in.</summary>
/// <remarks>
/// For the busiest threads, prints the frames with the most inclusive time (the frame or anything it called is running),
/// keeping those whose name contains one of <c>match</c> (DirSync's and SQLite's by default, so the start-up and
/// command-line frames every stack shares stay out), and the most exclusive time: the deepest real frame, with the
/// profile's pseudo-frame in brackets — <c>[CPU_TIME]</c> for managed code running, <c>[UNMANAGED_CODE_TIME]</c> for
/// native code such as SQLite or the kernel, which includes waiting. Time is thread time, as the sampled-thread-time
/// profile reports it. With <c>under</c>, also the time under the outermost frame whose name contains it, by the
/// frame it called (or <c>(self)</c>): where that frame's inclusive time goes, one level down.
/// </remarks>
internal static class ProfileSummary
{
    /// <summary>The frames the inclusive list keeps unless told otherwise.</summary>
    public const string DefaultMatch = "DirSync.Core!,DirSync.Sqlite!,Microsoft.Data.Sqlite!,SQLitePCLRaw";

    public static void Run(string path, int top, int threads, IReadOnlyList<string> match, TextWriter output, string? under = null)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString() ?? "?").ToArray();
        var profiles = root.GetProperty("profiles").EnumerateArray()
            .Select(p => Measure(p, frames, under))
            .OrderByDescending(p => p.Total)
            .Take(threads)
            .ToList();
        foreach (var profile in profiles)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {profile.Name}: {profile.Total:F0} ms"));
            Print(output, "inclusive time, frames matching " + string.Join(" or ", match), profile.Inclusive.Select((t, i) => (frames[i], t)).Where(x => match.Any(m => x.Item1.Contains(m, StringComparison.Ordinal))), profile.Total, top);
            Print(output, "exclusive time", profile.Exclusive.Select(x => (x.Key, x.Value)), profile.Total, top);
            if (under is not null)
            {
                var total = profile.Callees.Values.Sum();
                Print(output, string.Create(CultureInfo.InvariantCulture, $"the frame called, under the outermost frame containing '{under}' ({total:F0} ms)"), profile.Callees.Select(x => (x.Key, x.Value)), Math.Max(total, 1e-9), top);
            }
        }
    }

    private static void Print(TextWriter output, string what, IEnumerable<(string Name, double Time)> times, double total, int top)
    {
        output.WriteLine($"-- top {top} by {what}");
        foreach (var (frame, time) in times.OrderByDescending(x => x.Time).Take(top))
        {
            var name = frame.Length > 160 ? frame[..157] + "..." : frame;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{time,10:F0} ms {100 * time / total,5:F1}%  {name}"));
        }
    }

    private static Thread Measure(JsonElement profile, string[] frames, string? under)
    {
        var inclusive = new double[frames.Length];
        var exclusive = new Dictionary<string, double>(StringComparer.Ordinal);
        var callees = new Dictionary<string, double>(StringComparer.Ordinal);
        var name = profile.TryGetProperty("name", out var n) ? n.GetString() ?? "?" : "?";
        var type = profile.GetProperty("type").GetString();
        if (type == "evented")
        {
            var stack = new List<(int Frame, double At)>();
            var depth = new int[frames.Length];
            var last = profile.GetProperty("startValue").GetDouble();
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                var frame = e.GetProperty("frame").GetInt32();
                if (stack.Count > 0)
                {
                    var frameStack = stack.Select(s => s.Frame).ToList();
                    AddExclusive(exclusive, frames, frameStack, at - last);
                    AddCallee(callees, frames, frameStack, under, at - last);
                }

                last = at;
                if (e.GetProperty("type").GetString() == "O")
                {
                    stack.Add((frame, at));
                    depth[frame]++;
                }
                else if (stack.Count > 0)
                {
                    var (opened, since) = stack[^1];
                    stack.RemoveAt(stack.Count - 1);
                    if (--depth[opened] == 0)
                    {
                        // Only the outermost call of a recursive frame counts, so time is not counted twice.
                        inclusive[opened] += at - since;
                    }
                }
            }

            var end = profile.GetProperty("endValue").GetDouble() - profile.GetProperty("startValue").GetDouble();
            return new Thread(name, end, inclusive, exclusive, callees);
        }

        var weights = profile.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()).ToArray();
        var index = 0;
        double total = 0;
        foreach (var sample in profile.GetProperty("samples").EnumerateArray())
        {
            var weight = weights[index++];
            total += weight;
            var seen = new HashSet<int>();
            var stackFrames = sample.EnumerateArray().Select(f => f.GetInt32()).ToList();
            foreach (var frame in stackFrames)
            {
                if (seen.Add(frame))
                {
                    inclusive[frame] += weight;
                }
            }

            if (stackFrames.Count > 0)
            {
                AddExclusive(exclusive, frames, stackFrames, weight);
                AddCallee(callees, frames, stackFrames, under, weight);
            }
        }

        return new Thread(name, total, inclusive, exclusive, callees);
    }

    // The profile ends each stack in a pseudo-frame saying what the thread did; the frame under it is the one that did it.
    private static void AddExclusive(Dictionary<string, double> exclusive, string[] frames, List<int> stack, double time)
    {
        var leaf = frames[stack[^1]];
        var key = leaf is "CPU_TIME" or "UNMANAGED_CODE_TIME" && stack.Count > 1 ? $"{frames[stack[^2]]} [{leaf}]" : leaf;
        exclusive[key] = exclusive.GetValueOrDefault(key) + time;
    }

    // The frame called by the outermost one whose name holds `under`, where the stack has one; "(self)" where it ends there.
    private static void AddCallee(Dictionary<string, double> callees, string[] frames, List<int> stack, string? under, double time)
    {
        if (under is null)
        {
            return;
        }

        var at = stack.FindIndex(f => frames[f].Contains(under, StringComparison.Ordinal));
        if (at < 0)
        {
            return;
        }

        var key = at + 1 < stack.Count ? frames[stack[at + 1]] : "(self)";
        callees[key] = callees.GetValueOrDefault(key) + time;
    }

    private sealed record Thread(string Name, double Total, double[] Inclusive, Dictionary<string, double> Exclusive, Dictionary<string, double> Callees);
}
