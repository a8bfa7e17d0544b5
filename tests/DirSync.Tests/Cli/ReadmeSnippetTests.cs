using System.Diagnostics;
using System.Runtime.CompilerServices;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>The README's shell snippets, pasted in order into one empty folder, with the real built dirsync for <c>dirsync</c>.</summary>
public sealed class ReadmeSnippetTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The README lines not run here, each with its reason: they run scripts of the checkout, for minutes.</summary>
    private static readonly Dictionary<string, string> NotRun = new()
    {
        ["bash scripts/quickstart.sh"] = "builds dirsync and runs the seed's walkthrough, which WalkthroughTests runs step by step",
        ["bash scripts/test.sh"] = "runs every test, this one among them",
        ["bash benchmarks/run.sh --size 1000000"] = "puts a million mailboxes through every command, for many minutes",
        ["dotnet pack src/DirSync.Cli -c Release -o ./artifacts"] = "builds the tool package; scripts/test.sh packs it and installs it into a tool path of its own",
        ["dotnet tool install --global --add-source ./artifacts DirSync.Tool"] = "installs for the whole user; scripts/test.sh installs the package into a temporary tool path and runs it",
    };

    /// <summary>The other commands a snippet may use besides dirsync: quick, and touching nothing outside the folder.</summary>
    private static readonly string[] Helpers = ["mkdir", "echo", "printf"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Readme_EverySnippetInOrder_RunsInAnEmptyFolder()
    {
        TestStores.SkipOnPostgres("the README's snippets are run as written, on the default SQLite store; the PostgreSQL ones name a server of the reader's");
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the README's snippets are sh, and SIGTERM stops the daemon");
        var commands = ReadmeSnippets.Commands(await File.ReadAllTextAsync(RepositoryFile("README.md")));
        var notRun = new List<string>();
        CliResult? daemon = null;

        foreach (var command in commands)
        {
            var where = $"README.md line {command.Line}: {command.Text}";
            if (NotRun.ContainsKey(command.Text))
            {
                Assert.True(command.Words[0] != "bash" || File.Exists(RepositoryFile(command.Words[1])), $"{where}: no such script");
                notRun.Add(command.Text);
            }
            else if (command.Words[0] == "dirsync")
            {
                Assert.False(command.ShellSyntax, $"{where}: this test passes a dirsync command's words as they are, without a shell; write it without redirections, pipes, expansions or globs");
                var args = command.Words.Skip(1).ToArray();
                var result = IsDaemon(args) ? daemon = await RunDaemonAsync(args) : await CliRunner.RunProcessAsync(_folder.Path, null, args);
                Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"{where}\n{result}");
            }
            else
            {
                Assert.True(
                    Helpers.Contains(command.Words[0]),
                    $"{where}: neither dirsync nor one of {string.Join(", ", Helpers)}; run it in this test, or name it in {nameof(NotRun)} with the reason it is not run");
                var result = await ShellAsync(command.Text);
                Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"{where}\n{result}");
            }
        }

        // Each line named as not run is still in the README, once.
        Assert.Equal(NotRun.Keys.Order(StringComparer.Ordinal), notRun.Order(StringComparer.Ordinal));

        // The instance snippet: the second server holds Site1's mailboxes as custom recipients routed back to
        // them, with the display names of the full export; the later rename was only planned (--dry-run).
        var s2 = await CliRunner.RunAsync(_folder.File("s2.db"), "recipients", "list", "--json");
        Assert.Equal(
            [
                ("Mailbox11", "Mailbox 11", "custom-recipient", "EDK:Mailbox11@Site1.Testorg.com", "Testorg/Site1/Server1 (INSTANCE1)"),
                ("Mailbox12", "Mailbox 12", "custom-recipient", "EDK:Mailbox12@Site1.Testorg.com", "Testorg/Site1/Server1 (INSTANCE1)"),
            ],
            CliJson.Parse(s2.Out).EnumerateArray().Select(r => (
                r.GetProperty("alias").GetString(),
                r.GetProperty("displayName").GetString(),
                r.GetProperty("class").GetString(),
                r.GetProperty("targetAddress").GetString(),
                r.GetProperty("importedFrom").GetString())));

        // The hub snippet: NET/PO2's mailbox reached NET/PO1 (the tour's store) through the server, and its GAL.
        var gal = await CliRunner.RunAsync(_folder.File("dirsync.db"), "gal", "search", "Mül", "--json");
        var entry = Assert.Single(CliJson.Parse(gal.Out).EnumerateArray());
        Assert.Equal(
            ("Müller, Jürgen", "Mueller", "custom-recipient", "SMTP:Mueller@Site3.Testorg.com", "NET/PO2"),
            (entry.GetProperty("displayName").GetString(), entry.GetProperty("alias").GetString(), entry.GetProperty("class").GetString(),
                entry.GetProperty("address").GetString(), entry.GetProperty("postoffice").GetString()));

        // The daemon started on the tour's store with the schedule just set, and stopped on SIGTERM.
        Assert.NotNull(daemon);
        var lines = daemon.Out.Split('\n');
        Assert.StartsWith($"dirsync daemon on {_folder.File("dirsync.db")}: T1 weekdays 18:00, T3 not scheduled; polls every 60 s;", lines[0], StringComparison.Ordinal);
        Assert.Equal(["dirsync daemon stopped", ""], lines[^2..]);
    }

    [Fact]
    public void Split_QuotesCommentsAndSemicolons_GivesTheShellsWords()
    {
        var commands = ReadmeSnippets.Split("""dirsync a "Mailbox 11" '%g.%s@x'; echo 'p w' > f.pw   # a comment; not a command""", 7);

        Assert.Equal(2, commands.Count);
        Assert.Equal((7, "dirsync a \"Mailbox 11\" '%g.%s@x'", false), (commands[0].Line, commands[0].Text, commands[0].ShellSyntax));
        Assert.Equal(["dirsync", "a", "Mailbox 11", "%g.%s@x"], commands[0].Words);
        Assert.Equal(("echo 'p w' > f.pw", true), (commands[1].Text, commands[1].ShellSyntax));
        Assert.Equal(["echo", "p w", ">", "f.pw"], commands[1].Words);
    }

    [Theory]
    [InlineData("dirsync recipients list [--json]")]
    [InlineData("dirsync gal search \"$NAME\"")]
    [InlineData("dirsync recipients list | head")]
    public void Split_WhatOnlyAShellDoes_IsFlagged(string line) =>
        Assert.True(Assert.Single(ReadmeSnippets.Split(line, 1)).ShellSyntax);

    [Theory]
    [InlineData("dirsync mailbox add 'Mailbox 11", "line 3: a single quote is not closed: dirsync mailbox add 'Mailbox 11")]
    [InlineData("dirsync mailbox add \"Mailbox 11", "line 3: a double quote is not closed: dirsync mailbox add \"Mailbox 11")]
    [InlineData("dirsync mailbox add \\", "line 3: a line continued with a backslash; write each command on one line: dirsync mailbox add \\")]
    public void Split_LineItCannotSplit_IsRefused(string line, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => ReadmeSnippets.Split(line, 3)).Message);

    [Fact]
    public void Commands_BlockInAnotherLanguage_IsRefused()
    {
        var error = Assert.Throws<FormatException>(() => ReadmeSnippets.Commands("Text\n\n```sh\ndirsync info\n```\n\n```bash\ndirsync info\n```\n"));

        Assert.Equal("line 7: '```bash' opens a block that is not ```sh; write the README's snippets as ```sh blocks", error.Message);
    }

    /// <summary>Whether <paramref name="args"/> start the daemon, which runs until it is stopped.</summary>
    private static bool IsDaemon(string[] args)
    {
        var verb = 0;
        while (verb < args.Length && args[verb].StartsWith("--", StringComparison.Ordinal))
        {
            verb += args[verb] == "--store" ? 2 : 1;
        }

        return verb < args.Length && args[verb] == "daemon";
    }

    /// <summary>Starts the daemon, waits for its first line and stops it as Ctrl+C or systemd would.</summary>
    private async Task<CliResult> RunDaemonAsync(string[] args)
    {
        await using var daemon = CliProcess.Start(_folder.Path, null, args);
        await daemon.WaitUntilAsync(() => daemon.OutLines.Count > 0, Timeout, "the daemon's first line");
        return await daemon.TerminateAsync(Timeout);
    }

    private async Task<CliResult> ShellAsync(string command)
    {
        var start = new ProcessStartInfo("sh")
        {
            WorkingDirectory = _folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-c", command },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await output, await error);
    }

    private static string RepositoryFile(string name, [CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", name));
}
