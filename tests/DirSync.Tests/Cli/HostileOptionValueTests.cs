using System.CommandLine;
using System.Text;
using DirSync.Cli;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>
/// Every option of every command, given values nobody should give: one line on stderr starting <c>dirsync: </c>, a
/// documented exit code, and never a stack trace or a .NET type name.
/// </summary>
public sealed class HostileOptionValueTests(HostileOptionValueTests.StoreFixture fixture) : IClassFixture<HostileOptionValueTests.StoreFixture>
{
    /// <summary>The exit codes docs/commands.md documents for a user's mistake (1 is a bug, so it is not among them).</summary>
    private static readonly int[] Documented = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

    private static readonly string[] Hostile = ["x", "-1", "1e99", "", new string('9', 10_000), "\u001b[31m", "../../etc/passwd"];

    /// <summary>Values for the arguments a command needs, by name, so that the option under test is what the command meets.</summary>
    private static readonly Dictionary<string, string> ArgumentSamples = new(StringComparer.Ordinal)
    {
        ["alias"] = "Mailbox11", ["name"] = "EXP", ["instance"] = "EXP", ["path"] = "Recipients/Sales", ["type"] = "SMTP",
        ["template"] = "%m@example.com", ["file"] = "in.csv", ["event"] = "T1", ["days"] = "daily", ["HH:MM"] = "18:00",
        ["prefix"] = "Mai", ["level"] = "medium",
    };

    /// <summary>Values for the options a command requires, by name.</summary>
    private static readonly Dictionary<string, string> RequiredSamples = new(StringComparer.Ordinal)
    {
        ["--org"] = "Testorg", ["--site"] = "Site1", ["--server"] = "Server1", ["--inbox"] = "inbox", ["--server-inbox"] = "server-inbox",
        ["--name"] = "NET/PO1", ["--target-address"] = "SMTP:joe@example.com", ["--out"] = "out.dat", ["--to"] = "copy.db", ["--from"] = "old.db",
    };

    public static TheoryData<string, string> OptionsTakingValues()
    {
        var root = CommandTree.Build();
        var data = new TheoryData<string, string>();
        foreach (var (path, command) in CommandTree.Runnable(root))
        {
            foreach (var option in CommandTree.Options(root, command).Where(o => o.Arity.MaximumNumberOfValues > 0))
            {
                data.Add(path, option.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OptionsTakingValues))]
    public async Task Option_HostileValue_IsOneClearLineWithADocumentedCode(string path, string optionName)
    {
        var root = CommandTree.Build();
        var command = CommandTree.Runnable(root).Single(c => c.Path == path).Command;
        foreach (var value in Hostile)
        {
            var args = new List<string>(path.Split(' '));
            foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0))
            {
                Assert.True(ArgumentSamples.TryGetValue(argument.Name, out var sample), $"no sample for <{argument.Name}> of 'dirsync {path}'; add one");
                args.Add(sample!);
            }

            foreach (var required in command.Options.Where(o => o.Required && o.Name != optionName))
            {
                Assert.True(RequiredSamples.TryGetValue(required.Name, out var sample), $"no sample for {required.Name} of 'dirsync {path}'; add one");
                args.AddRange([required.Name, sample!]);
            }

            if (optionName != "--store")
            {
                args.AddRange(["--store", fixture.Store.Path]);
            }

            args.AddRange([optionName, value]);

            // The daemon and serve, given a value they take as good, run, as they should, until stopped.
            var result = await RunAsync(fixture.Store.Folder.Path, args, mayRunUntilStopped: path is "daemon" or "serve");

            var shown = $"dirsync {string.Join(' ', args.Select(a => a.Length > 60 ? a[..20] + "…" : a))}: {result}";
            Assert.True(Documented.Contains(result.ExitCode), $"undocumented exit code: {shown}");
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
            if (result.ExitCode != 0)
            {
                var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(lines.Length == 1, $"not one line on stderr: {shown}");
                Assert.DoesNotContain('\u001b', lines[0]);
                if (optionName == "--json")
                {
                    // --json was given (with a stray value after it): the error is the JSON object, with its code.
                    using var error = System.Text.Json.JsonDocument.Parse(lines[0]);
                    Assert.Equal(result.ExitCode, error.RootElement.GetProperty("code").GetInt32());
                }
                else
                {
                    Assert.StartsWith("dirsync: ", lines[0], StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void OptionsTakingValues_FindTheOptionsOfTheWholeTree()
    {
        var rows = OptionsTakingValues().Select(r => r.Data).ToList();

        Assert.Contains(("run", "--allow-deletes"), rows);
        Assert.Contains(("server receive", "--allow-deletes"), rows);
        Assert.Contains(("requestor import", "--allow-deletes"), rows);
        Assert.Contains(("gal search", "--limit"), rows);
        Assert.Contains(("info", "--store"), rows);
        Assert.True(rows.Count > 100, $"only {rows.Count} options");
    }

    private static async Task<CliResult> RunAsync(string folder, IReadOnlyList<string> args, bool mayRunUntilStopped)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var io = new CliIo(stdout, stderr, _ => null, folder);

        // A hostile value that a command took as a good one must not leave it running (the daemon).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(mayRunUntilStopped ? 3 : 30));
        var exit = await DirSyncCommand.RunAsync([.. args], io, timeout.Token);
        Assert.True(mayRunUntilStopped || !timeout.IsCancellationRequested, $"dirsync {string.Join(' ', args)} ran for 30 seconds");
        return new CliResult(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    /// <summary>One store for every case: with a mailbox, a container and an import instance for the commands to meet.</summary>
    public sealed class StoreFixture : IAsyncLifetime
    {
        public CliStore Store { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Store = await CliStore.InitAsync();
            await Store.RunOkAsync("mailbox", "add", "Mailbox11");
            await Store.RunOkAsync("container", "add", "Recipients/Sales");
            await Store.RunOkAsync("instance", "set", "EXP", "--import", "--file", Store.Folder.File("in.ldif"));
        }

        public ValueTask DisposeAsync()
        {
            Store.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
