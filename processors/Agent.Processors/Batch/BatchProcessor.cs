using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Processors.Batch;

/// <summary>
/// Merges incoming batches of one pipeline and passes them on when they reach <c>send_batch_size</c> items, or when
/// <c>timeout</c> has passed since the first item of the pending batch arrived; sent batches are cut to
/// <c>send_batch_max_size</c>. One lock covers the pending batch and every send, so only one send runs at a time and
/// data leaves in the order it came; a caller whose data triggers a send waits for the next stage (backpressure),
/// and callers behind it wait for the lock. A caller that stops waiting for a send of merged data does not stop the
/// send: that data belongs to other callers too, who were told it was taken.
/// Notifiers travel with the data: merging takes them over, splitting shares them.
/// </summary>
public sealed class BatchProcessor<TBatch> : IProcessor<TBatch>, IHandlesEncodedRecords
    where TBatch : Batch<TBatch>
{
    private readonly string _name;
    private readonly ProcessorTelemetry _telemetry;
    private readonly IConsumer<TBatch> _next;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _sendBatchSize;
    private readonly int _sendBatchMaxSize;
    private readonly TimeSpan _timeout;
    private readonly ITimer _timer;

    // Never disposed: nothing waits on its handle, and a late timer callback may still touch it.
    private readonly SemaphoreSlim _lock = new(1, 1);

    // Cancelled when the shutdown deadline passes: sends still waiting on the next stage give up.
    private readonly CancellationTokenSource _stopping = new();

    private TBatch? _pending;
    private int _pendingItems;
    private DateTimeOffset _deadline;
    private bool _stopped;

    internal BatchProcessor(ComponentContext context, BatchProcessorOptions options, IConsumer<TBatch> next, TimeProvider? time = null)
    {
        _name = context.Id.ToString();
        _telemetry = context.ProcessorTelemetry();
        _next = next;
        _logger = context.CreateLogger<BatchProcessorFactory>();
        _time = time ?? TimeProvider.System;
        _sendBatchSize = options.SendBatchSize;
        _sendBatchMaxSize = options.SendBatchMaxSize;
        _timeout = options.Timeout;
        _timer = _time.CreateTimer(static state => ((BatchProcessor<TBatch>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>It merges batches, so a fan-out must give it its own copy.</summary>
    public bool MutatesData => true;

    /// <summary>It counts, merges and splits, which batches with encoded records do without decoding them.</summary>
    public bool HandlesEncodedRecords => true;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Drop(batch, "cancelled");
            throw;
        }

        Task? sending = null;
        try
        {
            if (_stopped)
            {
                Drop(batch, "shutdown");
                throw new InvalidOperationException($"The {_name} processor is shut down.");
            }

            if (_timeout == TimeSpan.Zero)
            {
                // Nothing is merged: what is sent is the caller's own, and the caller's token may give it up.
                await SendWithCallerTokenAsync(batch, bySize: true, cancellationToken).ConfigureAwait(false);
                return;
            }

            Add(batch);
            if (!IsFull())
            {
                return;
            }

            // The full batch holds data that other callers were already told was taken: it leaves whatever becomes
            // of this caller, and the lock stays held until it did, which is what makes later callers wait.
            sending = SendFullBatchesThenReleaseAsync();
        }
        finally
        {
            if (sending is null)
            {
                _lock.Release();
            }
        }

        try
        {
            await sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !sending.IsCompleted)
        {
            // This caller stops waiting; its data is in the batch being sent, inside the pipeline's bounds: taken.
        }
    }

    private async Task SendFullBatchesThenReleaseAsync()
    {
        try
        {
            while (_pending is not null && IsFull())
            {
                await SendAllAsync(TakeFullBatch(), bySize: true, _stopping.Token).ConfigureAwait(false);
            }

            // What is left starts a new wait, as the Collector does after a send triggered by size.
            if (_pending is not null)
            {
                Arm(_timeout);
            }
            else
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The shutdown deadline passed: what was not handed over was completed as errored.
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Sends what is pending, then stops the timer. Past the deadline, unsent data is completed as errored.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        using var deadline = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _stopping);
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _stopped = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_pending is not null)
            {
                var left = _pending;
                _pending = null;
                _pendingItems = 0;
                await SendAllAsync(left, bySize: false, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Processor {Processor} reached its shutdown deadline before passing on all buffered data", _name);
        }
        finally
        {
            _timer.Dispose();
            _lock.Release();
        }
    }

    private void Add(TBatch batch)
    {
        int items = batch.ItemCount;
        if (_pending is null)
        {
            _pending = batch;
            _pendingItems = items;
            Arm(_timeout);
            return;
        }

        _pending.Append(batch);
        _pendingItems += items;
    }

    private bool IsFull() => _pendingItems > 0 && _pendingItems >= _sendBatchSize;

    /// <summary>The pending batch, or its first <c>send_batch_max_size</c> items when it holds more.</summary>
    private TBatch TakeFullBatch()
    {
        var pending = _pending!;
        if (_sendBatchMaxSize > 0 && _pendingItems > _sendBatchMaxSize)
        {
            var front = pending.SplitFront(_sendBatchMaxSize);
            int taken = front.ItemCount;
            if (taken > 0)
            {
                _pendingItems -= taken;
                return front;
            }

            // Nothing could be cut off (cannot happen with a positive limit): send it all rather than loop.
            pending.Append(front);
        }

        _pending = null;
        _pendingItems = 0;
        return pending;
    }

    private void Arm(TimeSpan wait)
    {
        _deadline = _time.GetUtcNow() + wait;
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer() => _ = SendOnTimeoutAsync();

    private async Task SendOnTimeoutAsync()
    {
        try
        {
            await _lock.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            // The timer may fire late, after a send by size emptied or restarted the pending batch.
            if (_stopped || _pending is null)
            {
                return;
            }

            var early = _deadline - _time.GetUtcNow();
            if (early > TimeSpan.Zero)
            {
                _timer.Change(early, Timeout.InfiniteTimeSpan);
                return;
            }

            var batch = _pending;
            _pending = null;
            _pendingItems = 0;
            await SendAllAsync(batch, bySize: false, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Processor {Processor} could not pass on a batch after its timeout: {Error}", _name, ex.Message);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async ValueTask SendWithCallerTokenAsync(TBatch batch, bool bySize, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await SendAllAsync(batch, bySize, linked.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="batch"/> in parts of at most <c>send_batch_max_size</c> items. A failing next stage
    /// completes what it was handed (the consumer contract); what was never handed over because the wait was
    /// cancelled is completed here, as errored.
    /// </summary>
    private async ValueTask SendAllAsync(TBatch batch, bool bySize, CancellationToken cancellationToken)
    {
        bool handedOver = false;
        try
        {
            while (_sendBatchMaxSize > 0 && batch.ItemCount > _sendBatchMaxSize)
            {
                var part = batch.SplitFront(_sendBatchMaxSize);
                if (part.ItemCount == 0)
                {
                    batch.Append(part);
                    break;
                }

                await SendOneAsync(part, bySize, cancellationToken).ConfigureAwait(false);
            }

            handedOver = true;
            await SendOneAsync(batch, bySize, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!handedOver)
        {
            Drop(batch, "cancelled");
            throw;
        }
    }

    private async ValueTask SendOneAsync(TBatch batch, bool bySize, CancellationToken cancellationToken)
    {
        _telemetry.BatchSent(bySize);
        int items = batch.ItemCount;
        try
        {
            await _next.ConsumeAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (RetryableException ex)
        {
            // A stage said "not now" on purpose (a full queue, its disk, the memory limiter) and counts or logs it
            // itself: no warning per batch here.
            _logger.LogDebug("Processor {Processor} could not pass on {Items} {Signal} for now: {Error}", _name, items, batch.Signal.ItemName(), ex.Message);
        }
        catch (Exception ex)
        {
            // The next stage completed the batch as it failed; the sources hear of it through their notifiers.
            _logger.LogWarning("Processor {Processor} could not pass on {Items} {Signal}: {Error}", _name, items, batch.Signal.ItemName(), ex.Message);
        }
    }

    private void Drop(TBatch batch, string reason)
    {
        _telemetry.Dropped(batch.Signal, batch.ItemCount, reason);
        batch.Complete(DeliveryStatus.Errored);
    }

    public override string ToString() => $"{_name} processor";
}
