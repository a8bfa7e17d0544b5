using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DirSync.Core.Storage;

namespace DirSync.Core.Scheduling;

/// <summary>Reads and writes schedules, the occurrence each last handled, and kick requests in the store's settings.</summary>
/// <remarks>
/// <c>schedule.T1</c> holds T1's schedule as JSON (one per event; setting one replaces the last),
/// <c>schedule.last.T1</c> the occurrence last handled — run, failed or missed — and
/// <c>kick.T1</c> the time of a kick waiting for the daemon.
/// </remarks>
public static class ScheduleStore
{
    /// <summary>The prefix of the schedule settings.</summary>
    public const string SchedulePrefix = "schedule.";

    /// <summary>The prefix of the settings of the occurrence each event last handled.</summary>
    public const string LastPrefix = "schedule.last.";

    /// <summary>The prefix of the kick requests.</summary>
    public const string KickPrefix = "kick.";

    /// <summary>The event's schedule, or null when it has none.</summary>
    /// <exception cref="DirSyncException">The stored schedule is damaged.</exception>
    public static async ValueTask<Schedule?> GetAsync(IDirectoryReader reader, CycleEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var key = SchedulePrefix + @event;
        var json = await reader.GetSettingAsync(key, cancellationToken);
        if (json is null)
        {
            return null;
        }

        try
        {
            var stored = StoredJson.Deserialize<StoredSchedule>(key, json) ?? throw new JsonException("null");
            return Schedule.Parse(@event, stored.Days, stored.Time, stored.WindowMinutes) with { Since = stored.Since, TimeZoneId = stored.TimeZone };
        }
        catch (Exception e) when (e is JsonException or InvalidValueException or ArgumentNullException)
        {
            throw new DirSyncException(
                $"the stored schedule '{key}' is damaged ({e.Message}); set it again with '{CommandHints.ScheduleSet(@event)}'", ErrorCategory.Store, e);
        }
    }

    /// <summary>Every schedule, in cycle order.</summary>
    public static async ValueTask<IReadOnlyList<Schedule>> ListAsync(IDirectoryReader reader, CancellationToken cancellationToken = default)
    {
        var schedules = new List<Schedule>();
        foreach (var @event in Enum.GetValues<CycleEvent>())
        {
            if (await GetAsync(reader, @event, cancellationToken) is { } schedule)
            {
                schedules.Add(schedule);
            }
        }

        return schedules;
    }

    /// <summary>Stores a schedule in place of the event's last one; it runs from its first occurrence after <paramref name="now"/>.</summary>
    /// <returns>The schedule as stored, with <see cref="Schedule.Since"/> set.</returns>
    /// <exception cref="InvalidValueException">The store's roles do not give it the event.</exception>
    public static async Task<Schedule> SetAsync(IDirectoryStore store, Schedule schedule, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(schedule);
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        await CycleEvents.RequireAsync(transaction, schedule.Event, cancellationToken);
        var stored = schedule with { Since = now };
        var json = StoredJson.Serialize(new StoredSchedule(schedule.DaysText, schedule.TimeText, schedule.WindowMinutes, now, schedule.TimeZoneId));
        await transaction.SetSettingAsync(SchedulePrefix + schedule.Event, json, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>Removes the event's schedule.</summary>
    /// <returns>False when it had none.</returns>
    public static async Task<bool> RemoveAsync(IDirectoryStore store, CycleEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        if (await transaction.GetSettingAsync(SchedulePrefix + @event, cancellationToken) is null)
        {
            return false;
        }

        await transaction.SetSettingAsync(SchedulePrefix + @event, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The occurrence the event last handled (run, failed or missed), or null.</summary>
    public static async ValueTask<DateTimeOffset?> LastAsync(IDirectoryReader reader, CycleEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadTime(await reader.GetSettingAsync(LastPrefix + @event, cancellationToken));
    }

    /// <summary>Records that the event handled an occurrence, so it is not run again.</summary>
    public static ValueTask SetLastAsync(IDirectoryTransaction transaction, CycleEvent @event, DateTimeOffset occurrence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.SetSettingAsync(LastPrefix + @event, WriteTime(occurrence), cancellationToken);
    }

    /// <summary>Asks the daemon to run an event at its next poll; a kick already waiting is replaced.</summary>
    /// <exception cref="InvalidValueException">The store's roles do not give it the event.</exception>
    public static async Task<KickRequest> KickAsync(IDirectoryStore store, CycleEvent @event, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        await CycleEvents.RequireAsync(transaction, @event, cancellationToken);
        await transaction.SetSettingAsync(KickPrefix + @event, WriteTime(now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new KickRequest(@event, now);
    }

    /// <summary>The kicks waiting, in cycle order.</summary>
    public static async ValueTask<IReadOnlyList<KickRequest>> KicksAsync(IDirectoryReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var kicks = new List<KickRequest>();
        foreach (var @event in Enum.GetValues<CycleEvent>())
        {
            if (ReadTime(await reader.GetSettingAsync(KickPrefix + @event, cancellationToken)) is { } time)
            {
                kicks.Add(new KickRequest(@event, time));
            }
        }

        return kicks;
    }

    /// <summary>Clears a kick that has been run, unless a newer kick for the event arrived meanwhile.</summary>
    /// <returns>False when no kick, or a newer one, was waiting.</returns>
    public static async ValueTask<bool> ClearKickAsync(IDirectoryTransaction transaction, KickRequest kick, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(kick);
        var key = KickPrefix + kick.Event;
        var waiting = ReadTime(await transaction.GetSettingAsync(key, cancellationToken));
        if (waiting is null || waiting > kick.RequestedAt)
        {
            return false;
        }

        await transaction.SetSettingAsync(key, null, cancellationToken);
        return true;
    }

    private static string WriteTime(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    // A value nobody could have written is treated as absent rather than stopping the daemon.
    private static DateTimeOffset? ReadTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time : null;

    // TimeZone is absent from schedules stored before it was kept; they follow the reader's zone, as they always did.
    [StoredSetting(1)]
    private sealed record StoredSchedule(
        [property: JsonPropertyName("days")] string Days,
        [property: JsonPropertyName("time")] string Time,
        [property: JsonPropertyName("windowMinutes")] int WindowMinutes,
        [property: JsonPropertyName("since")] DateTimeOffset? Since,
        [property: JsonPropertyName("timeZone"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TimeZone = null);
}
