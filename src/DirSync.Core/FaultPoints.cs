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
/// at every object written inside a transaction, around every file flush, rename, claim and removal, and at
/// every opening of a file that is read more than once.</para>
/// <para><c>DIRSYNC_FAULT_PAUSE_AT=&lt;n&gt;</c> with <c>DIRSYNC_FAULT_PAUSE_FILE=&lt;file&gt;</c> instead holds the
/// process at the n-th point: it writes the point's name to the file and waits (a minute at most) until the
/// file is removed, so a test can change the file system at that exact moment.</para>
/// </remarks>
public static class FaultPoints
{
    private static readonly long KillAt = ReadNumber("DIRSYNC_FAULT_AT");
    private static readonly string? TracePath = Environment.GetEnvironmentVariable("DIRSYNC_FAULT_TRACE");
    private static readonly long PauseAt = ReadNumber("DIRSYNC_FAULT_PAUSE_AT");
    private static readonly string? PausePath = Environment.GetEnvironmentVariable("DIRSYNC_FAULT_PAUSE_FILE");
    private static readonly bool Enabled = KillAt > 0 || !string.IsNullOrEmpty(TracePath) || (PauseAt > 0 && !string.IsNullOrEmpty(PausePath));
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

        if (count == PauseAt && !string.IsNullOrEmpty(PausePath))
        {
            File.WriteAllText(PausePath, name + Environment.NewLine);
            var until = Stopwatch.StartNew();
            while (File.Exists(PausePath) && until.Elapsed < TimeSpan.FromMinutes(1))
            {
                Thread.Sleep(10);
            }
        }
    }

    private static long ReadNumber(string variable) =>
        long.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
