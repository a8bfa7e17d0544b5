namespace DirSync.Tests.Crash;

/// <summary><c>run</c>, <c>bulk import</c> and <c>gal rebuild</c>, killed with SIGKILL at their fault points and run again, end exactly as an uninterrupted run.</summary>
/// <remarks>
/// CI tests the first and last point, every commit and rename, and <see cref="CrashHarness.DefaultKills"/> more per
/// scenario; <c>DIRSYNC_CRASH_KILLS=200 bash scripts/test.sh --filter FullyQualifiedName~Crash</c> tests (nearly) all.
/// The hub's commands are in <see cref="HubCrashHarnessTests"/>, a class of its own so the two run side by side.
/// </remarks>
public sealed class CrashHarnessTests
{
    public static IEnumerable<TheoryDataRow<string>> Scenarios => CrashScenarios.DirectoryCommands.Select(s => new TheoryDataRow<string>(s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Rerun_AfterKillAtFaultPoint_EndsAsTheUninterruptedRun(string scenario) =>
        CrashHarness.RunAsync(CrashScenarios.Get(scenario));
}
