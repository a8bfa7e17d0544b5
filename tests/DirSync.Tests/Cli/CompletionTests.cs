using System.Diagnostics;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary>Shell completion: the suggest directive dirsync answers, and the bash completion script built on it.</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("dirsync recipients list --class ", "custom-recipient\ndistribution-list\ndl\nmailbox\nremote\n")]
    [InlineData("dirsync recipients lis", "list\n")]
    [InlineData("dirsync gal ", "list\nrebuild\nsearch\n")]
    public async Task SuggestDirective_GivesTheWordsThatMayComeAtTheCursor(string line, string expected)
    {
        var result = await CliRunner.RunProcessAsync(_folder.Path, null, $"[suggest:{line.Length}]", line);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Equal(expected, Words(result.Out, line));
    }

    [Theory]
    [InlineData("dirsync recipients list --class d", "distribution-list\ndl\n")]
    [InlineData("dirsync mailbox s", "set\n")]
    [InlineData("dirsync tombstones purge --dr", "--dry-run\n")]
    public async Task BashCompletionScript_CompletesWhatIsTyped(string line, string expected)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the script is for bash");

        // A dirsync on PATH as an installed tool would be, running the built command.
        var bin = Directory.CreateDirectory(_folder.File("bin")).FullName;
        var wrapper = Path.Combine(bin, "dirsync");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{CliRunner.CommandPath}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var words = line.Split(' ');
        var script =
            $"source '{Repository.File("scripts/dirsync-completion.bash")}'\n"
            + $"COMP_LINE='{line}'; COMP_POINT={line.Length}; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}\n"
            + "_dirsync\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");

        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var error = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.True(bash.ExitCode == 0, error);
        Assert.Equal(expected, output);
    }

    // The directive may also offer options and help words; the test looks at the words that are not options unless the line asks for options.
    private static string Words(string output, string line) =>
        string.Concat(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => line.EndsWith("--class ", StringComparison.Ordinal) || !w.StartsWith('-') && !w.StartsWith('/'))
            .Select(w => w + "\n"));
}
