using System.Diagnostics;
using System.Globalization;
using DirSync.Core.Bulk;

namespace DirSync.Cli.Commands.Bulk;

/// <summary>A one-line progress bar on standard error, redrawn in place at most four times a second.</summary>
/// <remarks>Only for a terminal: the command makes one only when <see cref="CliIo.ErrorIsTerminal"/>.</remarks>
internal sealed class BulkProgressLine(TextWriter error, string verb, string noun) : IProgress<BulkProgress>
{
    private const int BarWidth = 24;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private long _lastDraw;
    private int _width;

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
            return $"{verb} {rows} {noun} ({megabytes} MB)";
        }

        var fraction = Math.Clamp((double)value.Bytes / total, 0, 1);
        var filled = (int)(fraction * BarWidth);
        var percent = ((int)(fraction * 100)).ToString(CultureInfo.InvariantCulture).PadLeft(3);
        var of = (total / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        return $"{verb} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent}%  {rows} {noun} ({megabytes} of {of} MB)";
    }
}
