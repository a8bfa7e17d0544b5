using System.Diagnostics;
using System.Globalization;

namespace DirSync.Core;

/// <summary>Named points where the crash-safety harness may kill the process, chosen deterministically.</summary>
/// <remarks>
/// <para>Off unless an environment variable asks: <c>DIRSYNC_FAULT_TRACE=&lt;file&gt;</c> appends the name of
/// every point passed to the file (so a harness can count them), and <c>DIRSYNC_FAULT_AT=&lt;n&gt;</c> kills the
/// process with SIGKILL at the n-th point — no cleanup, no flush, exactly like a crash or a power cut
/// seen from the files' side.</para>
/// <para>The points sit where a crash must not lose or double anything: before and after every commit,
/// at every object written inside a transaction, and around every file flush, rename, claim and removal.</para>
/// </remarks>
public static class FaultPoints
{
    private static readonly long KillAt = ReadKillAt();
    private static readonly string? TracePath = Environment.GetEnvironmentVariable("DIRSYNC_FAULT_TRACE");
    private static readonly bool Enabled = KillAt > 0 || !string.IsNullOrEmpty(TracePath);
    private static long _count;

    /// <summary>Marks a point; kills the process here when it is the one asked for.</summary>
    public static void Hit(string name)
    {
        if (!Enabled)
        {
            return;
        }

        var count = Interlocked.Increment(ref _count);
        if (!string.IsNullOrEmpty(TracePath))
        {
            File.AppendAllText(TracePath, name + Environment.NewLine);
        }

        if (count == KillAt)
        {
            Process.GetCurrentProcess().Kill();
        }
    }

    private static long ReadKillAt() =>
        long.TryParse(Environment.GetEnvironmentVariable("DIRSYNC_FAULT_AT"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
