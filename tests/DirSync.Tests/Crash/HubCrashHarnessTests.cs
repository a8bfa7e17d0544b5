namespace DirSync.Tests.Crash;

/// <summary>The hub's <c>server receive|send</c> and <c>requestor send|receive|import</c>, killed at their fault points and run again, end exactly as an uninterrupted run.</summary>
/// <remarks>See <see cref="CrashHarnessTests"/> and <see cref="CrashHarness"/>.</remarks>
public sealed class HubCrashHarnessTests
{
    public static IEnumerable<TheoryDataRow<string>> Scenarios => CrashScenarios.HubCommands.Select(s => new TheoryDataRow<string>(s.Name));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public Task Rerun_AfterKillAtFaultPoint_EndsAsTheUninterruptedRun(string scenario) =>
        CrashHarness.RunAsync(CrashScenarios.Get(scenario));
}
