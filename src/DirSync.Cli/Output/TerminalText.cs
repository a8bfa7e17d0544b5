using System.Globalization;
using System.Text;

namespace DirSync.Cli.Output;

/// <summary>Text bound for a terminal, made safe: control characters shown escaped, long values cut.</summary>
/// <remarks>
/// A file name or value that came from someone else's file (a sender's message, a change set) may hold an escape
/// sequence, which a terminal would obey, or a line break, which would forge a line of output. Everything
/// dirsync prints as text goes through <see cref="Escape"/>; JSON escapes control characters by itself.
/// </remarks>
internal static partial class TerminalText
{
    /// <summary>How many characters of one value a line shows; the rest is counted, not shown.</summary>
    public const int MaxValueLength = 200;

    /// <summary><paramref name="text"/> with <c>\n</c>, <c>\r</c>, <c>\t</c> and every other control character written as an escape.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case var other when char.IsControl(other):
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)other:x4}");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A line with every long value in it cut (see <see cref="Cut"/>): a quoted one, or a run without spaces.</summary>
    /// <remarks>Messages quote the value they refuse, and a refused value may be megabytes long; the line stays readable.</remarks>
    public static string CutValues(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length <= MaxValueLength)
        {
            return line;
        }

        var quoted = LongQuoted().Replace(line, m => $"'{Cut(m.Groups[1].Value)}'");
        return LongRun().Replace(quoted, m => Cut(m.Value));
    }

    /// <summary><paramref name="value"/> cut to <see cref="MaxValueLength"/> characters, with how many more there were.</summary>
    public static string Cut(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= MaxValueLength ? value : $"{value[..MaxValueLength]}…({value.Length - MaxValueLength} more)";
    }

    // A quote that opens or closes a value stands beside no letter or digit: the apostrophe of "SQLite's" does neither.
    [System.Text.RegularExpressions.GeneratedRegex("(?<![\\p{L}\\p{N}])'([^'\\n]{201,})'(?![\\p{L}\\p{N}])")]
    private static partial System.Text.RegularExpressions.Regex LongQuoted();

    [System.Text.RegularExpressions.GeneratedRegex("[^\\s'…]{201,}")]
    private static partial System.Text.RegularExpressions.Regex LongRun();
}
