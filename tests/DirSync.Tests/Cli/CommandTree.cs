using System.CommandLine;
using System.Text.RegularExpressions;
using DirSync.Cli;

namespace DirSync.Tests.Cli;

/// <summary>The real dirsync command tree, walked: every command, its options, and parsing words against it.</summary>
internal static partial class CommandTree
{
    /// <summary>The values tests put in place of the words in angle brackets that docs and hints use for what the user supplies.</summary>
    private static readonly Dictionary<string, string> Samples = new(StringComparer.Ordinal)
    {
        ["Org"] = "Testorg", ["org"] = "Testorg", ["Site"] = "Site1", ["site"] = "Site1", ["Server"] = "Server1", ["server"] = "Server1",
        ["path"] = "some/file", ["dir"] = "folder", ["file"] = "snapshot.dat", ["file.csv"] = "users.csv", ["n"] = "5", ["rows"] = "1000",
        ["days"] = "daily", ["HH:MM"] = "18:00", ["minutes"] = "30", ["seconds"] = "60", ["TYPE"] = "SMTP", ["TYPE:address"] = "SMTP:joe@example.com",
        ["NET/PO"] = "NET/PO1", ["pw"] = "secret", ["instance"] = "EXP", ["NAME"] = "EXP", ["name"] = "Someone", ["alias"] = "Mailbox11",
        ["new alias"] = "Mailbox12", ["class"] = "mailbox", ["template"] = "%m@example.com", ["prefix"] = "Mai", ["list"] = "Common-Name",
        ["Org/Site/Server"] = "Testorg", ["format"] = "ldif", ["event"] = "T1", ["level"] = "medium", ["T1|T2|T3"] = "T1", ["URL"] = "ldap://127.0.0.1:389", ["url"] = "http://127.0.0.1:8080", ["DN"] = "dc=example,dc=com",
    };

    /// <summary>Builds the tree as <c>dirsync</c> does, with output nobody reads.</summary>
    public static RootCommand Build() =>
        DirSyncCommand.Build(new CliIo(new MemoryStream(), TextWriter.Null, _ => null, Path.GetTempPath()));

    /// <summary>Every command that does something (has an action), with its words after <c>dirsync</c>, such as <c>mailbox add</c>.</summary>
    public static IReadOnlyList<(string Path, Command Command)> Runnable(RootCommand root)
    {
        var found = new List<(string, Command)>();
        void Walk(Command command, string path)
        {
            if (command.Action is not null && path.Length > 0)
            {
                found.Add((path, command));
            }

            foreach (var sub in command.Subcommands)
            {
                Walk(sub, path.Length == 0 ? sub.Name : path + " " + sub.Name);
            }
        }

        Walk(root, "");
        return found;
    }

    /// <summary>The options a command takes itself and from the root (<c>--store</c>, <c>--json</c>), without help.</summary>
    public static IEnumerable<Option> Options(RootCommand root, Command command) =>
        command.Options.Concat(root.Options.Where(o => o.Recursive && command != root)).Distinct()
            .Where(o => o.Name is not ("--help" or "--version"));

    /// <summary>The options only the root gives every command.</summary>
    public static IEnumerable<Option> GlobalOptions(RootCommand root) => root.Options.Where(o => o.Recursive);

    /// <summary>The command named by the longest run of leading command words, and how many words that took.</summary>
    public static (Command Command, int Words) Resolve(RootCommand root, IReadOnlyList<string> words)
    {
        Command current = root;
        var used = 0;
        var i = 0;
        while (i < words.Count)
        {
            if (words[i].StartsWith('-'))
            {
                // A global option and its value may stand before the command words.
                i += words[i] is "--store" ? 2 : 1;
                continue;
            }

            var next = current.Subcommands.FirstOrDefault(c => c.Name == words[i] || c.Aliases.Contains(words[i]));
            if (next is null)
            {
                break;
            }

            current = next;
            i++;
            used = i;
        }

        return (current, used);
    }

    /// <summary>Puts a sample value in place of each word in angle brackets; null when a word has no sample.</summary>
    public static string Substitute(string line, out string? unknown)
    {
        string? missing = null;
        var result = Placeholder().Replace(line, m =>
        {
            if (Samples.TryGetValue(m.Groups[1].Value, out var value))
            {
                return value;
            }

            missing ??= m.Value;
            return m.Value;
        });
        unknown = missing;
        return result;
    }

    /// <summary>The parse errors of <paramref name="words"/> (after <c>dirsync</c>), as dirsync would meet them.</summary>
    public static IReadOnlyList<string> ParseErrors(RootCommand root, IReadOnlyList<string> words) =>
        [.. root.Parse([.. words]).Errors.Select(e => e.Message)];

    [GeneratedRegex("<([^<>]+)>")]
    private static partial Regex Placeholder();
}
