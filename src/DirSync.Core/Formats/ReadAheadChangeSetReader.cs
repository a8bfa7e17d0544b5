using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using DirSync.Core.Sync;

namespace DirSync.Core.Formats;

/// <summary>
/// Reads a change set on a thread of its own, a few batches ahead of the caller, so that parsing,
/// mapping and hashing the file overlap with applying it to the store.
/// </summary>
/// <remarks>
/// <para>What the caller sees is exactly what the inner reader yields, in order: the same records, then
/// the same verified trailer, or the same exception at the same place — after every record before it.
/// Nothing about integrity changes; only which core does the reading.</para>
/// <para>At most <see cref="Capacity"/> batches of <see cref="BatchSize"/> records are held, so memory stays
/// bounded whatever the size of the file.</para>
/// </remarks>
public sealed class ReadAheadChangeSetReader : IChangeSetReader
{
    // Few records ahead on purpose: whatever waits in the queue survives each collection and is promoted, so a deep queue
    // (2,048 records) turned a load's garbage into gen2 collections. 256 keep the other core busy as well.

    /// <summary>Records handed over at a time.</summary>
    public const int BatchSize = 64;

    /// <summary>Batches read ahead at most.</summary>
    public const int Capacity = 4;

    private readonly IChangeSetReader _inner;
    private readonly BlockingCollection<ChangeRecord[]> _queue = new(Capacity);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private ExceptionDispatchInfo? _failure;
    private ChangeRecord[] _batch = [];
    private int _next;
    private bool _done;

    /// <summary>Starts reading <paramref name="inner"/> ahead; dispose this reader before disposing <paramref name="inner"/>.</summary>
    public ReadAheadChangeSetReader(IChangeSetReader inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _producer = Task.Factory.StartNew(Produce, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <inheritdoc/>
    public ChangeSetFormat Format => _inner.Format;

    /// <inheritdoc/>
    public ChangeSetHeader Header => _inner.Header;

    /// <inheritdoc/>
    public ChangeSetTrailer Trailer => _done && _failure is null ? _inner.Trailer : throw new InvalidOperationException("The trailer has not been reached.");

    /// <inheritdoc/>
    public bool Read([NotNullWhen(true)] out ChangeRecord? record)
    {
        if (_next == _batch.Length && !NextBatch())
        {
            record = null;
            return false;
        }

        record = _batch[_next];
        _batch[_next++] = null!;
        return true;
    }

    /// <inheritdoc/>
    public bool ReadAnchor(out Guid anchor)
    {
        var read = Read(out var record);
        anchor = record?.Anchor ?? default;
        return read;
    }

    /// <summary>Stops the reading thread; the inner reader stays open for its owner to close.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _producer.Wait();
        }
        catch (AggregateException)
        {
            // The producer stops by cancellation; its failures were handed over through _failure.
        }

        _queue.Dispose();
        _stop.Dispose();
    }

    private bool NextBatch()
    {
        if (_done)
        {
            _failure?.Throw();
            return false;
        }

        if (_queue.TryTake(out var batch, Timeout.Infinite))
        {
            _batch = batch;
            _next = 0;
            return true;
        }

        // Completed: the producer has either reached the verified trailer or failed.
        _done = true;
        _failure?.Throw();
        return false;
    }

    private void Produce()
    {
        try
        {
            var token = _stop.Token;
            var more = true;
            while (more)
            {
                var batch = new List<ChangeRecord>(BatchSize);
                try
                {
                    while (batch.Count < BatchSize && (more = _inner.Read(out var record)))
                    {
                        batch.Add(record!);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The records before the fault are handed over first, as a direct reader yields them.
                    _failure = ExceptionDispatchInfo.Capture(e);
                    more = false;
                }

                if (batch.Count > 0)
                {
                    _queue.Add([.. batch], token);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed before the end: the caller no longer wants the rest.
        }
        finally
        {
            _queue.CompleteAdding();
        }
    }
}
