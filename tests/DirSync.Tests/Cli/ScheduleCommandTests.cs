using System.Text.Json;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Scheduling;
using DirSync.Sqlite;
using DirSync.Tests.Scheduling;
using DirSync.Tests.Support;

namespace DirSync.Tests.Cli;

/// <summary><c>dirsync schedule set|list</c>, <c>dirsync kick</c> and the checks <c>dirsync daemon</c> makes before it starts.</summary>
public sealed class ScheduleCommandTests : IDisposable
{
    private const string Zone = "Europe/Berlin";

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById(Zone);
    private static readonly Dictionary<string, string> Environment = new() { ["DIRSYNC_TIMEZONE"] = Zone };

    private readonly TempFolder _folder = new();

    public ScheduleCommandTests()
    {
        Directory.CreateDirectory(_folder.File("hub-in"));
        Directory.CreateDirectory(_folder.File("po1-in"));
    }

    private string Store => _folder.File("dirsync.db");

    private string ServerInbox => _folder.File("hub-in");

    public void Dispose() => _folder.Dispose();

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(_folder.Path, Environment, ["--store", Store, .. args]);

    private async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, $"dirsync {string.Join(' ', args)} failed: {result}");
        return result;
    }

    private async Task InitRequestorAsync()
    {
        await RunOkAsync("init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");
        await RunOkAsync("requestor", "enable", "--name", "NET/PO1", "--inbox", "po1-in", "--server-inbox", "hub-in", "--password", "secret");
    }

    private async Task<IReadOnlyList<KeyValuePair<string, string>>> SettingsAsync()
    {
        await using var store = await TestStores.OpenAsync(Store);
        return [.. await store.ListSettingsAsync("schedule."), .. await store.ListSettingsAsync("kick.")];
    }

    private async Task<IReadOnlyList<(int Code, string Message)>> RunEventsAsync()
    {
        await using var store = await TestStores.OpenAsync(Store);
        return (await store.ListEventsAsync(1000))
            .Where(e => e.Code is EventCodes.ScheduleRan or EventCodes.ScheduleFailed or EventCodes.ScheduleMissed)
            .Select(e => (e.Code, e.Message))
            .ToList();
    }

    /// <summary>Runs <paramref name="action"/> and returns the next occurrence it must have printed: the same before and after it, unless a minute turned.</summary>
    private static async Task<(T Result, string[] Allowed)> WithNextAsync<T>(Schedule schedule, Func<Task<T>> action)
    {
        var scheduler = new Scheduler(Berlin);
        var before = scheduler.Format(schedule.NextOccurrence(DateTimeOffset.UtcNow, Berlin));
        var result = await action();
        var after = scheduler.Format(schedule.NextOccurrence(DateTimeOffset.UtcNow, Berlin));
        return (result, [before, after]);
    }

    [Fact]
    public async Task Set_Weekdays_StoresTheScheduleAndPrintsTheNextRun()
    {
        await InitRequestorAsync();

        var (result, allowed) = await WithNextAsync(Schedule.Parse(CycleEvent.T1, "weekdays", "18:00"), () => RunOkAsync("schedule", "set", "t1", "Weekdays", "18:00"));

        Assert.Contains(result.Out, allowed.Select(next => $"Scheduled T1 weekdays 18:00 (Europe/Berlin time, 60-minute window); next run {next}\n"));
        var setting = Assert.Single(await SettingsAsync());
        Assert.Equal("schedule.T1", setting.Key);
        Assert.StartsWith("{\"days\":\"weekdays\",\"time\":\"18:00\",\"windowMinutes\":60,\"since\":\"", setting.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_Again_ReplacesTheScheduleWithItsWindow()
    {
        await InitRequestorAsync();
        await RunOkAsync("schedule", "set", "T3", "mon", "06:00");

        var (result, allowed) = await WithNextAsync(Schedule.Parse(CycleEvent.T3, "mon,wed,fri", "07:30", 15), () => RunOkAsync("schedule", "set", "T3", "mon,wednesday,FRI", "7:30", "--window", "15"));

        Assert.Contains(result.Out, allowed.Select(next => $"Scheduled T3 mon,wed,fri 07:30 (Europe/Berlin time, 15-minute window); next run {next}\n"));
        Assert.StartsWith("{\"days\":\"mon,wed,fri\",\"time\":\"07:30\",\"windowMinutes\":15,", Assert.Single(await SettingsAsync()).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_None_RemovesTheSchedule()
    {
        await InitRequestorAsync();
        await RunOkAsync("schedule", "set", "T1", "daily", "18:00");

        var removed = await RunOkAsync("schedule", "set", "T1", "none");
        var again = await RunOkAsync("schedule", "set", "T1", "NONE");

        Assert.Equal("Removed T1's schedule; the daemon runs it only when kicked\n", removed.Out);
        Assert.Equal("T1 has no schedule; nothing to remove\n", again.Out);
        Assert.Empty(await SettingsAsync());
    }

    [Fact]
    public async Task Set_BadInput_FailsWithOneLineAndChangesNothing()
    {
        await InitRequestorAsync();
        await RunOkAsync("schedule", "set", "T1", "daily", "18:00");
        var settings = await SettingsAsync();

        (string[] Args, int Exit, string Message)[] failures =
        [
            (["T4", "daily", "18:00"], 3, "unknown event 'T4': use T1 (requestor send), T2 (server receive and send) or T3 (requestor receive, import and GAL rebuild)"),
            (["T1", "tues", "18:00"], 3, "unknown day 'tues' in 'tues' (did you mean 'tue'?); use daily, weekdays, weekends, or days separated by commas such as mon,wed,fri (mon tue wed thu fri sat sun, or full names such as monday; any case)"),
            (["T1", "daily", "6pm"], 3, "invalid time '6pm': use HH:MM on the 24-hour clock, from 00:00 to 23:59 (such as 18:00)"),
            (["T1", "daily"], 3, "a schedule needs a time of day: dirsync schedule set T1 daily <HH:MM>"),
            (["T1", "none", "18:00"], 3, "'none' removes T1's schedule and takes no time or window: dirsync schedule set T1 none"),
            (["T1", "daily", "18:00", "--window", "0"], 3, "invalid run window 0: use a number of minutes from 1 to 10080 (a week)"),
            (["T2", "daily", "18:00"], 3, "T2 is the dir-sync server's event and this store is not a dir-sync server; enable it with 'dirsync server enable --inbox <dir>'"),
            (["T1", "daily", "18:00", "--window", "x"], 2, "cannot parse argument 'x' for option '--window' as expected type 'System.Nullable`1[System.Int32]' (see 'dirsync schedule set --help')"),
        ];
        foreach (var (args, exit, message) in failures)
        {
            var result = await RunAsync(["schedule", "set", .. args]);
            Assert.True(result.ExitCode == exit, $"schedule set {string.Join(' ', args)}: expected exit {exit}: {result}");
            Assert.Equal("", result.Out);
            Assert.Equal($"dirsync: {message}\n", result.Error);
        }

        Assert.Equal(settings, await SettingsAsync());
    }

    [Fact]
    public async Task List_Requestor_ShowsEachEventItsNextRunAndAWaitingKick()
    {
        await InitRequestorAsync();
        await RunOkAsync("schedule", "set", "T1", "weekdays", "18:00", "--window", "30");
        await RunOkAsync("kick", "T3");

        var (result, allowed) = await WithNextAsync(Schedule.Parse(CycleEvent.T1, "weekdays", "18:00"), () => RunOkAsync("schedule", "list"));

        var lines = result.Out.Split('\n');
        Assert.Equal(7, lines.Length);
        Assert.Equal("EVENT  DAYS             TIME   WINDOW  LAST HANDLED  NEXT RUN", lines[0]);
        Assert.Equal("-----  ---------------  -----  ------  ------------  ---------------------------", lines[1]);
        Assert.Contains(lines[2], allowed.Select(next => $"T1     weekdays         18:00  30 min  never         {next}"));
        Assert.Equal("T3     (not scheduled)" + new string(' ', 31), lines[3]);
        Assert.Equal("Times are Europe/Berlin time.", lines[4]);
        Assert.Matches(@"^T3 was kicked at \w{3} \d{4}-\d\d-\d\d \d\d:\d\d \+0[12]:00; a running 'dirsync daemon' runs it at its next poll$", lines[5]);
        Assert.Equal("", lines[6]);
    }

    [Fact]
    public async Task List_Json_HasEveryFieldForEachEvent()
    {
        await InitRequestorAsync();
        await RunOkAsync("schedule", "set", "T3", "sat,sun", "03:15");

        var (result, allowed) = await WithNextAsync(Schedule.Parse(CycleEvent.T3, "weekends", "03:15"), () => RunOkAsync("schedule", "list", "--json"));

        var rows = CliJson.Parse(result.Out).EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        string[] names = ["event", "does", "available", "days", "time", "windowMinutes", "since", "lastHandled", "nextRun", "kickedAt"];
        Assert.All(rows, row => Assert.Equal(names, row.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(
            ("T1", "requestor send", true, JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null),
            (rows[0].GetProperty("event").GetString(), rows[0].GetProperty("does").GetString(), rows[0].GetProperty("available").GetBoolean(),
                rows[0].GetProperty("days").ValueKind, rows[0].GetProperty("windowMinutes").ValueKind, rows[0].GetProperty("nextRun").ValueKind, rows[0].GetProperty("kickedAt").ValueKind));
        var t3 = rows[1];
        Assert.Equal(
            ("T3", "requestor receive and import", "weekends", "03:15", 60, JsonValueKind.Null, JsonValueKind.Null),
            (t3.GetProperty("event").GetString(), t3.GetProperty("does").GetString(), t3.GetProperty("days").GetString(), t3.GetProperty("time").GetString(),
                t3.GetProperty("windowMinutes").GetInt32(), t3.GetProperty("lastHandled").ValueKind, t3.GetProperty("kickedAt").ValueKind));
        var next = t3.GetProperty("nextRun").GetDateTimeOffset();
        Assert.Contains(new Scheduler(Berlin).Format(next), allowed);
        Assert.Equal(TimeZoneInfo.ConvertTime(next, Berlin).Offset, next.Offset);
        Assert.True(t3.GetProperty("since").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task List_StoreWithoutARole_SaysSo()
    {
        await RunOkAsync("init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        var text = await RunOkAsync("schedule", "list");
        var json = await RunOkAsync("schedule", "list", "--json");

        Assert.Equal("This store is neither a Dir-Sync requestor nor a dir-sync server, so it has no events to schedule\n", text.Out);
        Assert.Equal("[]\n", json.Out);
    }

    [Fact]
    public async Task Kick_StoresTheRequestForTheDaemon()
    {
        await InitRequestorAsync();

        var text = await RunOkAsync("kick", "T1");
        var json = await RunOkAsync("kick", "t3", "--json");

        Assert.Equal("Kicked T1: a running 'dirsync daemon' on this store runs it at its next poll (without a daemon, run it here with 'dirsync kick T1 --now')\n", text.Out);
        var kick = CliJson.Parse(json.Out);
        Assert.Equal(["event", "kickedAt", "ran"], kick.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("T3", false), (kick.GetProperty("event").GetString(), kick.GetProperty("ran").GetBoolean()));
        Assert.Equal(["kick.T1", "kick.T3"], (await SettingsAsync()).Select(s => s.Key));
        Assert.Equal(0, HubSites.Waiting(ServerInbox));
    }

    [Fact]
    public async Task Kick_Now_RunsTheEventHereAndLogsIt()
    {
        await InitRequestorAsync();
        await RunOkAsync("mailbox", "add", "alice");
        await RunOkAsync("kick", "T1");

        var result = await RunOkAsync("kick", "T1", "--now");

        Assert.Equal("T1 (kicked): requestor send: 1 message, 1 update\n  requestor send: ReqTx R=1 (was 0), S=0, I=0 1 sent\n", result.Out);
        Assert.Equal(1, HubSites.Waiting(ServerInbox));
        Assert.Empty(await SettingsAsync());
        Assert.Equal([(EventCodes.ScheduleRan, "T1 (kicked): requestor send: 1 message, 1 update")], await RunEventsAsync());
    }

    [Fact]
    public async Task Kick_NowFailing_ExitsWithTheFailuresCodeAndLogsIt()
    {
        await InitRequestorAsync();
        Directory.Delete(ServerInbox);

        var result = await RunAsync("kick", "T1", "--now");

        var message = $"the drop folder '{ServerInbox}' does not exist; create it (or point the setting at the right folder)";
        Assert.Equal((11, "", $"dirsync: {message}\n"), (result.ExitCode, result.Out, result.Error));
        Assert.Equal([(EventCodes.ScheduleFailed, $"T1 (kicked) failed: {message}")], await RunEventsAsync());
    }

    [Fact]
    public async Task Kick_EventOfARoleTheStoreLacks_IsRefused()
    {
        await InitRequestorAsync();

        foreach (var args in new[] { new[] { "kick", "T2" }, ["kick", "T2", "--now"] })
        {
            var result = await RunAsync(args);

            Assert.Equal(
                (3, "", "dirsync: T2 is the dir-sync server's event and this store is not a dir-sync server; enable it with 'dirsync server enable --inbox <dir>'\n"),
                (result.ExitCode, result.Out, result.Error));
        }

        Assert.Empty(await SettingsAsync());
        Assert.Empty(await RunEventsAsync());
    }

    [Fact]
    public async Task Daemon_BadPollOrNoRole_RefusesToStart()
    {
        await RunOkAsync("init", "--org", "Testorg", "--site", "Site1", "--server", "Server1");

        (string[] Args, int Exit, string Message)[] failures =
        [
            (["daemon", "--poll", "0"], 3, "--poll is a number of seconds from 1 to 3600"),
            (["daemon", "--poll", "3601"], 3, "--poll is a number of seconds from 1 to 3600"),
            (["daemon", "--poll", "soon"], 2, "cannot parse argument 'soon' for option '--poll' as expected type 'System.Int32' (see 'dirsync daemon --help')"),
            (["daemon"], 3, "this store is neither a Dir-Sync requestor nor a dir-sync server, so the daemon would have nothing to do; enable a role with 'dirsync requestor enable' or 'dirsync server enable'"),
        ];
        foreach (var (args, exit, message) in failures)
        {
            var result = await RunAsync(args);
            Assert.True(result.ExitCode == exit, $"{string.Join(' ', args)}: expected exit {exit}: {result}");
            Assert.Equal(("", $"dirsync: {message}\n"), (result.Out, result.Error));
        }
    }

    [Fact]
    public async Task Commands_UnknownTimeZone_SayWhatTheVariableTakes()
    {
        await InitRequestorAsync();

        var result = await CliRunner.RunAsync(_folder.Path, new Dictionary<string, string> { ["DIRSYNC_TIMEZONE"] = "Mars/Olympus" }, "--store", Store, "schedule", "list");

        Assert.Equal(
            (3, "", "dirsync: DIRSYNC_TIMEZONE='Mars/Olympus' is not a time zone this machine knows; use a name such as Europe/Berlin or UTC\n"),
            (result.ExitCode, result.Out, result.Error));
    }
}
