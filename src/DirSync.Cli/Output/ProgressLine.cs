using System.Diagnostics;
using System.Globalization;
using DirSync.Core.Bulk;

namespace DirSync.Cli.Output;

/// <summary>A one-line progress indicator on standard error, redrawn in place at most four times a second.</summary>
/// <remarks>
/// Only for a terminal: <see cref="CommandContext.WithProgressAsync{T}"/> makes one only when
/// <see cref="CliIo.ErrorIsTerminal"/>, so output to a file or pipe carries none. Work that knows its size
/// in bytes (a bulk CSV) reports <see cref="BulkProgress"/> and gets a bar; work that only counts
/// (records applied or written, GAL entries) reports a count.
/// </remarks>
internal sealed class ProgressLine(TextWriter error, string verb, string noun) : IProgress<BulkProgress>, IProgress<long>
{
    private const int BarWidth = 24;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private long _lastDraw;
    private int _width;

    /// <summary>Reports how many items are done, for work that does not know its size.</summary>
    public void Report(long value) => Report(new BulkProgress(value, 0, null));

    public void Report(BulkProgress value)
    {
        var now = Stopwatch.GetTimestamp();
        if (_width > 0 && Stopwatch.GetElapsedTime(_lastDraw, now) < Interval)
        {
            return;
        }

        _lastDraw = now;
        var text = Describe(value);
        error.Write('\r' + text.PadRight(_width));
        error.Flush();
        _width = text.Length;
    }

    /// <summary>Blanks the line, so that what is printed next starts at the margin.</summary>
    public void Clear()
    {
        if (_width > 0)
        {
            error.Write('\r' + new string(' ', _width) + '\r');
            error.Flush();
            _width = 0;
        }
    }

    private string Describe(BulkProgress value)
    {
        var rows = value.Rows.ToString("N0", CultureInfo.InvariantCulture);
        var megabytes = (value.Bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        if (value.TotalBytes is not { } total || total <= 0)
        {
            return value.Bytes == 0 ? $"{verb}: {rows} {noun}" : $"{verb} {rows} {noun} ({megabytes} MB)";
        }

        var fraction = Math.Clamp((double)value.Bytes / total, 0, 1);
        var filled = (int)(fraction * BarWidth);
        var percent = ((int)(fraction * 100)).ToString(CultureInfo.InvariantCulture).PadLeft(3);
        var of = (total / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        return $"{verb} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent}%  {rows} {noun} ({megabytes} of {of} MB)";
    }
}
