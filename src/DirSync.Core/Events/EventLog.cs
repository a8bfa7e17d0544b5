using DirSync.Core.Storage;

namespace DirSync.Core.Events;

/// <summary>Writes events at the store's diagnostic level.</summary>
public static class EventLog
{
    /// <summary>The setting that holds the level.</summary>
    public const string LevelKey = "events.level";

    /// <summary>The level stored, or <see cref="EventLevel.Medium"/>.</summary>
    public static async ValueTask<EventLevel> LevelAsync(IDirectoryReader reader, CancellationToken cancellationToken = default) =>
        Enum.TryParse<EventLevel>(await reader.GetSettingAsync(LevelKey, cancellationToken), ignoreCase: true, out var level) ? level : EventLevel.Medium;

    /// <summary>Reads a level name (none, minimum, medium, maximum).</summary>
    /// <exception cref="InvalidValueException">It is none of them.</exception>
    public static EventLevel ParseLevel(string text) =>
        Enum.TryParse<EventLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level) && !int.TryParse(text, out _)
            ? level
            : throw new InvalidValueException($"unknown diagnostic level '{text}'; use none, minimum, medium or maximum");

    /// <summary>Stores the diagnostic level.</summary>
    public static async Task SetLevelAsync(IDirectoryStore store, EventLevel level, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        await transaction.SetSettingAsync(LevelKey, level.ToString().ToLowerInvariant(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Writes an event if the level keeps events of its severity.</summary>
    public static async ValueTask WriteAsync(IDirectoryTransaction transaction, TimeProvider time, int code, EventSeverity severity, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(time);
        var level = await LevelAsync(transaction, cancellationToken);
        var keep = level switch
        {
            EventLevel.None => false,
            EventLevel.Minimum => severity == EventSeverity.Error,
            EventLevel.Medium => severity != EventSeverity.Detail,
            _ => true,
        };
        if (keep)
        {
            await transaction.AppendEventAsync(new EventRecord(0, time.GetUtcNow(), code, severity, message), cancellationToken);
        }
    }

    /// <summary>Writes an event in a transaction of its own (for failures whose work was rolled back).</summary>
    public static async ValueTask WriteAloneAsync(IDirectoryStore store, TimeProvider time, int code, EventSeverity severity, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        await WriteAsync(transaction, time, code, severity, message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
