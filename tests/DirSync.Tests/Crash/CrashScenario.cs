namespace DirSync.Tests.Crash;

/// <summary>One crash scenario: a starting state, the command the harness kills, and what runs after it.</summary>
/// <remarks>
/// The starting state is built by running dirsync in the scenario's work folder (stores record absolute paths
/// of drop folders and exchange files, so every run of a scenario happens in that same folder).
/// </remarks>
internal sealed record CrashScenario
{
    /// <summary>The scenario's name, as the tests and failure messages give it.</summary>
    public required string Name { get; init; }

    /// <summary>Builds the starting state in the work folder, given a runner of dirsync commands there.</summary>
    public required Func<CrashSite, Task> PrepareAsync { get; init; }

    /// <summary>The command under test (with its <c>--store</c>), run as the real dirsync process.</summary>
    public required string[] Command { get; init; }

    /// <summary>Commands run without faults after the command (and after its rerun), in the reference too: the receiver of what it sent.</summary>
    /// <remarks>
    /// A sender that dies after its message is in place but before its state is committed sends it again on the
    /// rerun, under a new name; the protocol makes the copy harmless, and running the receiver proves it.
    /// </remarks>
    public string[][] Then { get; init; } = [];

    /// <summary>Commands run without faults after the command (crashed or not) and before its rerun: local changes made in the meantime.</summary>
    /// <remarks>
    /// With these, the reference is the command, these, the command again, then <see cref="Then"/>; a crash before the
    /// command's first durable step must end as these, the command, then <see cref="Then"/>. What the crashed run had
    /// already made durable (a transaction number handed out, a message delivered) must keep its meaning.
    /// </remarks>
    public string[][] Between { get; init; } = [];

    /// <summary>Environment variables the command under test runs with, in every run of it (reference, crashed, rerun).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Kill the command at every one of its fault points, not a sample, in every run of the tests.</summary>
    public bool EveryPoint { get; init; }

    /// <summary>The exit code with which the command, run again once its work is done, says so (<c>init</c>: 5, the store exists); null when it simply succeeds again.</summary>
    public int? DoneExitCode { get; init; }

    public override string ToString() => Name;
}
