using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper.Persistent;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// The layers every exporter shares (the Collector's exporterhelper): a batch is encoded into requests once, when it
/// is accepted; each request goes to the shard its partition key picks in a bounded <see cref="IRequestQueue"/>;
/// one consumer per shard sends it, retrying the same bytes (<see cref="RetrySender"/>); its sources learn the
/// outcome through its notifiers. Requests without a key go to one shard that every consumer reads. With
/// <c>sending_queue.enabled: false</c> the caller encodes and sends inline.
/// </summary>
public sealed class RequestExporter<TBatch> : IConsumer<TBatch>, IComponent, IAcknowledgesOnDisk, IHandlesEncodedRecords
    where TBatch : Batch
{
    private readonly ComponentId _exporter;
    private readonly ExporterTelemetry _telemetry;
    private readonly SendingQueueOptions _options;
    private readonly IRequestEncoder<TBatch> _encoder;
    private readonly RequestPartitioner _partitioner;
    private readonly Func<Signal, string>? _storage;
    private readonly TimeProvider? _time;
    private IRequestQueue? _queue;
    private readonly RetrySender _sender;
    private readonly SendOutcomes _outcomes;
    private readonly ILogger _logger;
    private readonly FailureLog _queueWrites;
    private readonly CancellationTokenSource _stopSending = new();
    private readonly List<Task> _consumers = [];
    private Signal? _signal;

    public RequestExporter(
        ComponentId exporter,
        ExporterTelemetry telemetry,
        SendingQueueOptions queue,
        RetryOptions retry,
        TimeSpan timeout,
        IRequestEncoder<TBatch> encoder,
        IRequestSender sender,
        ILogger logger,
        TimeProvider? time = null,
        Func<Signal, string>? storage = null)
    {
        _exporter = exporter;
        _telemetry = telemetry;
        _options = queue;
        _encoder = encoder;
        _logger = logger;

        // A partitioned exporter gets a shard per consumer; otherwise all consumers share one shard.
        _partitioner = new RequestPartitioner(encoder.Partitioned ? queue.NumConsumers : 1);
        _storage = storage;
        _time = time;
        _queue = storage is null ? new MemoryRequestQueue(queue, _partitioner.Shards) : null;
        var clock = time ?? TimeProvider.System;
        _sender = new RetrySender(sender, retry, timeout, clock, () => _stopSending.IsCancellationRequested, new FailureLog(exporter.ToString(), logger, clock));
        _queueWrites = new FailureLog(new QueueWriteFailureLines(exporter.ToString(), logger), clock);
        _outcomes = new SendOutcomes(exporter, telemetry, logger);
    }

    public bool MutatesData => false;

    /// <summary>With its queue on disk, a batch's sources hear "delivered" once its requests are written there (see <see cref="ConsumeAsync"/>).</summary>
    public bool AcknowledgesOnDisk => _storage is not null && _options.Enabled;

    /// <summary>As its encoder: the only part of the exporter that reads a batch.</summary>
    public bool HandlesEncodedRecords => _encoder is IHandlesEncodedRecords { HandlesEncodedRecords: true };

    /// <summary>Requests waiting in the queue (not those being sent).</summary>
    public int QueuedRequests => _queue?.Count ?? 0;

    private IRequestQueue Queue => _queue ?? throw new InvalidOperationException($"The {this} is not started.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_storage is not null && _queue is null)
        {
            // On disk: what an earlier run left is sent first, and reported before any new batch.
            var signal = SignalNames.OfBatch<TBatch>();
            _queue = new PersistentRequestQueue(_storage(signal), _options, _partitioner.Shards, signal, _telemetry, _logger, _time);
            _signal = signal;
            ReportQueue();
        }

        if (_options.Enabled)
        {
            int perShard = _partitioner.Shards == 1 ? _options.NumConsumers : 1;
            for (int shard = 0; shard < _partitioner.Shards; shard++)
            {
                for (int i = 0; i < perShard; i++)
                {
                    int mine = shard;
                    _consumers.Add(Task.Run(() => ConsumeShardAsync(mine), CancellationToken.None));
                }
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
    {
        _signal = batch.Signal;
        var requests = Encode(batch);
        if (!_options.Enabled)
        {
            // Inline: one request after the other keeps each key's order on the caller.
            foreach (var request in requests)
            {
                await DeliverAsync(request).ConfigureAwait(false);
            }

            return;
        }

        var queue = Queue;
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            int shard = _partitioner.ShardOf(request);
            try
            {
                if (_options.BlockOnOverflow)
                {
                    await queue.EnqueueAsync(request, shard, cancellationToken).ConfigureAwait(false);
                }
                else if (!queue.TryEnqueue(request, shard))
                {
                    _outcomes.NotQueued(request);
                    continue;
                }

                if (queue.Durable)
                {
                    // On disk it survives a restart: its sources may move on (checkpoint, answer the client).
                    _queueWrites.Succeeded();
                    request.Complete(DeliveryStatus.Delivered);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                // Nothing from here on was queued: the caller hears of it and the sources are told.
                for (int j = i; j < requests.Count; j++)
                {
                    _outcomes.NotQueued(requests[j]);
                }

                ReportQueue();
                if (ex is IOException)
                {
                    // A persistent queue could not write (a full disk): refused like any enqueue failure, as "not
                    // now" (the sources retry), and logged when it starts and ends rather than at every refusal.
                    _queueWrites.Failed(ex);
                    throw new RetryableException($"the sending queue cannot write: {ex.Message}", inner: ex);
                }

                throw;
            }
        }

        ReportQueue();
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (_queue is not { } queue)
        {
            return;
        }

        queue.Complete();
        if (queue.Durable)
        {
            // What is on disk is sent after the next start: no need to wait for the backend now.
            _stopSending.Cancel();
        }

        using (cancellationToken.Register(_stopSending.Cancel))
        {
            await Task.WhenAll(_consumers).ConfigureAwait(false);
        }

        // The deadline passed with requests still queued: they were not delivered.
        while (queue.TryDequeueAny(out var left))
        {
            _outcomes.Unsent(left);
        }

        ReportQueue();
        (queue as IDisposable)?.Dispose();
    }

    /// <summary>The batch's requests, holding its notifiers between them; none when it cannot be encoded.</summary>
    private List<ExportRequest> Encode(TBatch batch)
    {
        var requests = new List<ExportRequest>(1);
        try
        {
            _encoder.Encode(batch, _partitioner, requests);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Data the encoder cannot write is data no retry can deliver.
            _logger.LogError(ex, "Exporter {Exporter} could not encode {Items} {Signal}", _exporter, batch.ItemCount, batch.Signal.ItemName());
            _telemetry.SendFailed(batch.Signal, batch.ItemCount, "permanent");
            foreach (var request in requests)
            {
                request.Complete(DeliveryStatus.Rejected);
            }

            batch.Complete(DeliveryStatus.Rejected);
            return [];
        }
        finally
        {
            // The requests hold their own bytes: the batch's pooled data can go back, encoded or not.
            batch.ReleaseData();
        }

        if (requests.Count == 0)
        {
            batch.Complete(DeliveryStatus.Delivered);
            return requests;
        }

        var notifiers = RequestNotifiers.Take(batch, requests.Count);
        foreach (var request in requests)
        {
            request.Notifiers = notifiers;
        }

        return requests;
    }

    private async Task ConsumeShardAsync(int shard)
    {
        var queue = Queue;
        while (await queue.DequeueAsync(shard, CancellationToken.None).ConfigureAwait(false) is { } request)
        {
            ReportQueue();
            if (_stopSending.IsCancellationRequested)
            {
                // A durable queue keeps it for the next start.
                if (!queue.Durable)
                {
                    _outcomes.Unsent(request);
                }

                continue;
            }

            if (await DeliverAsync(request, queue.Durable).ConfigureAwait(false))
            {
                queue.Acknowledge(request);
                ReportQueue();
            }
        }
    }

    /// <summary>Sends the request; false when shutdown cut it off and a durable queue keeps it to send again.</summary>
    private async Task<bool> DeliverAsync(ExportRequest request, bool durable = false)
    {
        try
        {
            _outcomes.Sent(request, await _sender.SendAsync(request, _stopSending.Token).ConfigureAwait(false));
        }
        catch (PermanentException ex)
        {
            _outcomes.Refused(request, ex);
        }
        catch (Exception) when (_stopSending.IsCancellationRequested && durable)
        {
            return false;
        }
        catch (Exception ex) when (_stopSending.IsCancellationRequested)
        {
            _outcomes.Stopped(request, ex);
        }
        catch (Exception ex)
        {
            _outcomes.GaveUp(request, ex);
        }

        return true;
    }

    private void ReportQueue()
    {
        // The signal is known from the first batch; before it there is nothing to report under any signal's label.
        if (_signal is { } signal)
        {
            _telemetry.SetQueue(signal, Queue.Size, Queue.Capacity);
        }
    }

    public override string ToString() => $"sending queue of {_exporter}";
}
