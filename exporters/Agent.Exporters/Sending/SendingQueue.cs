using Agent.Core.Buffers;
using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;

namespace Agent.Exporters.Sending;

/// <summary>What an exporter does with one batch: send it once, throwing <see cref="PermanentException"/> for data
/// no retry can deliver and anything else for a transient failure.</summary>
public delegate ValueTask SendBatch<in TBatch>(TBatch batch, CancellationToken cancellationToken)
    where TBatch : Batch;

/// <summary>
/// The queue, consumers, retry and timeout every exporter shares (the Collector's exporterhelper). It accepts
/// batches into a bounded queue, sends them with N consumers, retries transient failures, and completes each
/// batch's notifiers with the outcome. What it gives up on is counted in <c>otelcol_exporter_send_failed_*</c>.
/// </summary>
public sealed class SendingQueue<TBatch> : IConsumer<TBatch>, IComponent
    where TBatch : Batch
{
    private readonly ComponentId _exporter;
    private readonly string _exporterName;
    private readonly ExporterTelemetry _telemetry;
    private readonly SendingQueueOptions _options;
    private readonly TimeSpan _timeout;
    private readonly SendBatchWithResult<TBatch> _send;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly BoundedQueue<TBatch> _queue;
    private readonly CancellationTokenSource _stopSending = new();
    private readonly List<Task> _consumers = [];
    private Signal? _signal;

    public SendingQueue(
        ComponentId exporter,
        ExporterTelemetry telemetry,
        SendingQueueOptions queue,
        RetryOptions retry,
        TimeSpan timeout,
        SendBatch<TBatch> send,
        ILogger logger,
        TimeProvider? time = null)
        : this(exporter, telemetry, queue, retry, timeout, SendAll(send), logger, time)
    {
    }

    public SendingQueue(
        ComponentId exporter,
        ExporterTelemetry telemetry,
        SendingQueueOptions queue,
        RetryOptions retry,
        TimeSpan timeout,
        SendBatchWithResult<TBatch> send,
        ILogger logger,
        TimeProvider? time = null)
    {
        _exporter = exporter;
        _exporterName = exporter.ToString();
        _telemetry = telemetry;
        _options = queue;
        _timeout = timeout;
        _send = send;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _retry = RetryPolicy.Create(retry, _time, () => _stopSending.IsCancellationRequested);
        _queue = new BoundedQueue<TBatch>(queue.QueueSize, queue.MaxSizeMib * 1024 * 1024);
    }

    public bool MutatesData => false;

    /// <summary>Batches waiting in the queue (not those being sent).</summary>
    public int QueuedBatches => _queue.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            for (int i = 0; i < _options.NumConsumers; i++)
            {
                _consumers.Add(Task.Run(ConsumeLoopAsync, CancellationToken.None));
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        _signal = batch.Signal;
        if (!_options.Enabled)
        {
            await SendAndCompleteAsync(batch).ConfigureAwait(false);
            return;
        }

        long bytes = batch.ByteSize;
        long units = _options.Sizer switch
        {
            "items" => batch.ItemCount,
            "bytes" => bytes,
            _ => 1,
        };

        try
        {
            if (_options.BlockOnOverflow)
            {
                await _queue.EnqueueAsync(batch, units, bytes, cancellationToken).ConfigureAwait(false);
            }
            else if (!_queue.TryEnqueue(batch, units, bytes))
            {
                _telemetry.EnqueueFailed(batch.Signal, batch.ItemCount);
                batch.Complete(DeliveryStatus.Errored);
                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            _telemetry.EnqueueFailed(batch.Signal, batch.ItemCount);
            batch.Complete(DeliveryStatus.Errored);
            throw;
        }

        ReportQueue();
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _queue.Complete();
        using (cancellationToken.Register(_stopSending.Cancel))
        {
            await Task.WhenAll(_consumers).ConfigureAwait(false);
        }

        // The deadline passed with batches still queued: they were not delivered.
        while (_queue.TryDequeue(out var left))
        {
            Fail(left, DeliveryStatus.Errored, "shutdown");
        }

        ReportQueue();
    }

    private async Task ConsumeLoopAsync()
    {
        while (true)
        {
            var (ok, batch) = await _queue.TryDequeueAsync(CancellationToken.None).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }

            ReportQueue();
            if (_stopSending.IsCancellationRequested)
            {
                Fail(batch, DeliveryStatus.Errored, "shutdown");
                continue;
            }

            await SendAndCompleteAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task SendAndCompleteAsync(TBatch batch)
    {
        int items = batch.ItemCount;
        var context = ResilienceContextPool.Shared.Get(_stopSending.Token);
        RetryPolicy.MarkStart(context, _time);
        try
        {
            var result = await _retry.ExecuteAsync(
                static async (ctx, state) => await state.Self.SendOnceAsync(state.Batch, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Self: this, Batch: batch)).ConfigureAwait(false);
            int rejected = (int)Math.Clamp(result.RejectedItems, 0, items);
            if (rejected > 0)
            {
                // The backend kept the rest: count only what it took as sent, and the refused items as dropped.
                _logger.LogWarning("Exporter {Exporter}: the backend refused {Rejected} of {Items} {Signal}: {Error}", _exporterName, rejected, items, batch.Signal.ItemName(), result.Message);
                if (!result.CountedBySender)
                {
                    _telemetry.SendFailed(batch.Signal, rejected, "partial_success");
                }
            }
            else if (!string.IsNullOrEmpty(result.Message))
            {
                _logger.LogWarning("Exporter {Exporter}: the backend accepted {Items} {Signal} with a warning: {Warning}", _exporterName, items, batch.Signal.ItemName(), result.Message);
            }

            _telemetry.Sent(batch.Signal, items - rejected);

            // What the backend took is delivered; a batch it refused whole can never be, so the source moves on.
            batch.Complete(rejected > 0 && rejected >= items ? DeliveryStatus.Rejected : DeliveryStatus.Delivered);
        }
        catch (PermanentException ex)
        {
            _logger.LogWarning("Exporter {Exporter} dropped {Items} {Signal} refused permanently: {Error}", _exporterName, items, batch.Signal.ItemName(), ex.Message);
            Fail(batch, DeliveryStatus.Rejected, "permanent");
        }
        catch (Exception ex) when (_stopSending.IsCancellationRequested)
        {
            _logger.LogWarning("Exporter {Exporter} stopped before delivering {Items} {Signal}: {Error}", _exporterName, items, batch.Signal.ItemName(), ex.Message);
            Fail(batch, DeliveryStatus.Errored, "shutdown");
        }
        catch (Exception ex)
        {
            _logger.LogError("Exporter {Exporter} gave up on {Items} {Signal} after retries: {Error}", _exporterName, items, batch.Signal.ItemName(), ex.Message);
            Fail(batch, DeliveryStatus.Errored, "retries_exhausted");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<SendResult> SendOnceAsync(TBatch batch, CancellationToken stopping)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (_timeout > TimeSpan.Zero)
        {
            attempt.CancelAfter(_timeout);
        }

        try
        {
            return await _send(batch, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!stopping.IsCancellationRequested)
        {
            throw new RetryableException($"the request timed out after {_timeout.TotalSeconds:0.###}s", null, ex);
        }
    }

    private void Fail(TBatch batch, DeliveryStatus status, string reason)
    {
        _telemetry.SendFailed(batch.Signal, batch.ItemCount, reason);
        batch.Complete(status);
    }

    private void ReportQueue()
    {
        // The signal is known from the first batch; before it there is nothing to report under any signal's label.
        if (_signal is { } signal)
        {
            _telemetry.SetQueue(signal, _options.Sizer == "bytes" ? _queue.Bytes : _queue.Units, _options.QueueSize);
        }
    }

    private static SendBatchWithResult<TBatch> SendAll(SendBatch<TBatch> send) => async (batch, cancellationToken) =>
    {
        await send(batch, cancellationToken).ConfigureAwait(false);
        return SendResult.Accepted;
    };

    public override string ToString() => $"sending queue of {_exporter}";
}
