using DirSync.Core;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Scheduling;
using DirSync.Core.Storage;
using DirSync.Tests.Support;

namespace DirSync.Tests.Scheduling;

public sealed class SchedulerTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private readonly Scheduler _scheduler = new(Berlin);
    private HubSites _sites = null!;

    public async ValueTask InitializeAsync() => _sites = await HubSites.CreateAsync();

    public ValueTask DisposeAsync() => _sites.DisposeAsync();

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private Task<Schedule> SetAsync(CycleEvent @event, string days, string time, DateTimeOffset since, int window = 60) =>
        ScheduleStore.SetAsync(@event == CycleEvent.T2 ? _sites.Server : _sites.Requestor, Schedule.Parse(@event, days, time, window), since);

    [Fact]
    public async Task Pending_ScheduleSetInAnotherZone_RunsAtThatZonesHourWhereverTheDaemonIs()
    {
        // Set in Tokyo for 09:00 (00:00 UTC); read back from the store by daemons in Berlin and in New York.
        var tokyo = Schedule.Parse(CycleEvent.T1, "daily", "09:00") with { TimeZoneId = "Asia/Tokyo" };
        await ScheduleStore.SetAsync(_sites.Requestor, tokyo, Utc(1, 14, 12));
        var stored = await ScheduleStore.GetAsync(_sites.Requestor, CycleEvent.T1);
        var newYork = new Scheduler(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));

        Assert.Equal("Asia/Tokyo", stored!.TimeZoneId);
        foreach (var daemon in new[] { _scheduler, newYork })
        {
            Assert.Null(daemon.Pending(stored, null, Utc(1, 14, 23, 59)));
            Assert.Equal(new ScheduledOccurrence(stored, Utc(1, 15, 0), false), daemon.Pending(stored, null, Utc(1, 15, 0, 1)));
        }

        var status = await newYork.StatusAsync(_sites.Requestor, Utc(1, 15, 1));
        Assert.Equal(Utc(1, 16, 0), status.Single(s => s.Event == CycleEvent.T1).NextDue);
    }

    [Fact]
    public async Task Pending_ScheduleStoredWithoutAZone_FollowsTheSchedulersZone()
    {
        var schedule = await SetAsync(CycleEvent.T1, "daily", "08:00", Utc(1, 15, 6));

        Assert.Null((await ScheduleStore.GetAsync(_sites.Requestor, CycleEvent.T1))!.TimeZoneId);
        Assert.Equal(new ScheduledOccurrence(schedule, Utc(1, 15, 7), false), _scheduler.Pending(schedule, null, Utc(1, 15, 7)));
    }

    [Fact]
    public async Task Pending_SetAfterTodaysTime_WaitsForTheNextOccurrence()
    {
        // Thursday 10:00 in Berlin; today's 08:00 came before the schedule was set.
        var schedule = await SetAsync(CycleEvent.T1, "daily", "08:00", Utc(1, 15, 9));

        Assert.Null(_scheduler.Pending(schedule, null, Utc(1, 15, 9)));
        Assert.Null(_scheduler.Pending(schedule, null, Utc(1, 16, 6, 59)));
        Assert.Equal(new ScheduledOccurrence(schedule, Utc(1, 16, 7), false), _scheduler.Pending(schedule, null, Utc(1, 16, 7)));
    }

    [Fact]
    public async Task Pending_OccurrenceAtTheMomentOfSetting_IsDue()
    {
        var schedule = await SetAsync(CycleEvent.T1, "daily", "10:00", Utc(1, 15, 9));

        Assert.Equal(new ScheduledOccurrence(schedule, Utc(1, 15, 9), false), _scheduler.Pending(schedule, null, Utc(1, 15, 9)));
    }

    [Fact]
    public async Task Pending_WithinAndPastTheWindow_IsDueThenMissed()
    {
        var schedule = await SetAsync(CycleEvent.T1, "thu", "18:00", Utc(1, 15, 9), window: 30);

        Assert.Null(_scheduler.Pending(schedule, null, Utc(1, 15, 16, 59)));
        Assert.False(_scheduler.Pending(schedule, null, Utc(1, 15, 17))!.Missed);
        Assert.False(_scheduler.Pending(schedule, null, Utc(1, 15, 17, 29))!.Missed);
        Assert.True(_scheduler.Pending(schedule, null, Utc(1, 15, 17, 30))!.Missed);
        Assert.Equal(Utc(1, 15, 17, 30), _scheduler.Pending(schedule, null, Utc(1, 20, 0))!.WindowEnd);
        Assert.Null(_scheduler.Pending(schedule, Utc(1, 15, 17), Utc(1, 20, 0)));
        Assert.Equal(Utc(1, 22, 17), _scheduler.Pending(schedule, Utc(1, 15, 17), Utc(1, 22, 17))!.Occurrence);
    }

    [Fact]
    public async Task Pending_WindowAcrossMidnight_StaysDueIntoTheNextDay()
    {
        var schedule = await SetAsync(CycleEvent.T1, "wed", "23:30", Utc(1, 12, 0));

        // Wednesday 23:30 in Berlin is 22:30 UTC; the hour's window ends at 00:30 on Thursday.
        Assert.Equal(Utc(1, 14, 22, 30), _scheduler.Pending(schedule, null, Utc(1, 14, 23, 20))!.Occurrence);
        Assert.False(_scheduler.Pending(schedule, null, Utc(1, 14, 23, 29))!.Missed);
        Assert.True(_scheduler.Pending(schedule, null, Utc(1, 14, 23, 30))!.Missed);
    }

    [Fact]
    public async Task Pending_SundayScheduleOnMonday_IsLastSundays()
    {
        var schedule = await SetAsync(CycleEvent.T1, "sun", "23:45", Utc(1, 12, 0), window: 120);

        var pending = _scheduler.Pending(schedule, null, Utc(1, 18, 23, 30));

        Assert.Equal(new ScheduledOccurrence(schedule, Utc(1, 18, 22, 45), false), pending);
        Assert.Null(_scheduler.Pending(schedule, Utc(1, 18, 22, 45), Utc(1, 19, 12)));
    }

    [Fact]
    public async Task Pending_SpringForward_RunsAnHourLaterOnTheWallClock()
    {
        var schedule = await SetAsync(CycleEvent.T1, "daily", "02:30", Utc(3, 1, 0));
        var saturday = Utc(3, 28, 1, 30);

        Assert.Null(_scheduler.Pending(schedule, saturday, Utc(3, 29, 1, 29)));
        Assert.Equal(Utc(3, 29, 1, 30), _scheduler.Pending(schedule, saturday, Utc(3, 29, 1, 30))!.Occurrence);
        Assert.Equal(Utc(3, 30, 0, 30), _scheduler.Pending(schedule, Utc(3, 29, 1, 30), Utc(3, 30, 0, 30))!.Occurrence);
    }

    [Fact]
    public async Task Pending_FallBack_RunsOnceInTheRepeatedHour()
    {
        var schedule = await SetAsync(CycleEvent.T1, "daily", "02:30", Utc(10, 1, 0), window: 180);

        var first = _scheduler.Pending(schedule, Utc(10, 24, 0, 30), Utc(10, 25, 0, 30));

        Assert.Equal(Utc(10, 25, 0, 30), first!.Occurrence);
        Assert.Null(_scheduler.Pending(schedule, first.Occurrence, Utc(10, 25, 1, 30)));
        Assert.Null(_scheduler.Pending(schedule, first.Occurrence, Utc(10, 25, 1, 45)));
        Assert.Equal(Utc(10, 26, 1, 30), _scheduler.Pending(schedule, first.Occurrence, Utc(10, 26, 1, 30))!.Occurrence);
    }

    [Fact]
    public async Task DueAsync_StoredSchedules_AreDueMissedOrHandled()
    {
        var t1 = await SetAsync(CycleEvent.T1, "daily", "12:00", Utc(1, 15, 9));
        var t3 = await SetAsync(CycleEvent.T3, "daily", "11:00", Utc(1, 15, 9), window: 15);

        // Thursday 12:30 in Berlin: T1's noon is due; T3's 11:00 came after the setting but its 15 minutes have passed.
        var due = await _scheduler.DueAsync(_sites.Requestor, Utc(1, 15, 11, 30));

        Assert.Equal([new ScheduledOccurrence(t1, Utc(1, 15, 11), false), new ScheduledOccurrence(t3, Utc(1, 15, 10), true)], due);
        Assert.Empty(await _scheduler.DueAsync(_sites.Server, Utc(1, 15, 11, 30)));
    }

    [Fact]
    public async Task RecordMissedAsync_Missed_LogsOnceAndMarksHandled()
    {
        await SetAsync(CycleEvent.T3, "daily", "11:00", Utc(1, 15, 9), window: 15);
        _sites.Time.Advance(TimeSpan.FromHours(3));
        var missed = Assert.Single(await _scheduler.DueAsync(_sites.Requestor, _sites.Time.GetUtcNow()));

        var message = await _scheduler.RecordMissedAsync(_sites.Requestor, missed, _sites.Time);

        Assert.Equal(
            "T3 missed its run of Thu 2026-01-15 11:00 +01:00: nothing started it within its 15-minute window (was the daemon stopped?); it runs next at Fri 2026-01-16 11:00 +01:00, or kick it with 'dirsync kick T3'",
            message);
        Assert.Equal([(EventCodes.ScheduleMissed, message)], await HubSites.EventsAsync(_sites.Requestor, EventCodes.ScheduleMissed));
        Assert.Equal(EventSeverity.Warning, Assert.Single(await _sites.Requestor.ListEventsAsync(1)).Severity);
        Assert.Equal(Utc(1, 15, 10), await ScheduleStore.LastAsync(_sites.Requestor, CycleEvent.T3));
        Assert.Empty(await _scheduler.DueAsync(_sites.Requestor, _sites.Time.GetUtcNow()));
    }

    [Fact]
    public async Task SetAsync_Again_ReplacesTheSchedule()
    {
        await SetAsync(CycleEvent.T1, "mon", "18:00", Utc(1, 15, 9));
        var second = await SetAsync(CycleEvent.T1, "weekdays", "07:15", Utc(1, 15, 10), window: 5);

        var stored = await ScheduleStore.GetAsync(_sites.Requestor, CycleEvent.T1);

        Assert.Equal(second, stored);
        Assert.Equal(("T1 weekdays 07:15", 5, Utc(1, 15, 10)), (stored!.ToString(), stored.WindowMinutes, stored.Since));
        Assert.Equal([stored], await ScheduleStore.ListAsync(_sites.Requestor));
        Assert.Equal(
            "{\"days\":\"weekdays\",\"time\":\"07:15\",\"windowMinutes\":5,\"since\":\"2026-01-15T10:00:00+00:00\",\"version\":1}",
            await _sites.Requestor.GetSettingAsync("schedule.T1"));
    }

    [Fact]
    public async Task SetAsync_EventOfARoleTheStoreLacks_IsRefused()
    {
        var onRequestor = await Assert.ThrowsAsync<InvalidValueException>(() => ScheduleStore.SetAsync(_sites.Requestor, Schedule.Parse(CycleEvent.T2, "daily", "18:00"), Utc(1, 15, 9)));
        var onServer = await Assert.ThrowsAsync<InvalidValueException>(() => ScheduleStore.SetAsync(_sites.Server, Schedule.Parse(CycleEvent.T3, "daily", "18:00"), Utc(1, 15, 9)));

        Assert.Equal("T2 is the dir-sync server's event and this store is not a dir-sync server; enable it with 'dirsync server enable --inbox <dir>'", onRequestor.Message);
        Assert.Equal("T3 is a requestor's event and this store is not a Dir-Sync requestor; enable it with 'dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir>'", onServer.Message);
        Assert.Empty(await ScheduleStore.ListAsync(_sites.Requestor));
        Assert.Empty(await ScheduleStore.ListAsync(_sites.Server));
    }

    [Fact]
    public async Task AvailableAsync_Roles_GiveTheirEvents()
    {
        using var folder = new TempFolder();
        await using var plain = await StoreFactory.CreateAsync(folder.File("plain.db"));
        await new DirSyncServer(_sites.Requestor, _sites.Time).EnableAsync(Directory.CreateDirectory(folder.File("hub-in")).FullName, null, null);

        Assert.Empty(await CycleEvents.AvailableAsync(plain));
        Assert.Equal([CycleEvent.T2], await CycleEvents.AvailableAsync(_sites.Server));
        Assert.Equal([CycleEvent.T1, CycleEvent.T2, CycleEvent.T3], await CycleEvents.AvailableAsync(_sites.Requestor));
    }

    [Fact]
    public async Task RemoveAsync_Schedule_IsGoneAndASecondRemoveSaysSo()
    {
        await SetAsync(CycleEvent.T1, "mon", "18:00", Utc(1, 15, 9));

        Assert.True(await ScheduleStore.RemoveAsync(_sites.Requestor, CycleEvent.T1));
        Assert.False(await ScheduleStore.RemoveAsync(_sites.Requestor, CycleEvent.T1));
        Assert.Null(await ScheduleStore.GetAsync(_sites.Requestor, CycleEvent.T1));
    }

    [Fact]
    public async Task GetAsync_DamagedSetting_SaysHowToSetItAgain()
    {
        await using (var transaction = await _sites.Requestor.BeginTransactionAsync())
        {
            await transaction.SetSettingAsync("schedule.T1", "{\"days\":\"someday\",\"time\":\"18:00\",\"windowMinutes\":60}");
            await transaction.CommitAsync();
        }

        var error = await Assert.ThrowsAsync<DirSyncException>(async () => await ScheduleStore.GetAsync(_sites.Requestor, CycleEvent.T1));

        Assert.Equal(ErrorCategory.Store, error.Category);
        Assert.StartsWith("the stored schedule 'schedule.T1' is damaged (unknown day 'someday' in 'someday'; use daily", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("); set it again with 'dirsync schedule set T1 <days> <HH:MM>'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KickAsync_Kick_WaitsUntilClearedByTheRunThatTookIt()
    {
        var kick = await ScheduleStore.KickAsync(_sites.Requestor, CycleEvent.T3, Utc(1, 15, 9));

        Assert.Equal([new KickRequest(CycleEvent.T3, Utc(1, 15, 9))], await ScheduleStore.KicksAsync(_sites.Requestor));
        Assert.Equal("2026-01-15T09:00:00.0000000+00:00", await _sites.Requestor.GetSettingAsync("kick.T3"));
        await using (var transaction = await _sites.Requestor.BeginTransactionAsync())
        {
            Assert.True(await ScheduleStore.ClearKickAsync(transaction, kick));
            await transaction.CommitAsync();
        }

        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Requestor));
    }

    [Fact]
    public async Task ClearKickAsync_NewerKickArrivedDuringTheRun_KeepsIt()
    {
        var first = await ScheduleStore.KickAsync(_sites.Requestor, CycleEvent.T1, Utc(1, 15, 9));
        await ScheduleStore.KickAsync(_sites.Requestor, CycleEvent.T1, Utc(1, 15, 9, 1));

        await using (var transaction = await _sites.Requestor.BeginTransactionAsync())
        {
            Assert.False(await ScheduleStore.ClearKickAsync(transaction, first));
            await transaction.CommitAsync();
        }

        Assert.Equal([new KickRequest(CycleEvent.T1, Utc(1, 15, 9, 1))], await ScheduleStore.KicksAsync(_sites.Requestor));
    }

    [Fact]
    public async Task KickAsync_EventOfARoleTheStoreLacks_IsRefused()
    {
        var error = await Assert.ThrowsAsync<InvalidValueException>(() => ScheduleStore.KickAsync(_sites.Server, CycleEvent.T1, Utc(1, 15, 9)));

        Assert.Equal("T1 is a requestor's event and this store is not a Dir-Sync requestor; enable it with 'dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir>'", error.Message);
        Assert.Empty(await ScheduleStore.KicksAsync(_sites.Server));
    }

    [Fact]
    public async Task StatusAsync_Requestor_ShowsEachEventWithNextAndKick()
    {
        var t1 = await SetAsync(CycleEvent.T1, "weekdays", "18:00", Utc(1, 15, 9));
        await ScheduleStore.KickAsync(_sites.Requestor, CycleEvent.T3, Utc(1, 15, 9, 5));
        await using (var transaction = await _sites.Requestor.BeginTransactionAsync())
        {
            await ScheduleStore.SetLastAsync(transaction, CycleEvent.T1, Utc(1, 14, 17));
            await transaction.CommitAsync();
        }

        var friday = await _scheduler.StatusAsync(_sites.Requestor, Utc(1, 16, 20));
        var duringWindow = await _scheduler.StatusAsync(_sites.Requestor, Utc(1, 15, 17, 10));

        Assert.Equal(
            [
                new ScheduleStatus(CycleEvent.T1, true, t1, Utc(1, 14, 17), Utc(1, 19, 17), null),
                new ScheduleStatus(CycleEvent.T3, true, null, null, null, new KickRequest(CycleEvent.T3, Utc(1, 15, 9, 5))),
            ],
            friday);
        Assert.Equal(Utc(1, 15, 17), duringWindow[0].NextDue);
    }

    [Fact]
    public void Format_Time_IsTheZonesWallClock()
    {
        Assert.Equal("Mon 2026-01-19 18:00 +01:00", _scheduler.Format(Utc(1, 19, 17)));
        Assert.Equal("Sun 2026-03-29 03:30 +02:00", _scheduler.Format(Utc(3, 29, 1, 30)));
    }
}
