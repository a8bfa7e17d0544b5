using System.CommandLine;
using System.Text.RegularExpressions;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>
/// The docs and the command tree agree: every command line shown in a code block parses, every option a line names
/// exists on its command, and docs/commands.md documents every command and option there is.
/// </summary>
public sealed partial class CommandDocsTests
{
    /// <summary>Lines shown in code blocks that are deliberately not a command to type, each with why.</summary>
    private static readonly Dictionary<string, string> NotCommands = new(StringComparer.Ordinal)
    {
        ["dirsync daemon on /var/lib/dirsync/po1.db: T1 weekdays 18:00, T3 weekdays 06:00; polls every 60 s; times are Europe/Berlin time; stop with Ctrl+C or SIGTERM"] = "what the daemon prints when it starts (schedule.md)",
        ["dirsync daemon stopped"] = "what the daemon prints when it stops (schedule.md)",
    };

    /// <summary>Every line of a code block in README.md and docs/*.md that starts with <c>dirsync</c> (after an optional <c>$ </c> prompt).</summary>
    public static TheoryData<string, int, string> DocumentedLines()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var page in Repository.MarkdownPages())
        {
            foreach (var (line, text, _) in CommandLines(File.ReadAllLines(page)))
            {
                data.Add(Path.GetFileName(page), line, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedLines))]
    public void DocumentedCommandLine_ParsesAgainstTheCommandTree(string page, int line, string text)
    {
        var root = CommandTree.Build();
        var where = $"{page} line {line}: {text}";
        foreach (var command in ReadmeSnippets.Split(CommandTree.Substitute(text, out var unknown), line).Where(c => c.Words[0] == "dirsync"))
        {
            var words = command.Words.Skip(1).ToList();
            var (resolved, used) = CommandTree.Resolve(root, words);
            Assert.True(resolved.Action is not null || used == 0 && (words.Contains("--version") || words.Contains("--help")), $"{where}: '{string.Join(' ', words.Take(Math.Max(used, 1)))}' is not a command");

            // Every option the line names exists on the command it names, synopsis or example.
            var known = CommandTree.Options(root, resolved).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (Match option in OptionName().Matches(command.Text))
            {
                Assert.True(known.Contains(option.Value) || option.Value is "--help" or "--version", $"{where}: '{resolved.Name}' has no option {option.Value}");
            }

            if (IsSynopsis(command) || NotCommands.ContainsKey(text.Trim()))
            {
                continue;
            }

            Assert.True(unknown is null, $"{where}: no sample for {unknown}; add one to CommandTree's samples");
            var errors = CommandTree.ParseErrors(root, words);
            Assert.True(errors.Count == 0, $"{where}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void NotCommands_AreStillInTheDocs()
    {
        var lines = DocumentedLines().Select(row => row.Data.Item3.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.All(NotCommands.Keys, text => Assert.Contains(text, lines));
    }

    [Fact]
    public void CommandsMd_DocumentsEveryCommandAndEveryOption()
    {
        var root = CommandTree.Build();
        var lines = File.ReadAllLines(Repository.File("docs/commands.md"));
        var synopses = CommandLines(lines).ToList();
        var missing = new List<string>();
        foreach (var (path, command) in CommandTree.Runnable(root))
        {
            // A command's synopsis: its lines in code blocks, with the lines that continue them.
            var own = synopses.Where(s => Words(s.Text) is var w && CommandTree.Resolve(root, w.Skip(1).ToList()).Command == command).ToList();
            if (own.Count == 0)
            {
                missing.Add($"command 'dirsync {path}'");
                continue;
            }

            var text = string.Join(' ', own.Select(s => s.Text + " " + s.Continuation));
            foreach (var option in command.Options.Where(o => o.Name is not ("--help" or "-h")))
            {
                if (!Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(option.Name)}(?![\w-])"))
                {
                    missing.Add($"option {option.Name} of 'dirsync {path}'");
                }
            }
        }

        foreach (var option in CommandTree.GlobalOptions(root))
        {
            if (!lines.Any(l => l.Contains($"`{option.Name}", StringComparison.Ordinal)))
            {
                missing.Add($"global option {option.Name}");
            }
        }

        Assert.True(missing.Count == 0, "docs/commands.md does not document:\n" + string.Join('\n', missing));
    }

    private static bool IsSynopsis(SnippetCommand command) =>
        command.ShellSyntax || command.Text.Contains("...", StringComparison.Ordinal) || command.Text.Contains('…', StringComparison.Ordinal);

    private static List<string> Words(string text) =>
        [.. ReadmeSnippets.Split(CommandTree.Substitute(text, out _), 1).FirstOrDefault()?.Words ?? []];

    /// <summary>The lines of code blocks that start with <c>dirsync</c>, with their number and the indented lines that continue them.</summary>
    /// <remarks>In a block that shows a <c>$ </c> prompt, only the prompted lines are commands; the others are what they print.</remarks>
    private static IEnumerable<(int Line, string Text, string Continuation)> CommandLines(string[] lines)
    {
        var inBlock = false;
        var prompted = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                prompted = inBlock && lines.Skip(i + 1).TakeWhile(l => !l.TrimStart().StartsWith("```", StringComparison.Ordinal)).Any(l => l.StartsWith("$ ", StringComparison.Ordinal));
                continue;
            }

            var text = line.Trim();
            if (prompted && !text.StartsWith("$ ", StringComparison.Ordinal))
            {
                continue;
            }

            text = text.StartsWith("$ ", StringComparison.Ordinal) ? text[2..] : text;
            if (!inBlock || !text.StartsWith("dirsync ", StringComparison.Ordinal) && text != "dirsync")
            {
                continue;
            }

            // A command continued on the next line with a backslash is one command.
            var first = i;
            while (text.EndsWith('\\') && i + 1 < lines.Length)
            {
                text = text[..^1].TrimEnd() + " " + lines[++i].Trim();
            }

            if (first != i)
            {
                yield return (first + 1, text, "");
                continue;
            }

            var continuation = new List<string>();
            for (var j = i + 1; j < lines.Length && lines[j].StartsWith(' ') && !lines[j].TrimStart().StartsWith("dirsync", StringComparison.Ordinal) && !lines[j].TrimStart().StartsWith("```", StringComparison.Ordinal); j++)
            {
                continuation.Add(lines[j].Trim());
            }

            yield return (i + 1, text, string.Join(' ', continuation));
        }
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex OptionName();
}
