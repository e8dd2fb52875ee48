using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Core.Telemetry;

/// <summary>A processor's own metrics, under the Collector's names and its <c>processor</c> label.</summary>
public sealed class ProcessorTelemetry
{
    private readonly LabeledMetrics<(Signal Signal, string Reason), ICounter> _dropped;
    private readonly LabeledMetrics<Signal, ICounter> _refused;
    private readonly ICounter _sizeTriggered;
    private readonly ICounter _timeoutTriggered;

    public ProcessorTelemetry(ITelemetryRegistry registry, ComponentId processor)
    {
        string id = processor.ToString();
        string[] processorLabel = ["processor"];
        _dropped = new(key => registry.Counter(
            $"otelcol_processor_dropped_{key.Signal.ItemName()}_total", "Items a processor dropped.", ["processor", "reason"], [id, key.Reason]));
        _refused = new(signal => registry.Counter(
            $"otelcol_processor_refused_{signal.ItemName()}_total", "Items a processor refused for now, for the source to send again (memory limiter).", processorLabel, [id]));
        _sizeTriggered = registry.Counter(
            "otelcol_processor_batch_batch_size_trigger_send_total", "Times the batch processor sent because the batch reached its size.", processorLabel, [id]);
        _timeoutTriggered = registry.Counter(
            "otelcol_processor_batch_timeout_trigger_send_total", "Times the batch processor sent because its timeout passed.", processorLabel, [id]);
    }

    public void Dropped(Signal signal, long items, string reason) => _dropped[(signal, reason)].Add(items);

    /// <summary>Items refused with a retryable error: the source keeps them and sends them again, so they are not dropped.</summary>
    public void Refused(Signal signal, long items) => _refused[signal].Add(items);

    /// <summary>The batch processor sent a batch, because it was full (<paramref name="bySize"/>) or its timeout passed.</summary>
    public void BatchSent(bool bySize) => (bySize ? _sizeTriggered : _timeoutTriggered).Add(1);
}
