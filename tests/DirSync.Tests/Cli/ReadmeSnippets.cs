using System.Text;

namespace DirSync.Tests.Cli;

/// <summary>Reads the commands out of the <c>```sh</c> blocks of a Markdown page, splitting each line as sh would.</summary>
/// <remarks>
/// Enough of sh for a README: words, single and double quotes, backslash escapes, <c>;</c> between commands and
/// <c>#</c> comments. What needs a real shell (redirections, pipes, expansions, globs) is flagged, not interpreted,
/// and what this reader cannot split (an open quote, a line continued with a backslash) is refused.
/// </remarks>
internal static class ReadmeSnippets
{
    private const string Fence = "```";
    private const string ShellOnly = "<>|&$`()*?[]{}~";

    /// <summary>Every command of every <c>```sh</c> block of <paramref name="markdown"/>, in order.</summary>
    /// <exception cref="FormatException">A block in another language or none, or a line this reader cannot split.</exception>
    public static IReadOnlyList<SnippetCommand> Commands(string markdown)
    {
        var commands = new List<SnippetCommand>();
        var inBlock = false;
        var lines = markdown.Split('\n');
        for (var n = 1; n <= lines.Length; n++)
        {
            var line = lines[n - 1].TrimEnd('\r');
            if (line.TrimStart().StartsWith(Fence, StringComparison.Ordinal))
            {
                // Every block is sh, so that none of the README's commands can go untested by being spelled otherwise.
                if (!inBlock && line.Trim() != Fence + "sh")
                {
                    throw new FormatException($"line {n}: '{line.Trim()}' opens a block that is not ```sh; write the README's snippets as ```sh blocks");
                }

                inBlock = !inBlock;
                continue;
            }

            if (inBlock)
            {
                commands.AddRange(Split(line, n));
            }
        }

        return inBlock ? throw new FormatException("the last ```sh block is not closed") : commands;
    }

    /// <summary>The commands of one line, numbered <paramref name="number"/>.</summary>
    /// <exception cref="FormatException">An open quote, or a backslash at the end of the line.</exception>
    public static IReadOnlyList<SnippetCommand> Split(string line, int number)
    {
        var commands = new List<SnippetCommand>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var shellSyntax = false;
        var start = -1;

        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }

        void EndCommand(int end)
        {
            EndWord();
            if (words.Count > 0)
            {
                commands.Add(new SnippetCommand(number, line[start..end].Trim(), [.. words], shellSyntax));
            }

            words.Clear();
            shellSyntax = false;
            start = -1;
        }

        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                EndWord();
                i++;
                continue;
            }

            if (c == '#' && !inWord)
            {
                break;
            }

            if (c == ';')
            {
                EndCommand(i);
                i++;
                continue;
            }

            if (start < 0)
            {
                start = i;
            }

            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"line {number}: a single quote is not closed: {line}");
                    }

                    word.Append(line, i + 1, close - i - 1);
                    i = close + 1;
                    break;
                case '"':
                    i++;
                    while (i < line.Length && line[i] != '"')
                    {
                        if (line[i] == '\\' && i + 1 < line.Length && "\"\\$`".Contains(line[i + 1], StringComparison.Ordinal))
                        {
                            i++;
                        }
                        else if (line[i] is '$' or '`')
                        {
                            shellSyntax = true;
                        }

                        word.Append(line[i]);
                        i++;
                    }

                    if (i == line.Length)
                    {
                        throw new FormatException($"line {number}: a double quote is not closed: {line}");
                    }

                    i++;
                    break;
                case '\\':
                    if (i + 1 == line.Length)
                    {
                        throw new FormatException($"line {number}: a line continued with a backslash; write each command on one line: {line}");
                    }

                    word.Append(line[i + 1]);
                    i += 2;
                    break;
                default:
                    shellSyntax |= ShellOnly.Contains(c, StringComparison.Ordinal);
                    word.Append(c);
                    i++;
                    break;
            }
        }

        EndCommand(start < 0 ? 0 : Math.Min(i, line.Length));
        return commands;
    }
}
