using DirSync.Core.Gal;
using DirSync.Core.Hub;
using DirSync.Core.Status;
using DirSync.Core.Storage;

namespace DirSync.Core.Scheduling;

/// <summary>Runs one cycle event on a store: T1 sends, T2 receives then sends, T3 receives, imports and then runs the after-import step.</summary>
/// <remarks>
/// The after-import step is how the command line plugs in the GAL rebuild (MS Mail's <c>REBUILD -F</c>)
/// without the scheduler depending on it: it runs after T3, and after replies a requestor applied on
/// receive, and returns one line saying what it did.
/// </remarks>
public sealed class CycleRunner
{
    private readonly TimeProvider _time;
    private readonly Func<IDirectoryStore, CancellationToken, Task<string>> _afterImport;

    /// <summary>Creates a runner.</summary>
    /// <param name="time">The clock the hub stamps messages and events with (default: the system clock).</param>
    /// <param name="afterImport">Runs after T3's import (REBUILD -F), returning one line for the report; null for the GAL rebuild.</param>
    public CycleRunner(TimeProvider? time = null, Func<IDirectoryStore, CancellationToken, Task<string>>? afterImport = null)
    {
        _time = time ?? TimeProvider.System;
        _afterImport = afterImport ?? RebuildGalAsync;
    }

    /// <summary>Runs an event once.</summary>
    /// <exception cref="DirSyncException">A step failed as a whole (its work was rolled back); steps before it stay done.</exception>
    public async Task<CycleRun> RunAsync(IDirectoryStore store, CycleEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var run = new RunBuilder(@event);
        switch (@event)
        {
            case CycleEvent.T1:
                run.Add("requestor send", await StepAsync(store, "requestor send", () => new Requestor(store, _time).SendAsync(full: false, cancellationToken), cancellationToken));
                break;
            case CycleEvent.T2:
                var server = new DirSyncServer(store, _time);
                run.Add("server receive", await StepAsync(store, "server receive", () => server.ReceiveAsync(cancellationToken: cancellationToken), cancellationToken));
                run.Add("server send", await StepAsync(store, "server send", () => server.SendAsync(cancellationToken), cancellationToken));
                break;
            case CycleEvent.T3:
                var requestor = new Requestor(store, _time);
                var state = await HubSettings.RequestorAsync(store, cancellationToken);
                run.Add("requestor receive", await StepAsync(store, "requestor receive", () => requestor.ReceiveAsync(cancellationToken: cancellationToken), cancellationToken));
                if (state is { ApplyOnReceive: false })
                {
                    // An apply-on-receive requestor keeps its GAL current as replies arrive; the others rebuild after importing.
                    run.Add("requestor import", await StepAsync(store, "requestor import", () => requestor.ImportAsync(cancellationToken: cancellationToken), cancellationToken));
                    run.Note(await _afterImport(store, cancellationToken));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(@event), @event, null);
        }

        return run.Build();
    }

    /// <summary>Takes in the messages waiting in an inbox between scheduled runs: the server's (T2; its replies still wait for T2), or an apply-on-receive requestor's (T3).</summary>
    /// <param name="store">The store.</param>
    /// <param name="event">T2 for the server's inbox, T3 for the requestor's.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>What was done, or null when no message waited, or the store does not take in messages as they arrive for that event.</returns>
    /// <exception cref="DirSyncException">The receive failed as a whole.</exception>
    public async Task<CycleRun?> ReceiveArrivalsAsync(IDirectoryStore store, CycleEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var run = new RunBuilder(@event);
        switch (@event)
        {
            case CycleEvent.T2 when await HubSettings.ServerAsync(store, cancellationToken) is not null:
                var started = _time.GetUtcNow();
                var received = await new DirSyncServer(store, _time).ReceiveAsync(cancellationToken: cancellationToken);
                if (received.Messages + received.Rejected == 0)
                {
                    return null;
                }

                await RecordAsync(store, "server receive", started, received, cancellationToken);
                run.Add("server receive", received);
                return run.Build();
            case CycleEvent.T3 when await HubSettings.RequestorAsync(store, cancellationToken) is { ApplyOnReceive: true }:
                var begun = _time.GetUtcNow();
                var applied = await new Requestor(store, _time).ReceiveAsync(cancellationToken: cancellationToken);
                if (applied.Messages + applied.Rejected == 0)
                {
                    return null;
                }

                await RecordAsync(store, "requestor receive", begun, applied, cancellationToken);
                run.Add("requestor receive", applied);
                return run.Build();
            default:
                return null;
        }
    }

    /// <summary>Runs one step, recording its last run for the status views.</summary>
    private Task<CycleReport> StepAsync(IDirectoryStore store, string step, Func<Task<CycleReport>> run, CancellationToken cancellationToken) =>
        RunHistory.TimeAsync(store, _time, step, run, RunHistory.Describe, cancellationToken);

    /// <summary>Records a step whose run was timed by the caller: one that is recorded only when it found something to do.</summary>
    private Task RecordAsync(IDirectoryStore store, string step, DateTimeOffset started, CycleReport report, CancellationToken cancellationToken)
    {
        var (succeeded, summary) = RunHistory.Describe(report);
        return RunHistory.RecordAsync(store, new RunRecord(step, started, (_time.GetUtcNow() - started).TotalSeconds, succeeded, summary), cancellationToken);
    }

    private async Task<string> RebuildGalAsync(IDirectoryStore store, CancellationToken cancellationToken)
    {
        var result = await new GalBuilder(_time).RebuildAsync(store, await HubSettings.LocalPostofficeAsync(store, cancellationToken), cancellationToken: cancellationToken);
        return $"GAL rebuilt: {result.Entries} entries, {result.Renamed} renamed";
    }

    private sealed class RunBuilder(CycleEvent @event)
    {
        private readonly List<string> _steps = [];
        private readonly List<string> _lines = [];
        private readonly List<string> _errors = [];

        public void Add(string step, CycleReport report)
        {
            _steps.Add(step switch
            {
                "requestor import" => $"{step}: {Count(report.Updates, "update")}",
                _ => $"{step}: {Count(report.Messages, "message")}, {Count(report.Updates, "update")}{(report.Rejected > 0 ? $", {report.Rejected} refused" : "")}",
            });
            _lines.AddRange(report.Lines.Select(line => $"{step}: {line}"));
            _errors.AddRange(report.Errors.Select(error => $"{step}: {error}"));
        }

        public void Note(string line)
        {
            _steps.Add(line);
            _lines.Add(line);
        }

        public CycleRun Build() => new(@event, string.Join("; ", _steps), _lines, _errors);

        private static string Count(long n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
    }
}
