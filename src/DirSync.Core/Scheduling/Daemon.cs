using System.Globalization;
using System.Runtime.ExceptionServices;
using DirSync.Core.Events;
using DirSync.Core.Hub;
using DirSync.Core.Storage;

namespace DirSync.Core.Scheduling;

/// <summary>Runs the cycle unattended: kicked events, then due events, then messages arriving in the inbox, once per poll.</summary>
/// <remarks>
/// <para>Each poll opens the store and closes it again, so the administrator's commands are never
/// kept waiting for longer than one step. Every run is logged: <see cref="EventCodes.ScheduleRan"/>
/// with what it did, <see cref="EventCodes.ScheduleFailed"/> with the error — and the daemon carries on.</para>
/// <para>A run is marked done (its occurrence handled, its kick cleared) only after it finished, so a
/// daemon stopped in the middle runs it again when it starts; the protocol's numbers make that harmless.</para>
/// </remarks>
public sealed class Daemon
{
    // The server takes in requestors' messages as they arrive; an apply-on-receive requestor, the server's replies.
    private static readonly CycleEvent[] ArrivalEvents = [CycleEvent.T2, CycleEvent.T3];

    private readonly CycleRunner _runner;
    private readonly Scheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly Dictionary<CycleEvent, string> _arrivalFailures = [];
    private string? _pollFailure;

