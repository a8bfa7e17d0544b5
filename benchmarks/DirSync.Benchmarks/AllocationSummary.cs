using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace DirSync.Benchmarks;

/// <summary>Summarises what a process allocated, from a trace of <c>dotnet-trace collect --profile gc-verbose</c>: the types, by bytes.</summary>
/// <remarks>
/// The runtime reports an allocation tick about every 100 KB allocated, naming the type of the object that crossed the
/// mark; summed by type, the ticks estimate each type's share of the bytes allocated (the way PerfView does). Also
/// prints how many collections of each generation ran and how long the process was paused for them. With a type
/// (<c>--stacks</c>), prints instead where that type is allocated: the innermost DirSync frames of each tick's stack,
/// by bytes.
/// </remarks>
internal static class AllocationSummary
{
    /// <summary>Where the types whose names contain <paramref name="type"/> are allocated: the <paramref name="depth"/> innermost DirSync frames, by bytes.</summary>
    public static void Stacks(string path, string type, int depth, int top, TextWriter output)
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using (var log = new TraceLog(etlx))
        {
            var source = log.Events.GetSource();
            source.Clr.GCAllocationTick += tick =>
            {
                if (tick.TypeName?.Contains(type, StringComparison.Ordinal) != true)
                {
                    return;
                }

                var frames = new List<string>(depth);
                for (var frame = tick.CallStack(); frame is not null && frames.Count < depth; frame = frame.Caller)
                {
                    var method = frame.CodeAddress.FullMethodName;
                    if (method.StartsWith("DirSync.", StringComparison.Ordinal))
                    {
                        frames.Add(method.Length > 110 ? method[..110] : method);
                    }
                }

                var key = $"{tick.TypeName}\n    " + (frames.Count == 0 ? "(no DirSync frame)" : string.Join("\n    ", frames));
                bytes[key] = bytes.GetValueOrDefault(key) + tick.AllocationAmount64;
            };
            source.Process();
        }

        foreach (var (stack, amount) in bytes.OrderByDescending(x => x.Value).Take(top))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{amount / 1048576.0,8:F0} MB  {stack}"));
        }
    }

    public static void Run(string path, int top, TextWriter output)
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var collections = new long[3];
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        double paused = 0;
        var suspended = new Dictionary<int, double>();
        using (var source = new EventPipeEventSource(path))
        {
            source.Clr.GCAllocationTick += tick =>
            {
                var name = tick.TypeName ?? "?";
                bytes[name] = bytes.GetValueOrDefault(name) + tick.AllocationAmount64;
            };
            source.Clr.GCStart += start =>
            {
                collections[Math.Min(start.Depth, 2)]++;
                var reason = string.Create(CultureInfo.InvariantCulture, $"gen{start.Depth} {start.Type} {start.Reason}");
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            };
            source.Clr.GCSuspendEEStart += start => suspended[start.ProcessID] = start.TimeStampRelativeMSec;
            source.Clr.GCRestartEEStop += stop =>
            {
                if (suspended.Remove(stop.ProcessID, out var since))
                {
                    paused += stop.TimeStampRelativeMSec - since;
                }
            };
            source.Process();
        }

        var total = bytes.Values.Sum();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"allocated about {total / 1048576.0:F0} MB; collections gen0 {collections[0]}, gen1 {collections[1]}, gen2 {collections[2]}; paused {paused:F0} ms"));
        output.WriteLine("collections by generation, kind and reason: " + string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} x{r.Value}")));
        foreach (var (name, amount) in bytes.OrderByDescending(x => x.Value).Take(top))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{amount / 1048576.0,10:F0} MB {100.0 * amount / total,6:F1}%  {name}"));
        }
    }
}
