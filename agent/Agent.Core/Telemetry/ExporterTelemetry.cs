using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Core.Telemetry;

/// <summary>An exporter's own metrics, under the Collector's names and its <c>exporter</c> label.</summary>
public sealed class ExporterTelemetry
{
    private readonly LabeledMetrics<Signal, ICounter> _sent;
    private readonly LabeledMetrics<(Signal Signal, string Reason), ICounter> _sendFailed;
    private readonly LabeledMetrics<Signal, ICounter> _enqueueFailed;
    private readonly LabeledMetrics<Signal, IGauge> _queueSize;
    private readonly LabeledMetrics<Signal, IGauge> _queueCapacity;
    private readonly LabeledMetrics<Signal, IGauge> _queueRequests;
    private readonly LabeledMetrics<Signal, IGauge> _queueBytes;
    private readonly LabeledMetrics<Signal, IGauge> _queueCapacityBytes;
    private readonly LabeledMetrics<Signal, ICounter> _queueTruncations;

    public ExporterTelemetry(ITelemetryRegistry registry, ComponentId exporter)
    {
        string id = exporter.ToString();
        string[] exporterLabel = ["exporter"];
        string[] queueLabels = ["exporter", "data_type"];
        _sent = new(signal => registry.Counter(
            $"otelcol_exporter_sent_{signal.ItemName()}_total", "Items the exporter delivered.", exporterLabel, [id]));
        _sendFailed = new(key => registry.Counter(
            $"otelcol_exporter_send_failed_{key.Signal.ItemName()}_total", "Items the exporter gave up on (dropped).", ["exporter", "reason"], [id, key.Reason]));
        _enqueueFailed = new(signal => registry.Counter(
            $"otelcol_exporter_enqueue_failed_{signal.ItemName()}_total", "Items refused because the sending queue was full.", exporterLabel, [id]));
        _queueSize = new(signal => registry.Gauge(
            "otelcol_exporter_queue_size", "Current size of the sending queue, in its sizer's units.", queueLabels, [id, signal.ConfigName()]));
        _queueCapacity = new(signal => registry.Gauge(
            "otelcol_exporter_queue_capacity", "Capacity of the sending queue, in its sizer's units.", queueLabels, [id, signal.ConfigName()]));
        _queueRequests = new(signal => registry.Gauge(
            "agent_exporter_queue_requests", "Requests the persistent sending queue holds (not yet acknowledged by a send).", queueLabels, [id, signal.ConfigName()]));
        _queueBytes = new(signal => registry.Gauge(
            "agent_exporter_queue_bytes", "Bytes of records the persistent sending queue holds.", queueLabels, [id, signal.ConfigName()]));
        _queueCapacityBytes = new(signal => registry.Gauge(
            "agent_exporter_queue_capacity_bytes", "Bytes the persistent sending queue may hold (max_size_mib).", queueLabels, [id, signal.ConfigName()]));
        _queueTruncations = new(signal => registry.Counter(
            "agent_exporter_queue_truncations_total", "Torn or corrupt record tails the persistent sending queue cut off when it opened.", queueLabels, [id, signal.ConfigName()]));
    }

    public void Sent(Signal signal, long items) => _sent[signal].Add(items);

    /// <summary>Items given up on, by reason (<c>permanent</c>, <c>retries_exhausted</c>, <c>shutdown</c>, ...).</summary>
    public void SendFailed(Signal signal, long items, string reason) => _sendFailed[(signal, reason)].Add(items);

    public void EnqueueFailed(Signal signal, long items) => _enqueueFailed[signal].Add(items);

    public void SetQueue(Signal signal, double size, double capacity)
    {
        _queueSize[signal].Set(size);
        _queueCapacity[signal].Set(capacity);
    }

    /// <summary>What a persistent queue holds on disk, in requests and bytes, beside its byte capacity.</summary>
    public void SetQueueStorage(Signal signal, long requests, long bytes, long capacityBytes)
    {
        _queueRequests[signal].Set(requests);
        _queueBytes[signal].Set(bytes);
        _queueCapacityBytes[signal].Set(capacityBytes);
    }

    /// <summary>A persistent queue cut off a torn or corrupt tail when it opened.</summary>
    public void QueueTruncated(Signal signal) => _queueTruncations[signal].Add(1);
}