    /// <summary>Creates a daemon.</summary>
    /// <param name="runner">Runs the events.</param>
    /// <param name="scheduler">Decides what is due, in its time zone.</param>
    /// <param name="time">The clock (default: the system clock); polls wait on its timers.</param>
    public Daemon(CycleRunner runner, Scheduler scheduler, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(scheduler);
        _runner = runner;
        _scheduler = scheduler;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Called with each run as soon as it is logged.</summary>
    public Action<DaemonRun>? RunLogged { get; init; }

    /// <summary>Called when a poll could not run (the store could not be opened, or could not log); each distinct failure once.</summary>
    public Action<string>? PollFailed { get; init; }

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled (or <paramref name="maxPolls"/> polls have run), then returns.</summary>
    /// <param name="openStore">Opens the store for one poll; the daemon disposes it before waiting for the next.</param>
    /// <param name="poll">How long to wait between polls.</param>
    /// <param name="cancellationToken">Stops the daemon; a step it interrupts is rolled back and runs again at the next start.</param>
    /// <param name="maxPolls">Stop after this many polls (for tests); null to run until cancelled.</param>
    public async Task RunAsync(Func<CancellationToken, Task<IDirectoryStore>> openStore, TimeSpan poll, CancellationToken cancellationToken, int? maxPolls = null)
    {
        ArgumentNullException.ThrowIfNull(openStore);
        ArgumentOutOfRangeException.ThrowIfLessThan(poll, TimeSpan.Zero);
        for (var polls = 0; maxPolls is null || polls < maxPolls; polls++)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (polls > 0)
                {
                    await Task.Delay(poll, _time, cancellationToken);
                }

                await using var store = await openStore(cancellationToken);
                await RunOnceAsync(store, cancellationToken);
                _pollFailure = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var message = Describe(e);
                if (message != _pollFailure)
                {
                    _pollFailure = message;
                    PollFailed?.Invoke(string.Create(CultureInfo.InvariantCulture, $"a poll failed: {message}; trying again every {poll.TotalSeconds:0.###} seconds"));
                }
            }
        }
    }

    /// <summary>One poll: runs the kicked events, then the due ones (logging missed ones), then takes in messages that arrived.</summary>
    /// <returns>What was logged, in order.</returns>
    public async Task<IReadOnlyList<DaemonRun>> RunOnceAsync(IDirectoryStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var runs = new List<DaemonRun>();
        var kicks = await ScheduleStore.KicksAsync(store, cancellationToken);
        var waiting = await _scheduler.DueAsync(store, _time.GetUtcNow(), cancellationToken);
        foreach (var missed in waiting.Where(w => w.Missed))
        {
            var message = await _scheduler.RecordMissedAsync(store, missed, _time, cancellationToken);
            Add(runs, new DaemonRun(_time.GetUtcNow(), missed.Event, RunReason.Schedule, EventCodes.ScheduleMissed, message, []));
        }

        foreach (var @event in Enum.GetValues<CycleEvent>())
        {
            var kick = kicks.FirstOrDefault(k => k.Event == @event);
            var due = waiting.FirstOrDefault(w => w.Event == @event && !w.Missed);
            if (kick is not null || due is not null)
            {
                Add(runs, await RunAndLogAsync(store, @event, kick, due, rethrow: false, cancellationToken));
            }
        }

        foreach (var @event in ArrivalEvents)
        {
            if (await ReceiveArrivalsAsync(store, @event, cancellationToken) is { } arrival)
            {
                Add(runs, arrival);
            }
        }

        return runs;
    }

    /// <summary>Runs an event in this process at once (<c>dirsync kick --now</c>), logs it, and clears a kick waiting for it.</summary>
    /// <returns>The run, which may have finished with errors (a refused message) that did not stop the rest.</returns>
    /// <exception cref="InvalidValueException">The store's roles do not give it the event (nothing is run or logged).</exception>
    /// <exception cref="DirSyncException">A step failed as a whole; the failure is logged first, and the kick cleared.</exception>
    public async Task<DaemonRun> RunNowAsync(IDirectoryStore store, CycleEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await CycleEvents.RequireAsync(store, @event, cancellationToken);
        var run = await RunAndLogAsync(store, @event, new KickRequest(@event, _time.GetUtcNow()), null, rethrow: true, cancellationToken);
        RunLogged?.Invoke(run);
        return run;
    }

    private async Task<DaemonRun> RunAndLogAsync(
        IDirectoryStore store, CycleEvent @event, KickRequest? kick, ScheduledOccurrence? due, bool rethrow, CancellationToken cancellationToken)
    {
        var why = (kick, due) switch
        {
            (null, { } d) => $"scheduled for {_scheduler.Format(d.Occurrence)}",
            ({ }, { } d) => $"kicked; also scheduled for {_scheduler.Format(d.Occurrence)}",
            _ => "kicked",
        };
        CycleRun? run = null;
        Exception? error = null;
        try
        {
            run = await _runner.RunAsync(store, @event, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e;
        }

        var (code, summary) = run switch
        {
            { Succeeded: true } => (EventCodes.ScheduleRan, $"{@event} ({why}): {run.Summary}"),
            { } => (EventCodes.ScheduleFailed, $"{@event} ({why}) finished with errors: {run.Summary}; {Errors(run.Errors)}"),
            null => (EventCodes.ScheduleFailed, $"{@event} ({why}) failed: {Describe(error!)}"),
        };
        await using (var transaction = await store.BeginTransactionAsync(cancellationToken))
        {
            if (due is not null)
            {
                await ScheduleStore.SetLastAsync(transaction, @event, due.Occurrence, cancellationToken);
            }

            if (kick is not null)
            {
                await ScheduleStore.ClearKickAsync(transaction, kick, cancellationToken);
            }

            await EventLog.WriteAsync(transaction, _time, code, code == EventCodes.ScheduleRan ? EventSeverity.Information : EventSeverity.Error, summary, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var reason = kick is null ? RunReason.Schedule : RunReason.Kick;
        var logged = new DaemonRun(_time.GetUtcNow(), @event, reason, code, summary, run?.Lines ?? []);
        if (error is not null && rethrow)
        {
            RunLogged?.Invoke(logged);
            ExceptionDispatchInfo.Throw(error);
        }

        return logged;
    }

    private async Task<DaemonRun?> ReceiveArrivalsAsync(IDirectoryStore store, CycleEvent @event, CancellationToken cancellationToken)
    {
        CycleRun? arrival;
        try
        {
            arrival = await _runner.ReceiveArrivalsAsync(store, @event, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A missing inbox fails every poll; one event says so, not one a minute.
            var message = $"{@event} (messages arrived) failed: the inbox could not be read: {Describe(e)}";
            if (_arrivalFailures.GetValueOrDefault(@event) == message)
            {
                return null;
            }

            _arrivalFailures[@event] = message;
            await EventLog.WriteAloneAsync(store, _time, EventCodes.ScheduleFailed, EventSeverity.Error, message, cancellationToken);
            return new DaemonRun(_time.GetUtcNow(), @event, RunReason.Arrival, EventCodes.ScheduleFailed, message, []);
        }

        _arrivalFailures.Remove(@event);
        if (arrival is null)
        {
            return null;
        }

        var (code, summary) = arrival.Succeeded
            ? (EventCodes.ScheduleRan, $"{@event} (messages arrived): {arrival.Summary}")
            : (EventCodes.ScheduleFailed, $"{@event} (messages arrived) finished with errors: {arrival.Summary}; {Errors(arrival.Errors)}");
        await EventLog.WriteAloneAsync(store, _time, code, code == EventCodes.ScheduleRan ? EventSeverity.Information : EventSeverity.Error, summary, cancellationToken);
        return new DaemonRun(_time.GetUtcNow(), @event, RunReason.Arrival, code, summary, arrival.Lines);
    }

    private void Add(List<DaemonRun> runs, DaemonRun run)
    {
        runs.Add(run);
        RunLogged?.Invoke(run);
    }

    private static string Errors(IReadOnlyList<string> errors) =>
        errors[0] + (errors.Count > 1 ? $" and {errors.Count - 1} more" : "") + $" (see '{CommandHints.Events()}')";

    private static string Describe(Exception e) =>
        e is DirSyncException ? e.Message : $"internal error ({e.GetType().Name}: {e.Message}); this is a bug — please report it";
}
