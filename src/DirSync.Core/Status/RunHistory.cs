using System.Diagnostics;
using System.Text.Json;
using DirSync.Core.Hub;
using DirSync.Core.Storage;

namespace DirSync.Core.Status;

/// <summary>Keeps the last run of each cycle step and instance in the store's settings, for the status views.</summary>
/// <remarks>
/// A run is recorded after it ended, in a short transaction of its own. Recording is best effort: a store kept busy
/// by another writer leaves the previous record in place rather than failing a run that did its work.
/// </remarks>
public static class RunHistory
{
    /// <summary>The prefix of the settings that hold the records.</summary>
    public const string Prefix = "status.run/";

    /// <summary>Runs <paramref name="run"/>, timing it, and records how it ended (a <see cref="DirSyncException"/> as a failure, then rethrown).</summary>
    /// <param name="store">The store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="what">The step or <c>instance NAME</c>.</param>
    /// <param name="run">The run.</param>
    /// <param name="describe">Whether a finished run succeeded, and its summary.</param>
    /// <param name="cancellationToken">Cancels the work; a cancelled run is not recorded.</param>
    public static async Task<T> TimeAsync<T>(
        IDirectoryStore store, TimeProvider time, string what, Func<Task<T>> run, Func<T, (bool Succeeded, string Summary)> describe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(describe);
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        T result;
        try
        {
            result = await run();
        }
        catch (DirSyncException e)
        {
            await RecordAsync(store, new RunRecord(what, started, clock.Elapsed.TotalSeconds, false, e.Message), cancellationToken);
            throw;
        }

        var (succeeded, summary) = describe(result);
        await RecordAsync(store, new RunRecord(what, started, clock.Elapsed.TotalSeconds, succeeded, summary), cancellationToken);
        return result;
    }

    /// <summary>Whether a cycle step succeeded, and its summary: its counts, and its first error when it had some.</summary>
    public static (bool Succeeded, string Summary) Describe(CycleReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var summary = $"{report.Messages} message{(report.Messages == 1 ? "" : "s")}, {report.Updates} update{(report.Updates == 1 ? "" : "s")}{(report.Rejected > 0 ? $", {report.Rejected} refused" : "")}";
        return report.Errors.Count == 0 ? (true, summary) : (false, $"{summary}; {report.Errors[0]}{(report.Errors.Count > 1 ? $" and {report.Errors.Count - 1} more" : "")}");
    }

    /// <summary>Stores a record in place of the last one for the same step.</summary>
    public static async Task RecordAsync(IDirectoryStore store, RunRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await using var transaction = await store.BeginTransactionAsync(cancellationToken);
            await transaction.SetSettingAsync(Prefix + record.What, StoredJson.Serialize(record), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DirSyncException e) when (e.Category == ErrorCategory.Busy)
        {
            // The run itself is done; only its record for the status views is lost, and the next run writes one.
        }
    }

    /// <summary>Every record, ordered by step.</summary>
    public static async ValueTask<IReadOnlyList<RunRecord>> ListAsync(IDirectoryReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = new List<RunRecord>();
        foreach (var (key, value) in await reader.ListSettingsAsync(Prefix, cancellationToken))
        {
            try
            {
                if (StoredJson.Deserialize<RunRecord>(key, value) is { } record)
                {
                    records.Add(record);
                }
            }
            catch (Exception e) when (e is JsonException or DirSyncException)
            {
                // A damaged record (or one a newer DirSync wrote) says nothing worth failing a status view for; the step's next run replaces it.
            }
        }

        return records;
    }
}
