using Agent.Core.Model;
using Prometheus;

namespace Agent.Core.Telemetry;

/// <summary>
/// The agent's own metrics under the Collector's names (<c>otelcol_*</c>), so existing dashboards and alerts work.
/// Counters are per signal because the Collector names the item in the metric (spans, metric_points, log_records).
/// </summary>
public static class AgentMetrics
{
    private static readonly SignalCounters ReceiverAccepted = new(
        "otelcol_receiver_accepted_{0}_total", "Items the receiver pushed into the pipeline.", "receiver", "transport");

    private static readonly SignalCounters ReceiverRefused = new(
        "otelcol_receiver_refused_{0}_total", "Items the receiver could not push into the pipeline.", "receiver", "transport");

    private static readonly SignalCounters ExporterSent = new(
        "otelcol_exporter_sent_{0}_total", "Items the exporter delivered.", "exporter");

    private static readonly SignalCounters ExporterSendFailed = new(
        "otelcol_exporter_send_failed_{0}_total", "Items the exporter gave up on (dropped).", "exporter", "reason");

    private static readonly SignalCounters ExporterEnqueueFailed = new(
        "otelcol_exporter_enqueue_failed_{0}_total", "Items refused because the sending queue was full.", "exporter");

    private static readonly SignalCounters ProcessorDropped = new(
        "otelcol_processor_dropped_{0}_total", "Items a processor dropped.", "processor", "reason");

    private static readonly Counter BatchSizeTriggerSend = Metrics.CreateCounter(
        "otelcol_processor_batch_batch_size_trigger_send_total", "Times the batch processor sent because the batch reached its size.", "processor");

    private static readonly Counter BatchTimeoutTriggerSend = Metrics.CreateCounter(
        "otelcol_processor_batch_timeout_trigger_send_total", "Times the batch processor sent because its timeout passed.", "processor");

    private static readonly Gauge QueueSize = Metrics.CreateGauge(
        "otelcol_exporter_queue_size", "Current size of the sending queue, in its sizer's units.", "exporter", "data_type");

    private static readonly Gauge QueueCapacity = Metrics.CreateGauge(
        "otelcol_exporter_queue_capacity", "Capacity of the sending queue, in its sizer's units.", "exporter", "data_type");

    private static readonly Counter RequestsRejected = Metrics.CreateCounter(
        "agent_receiver_requests_rejected_total", "Requests refused before decoding, by reason (bad content, too large, ...).", "receiver", "reason");

    private static readonly Counter MalformedLines = Metrics.CreateCounter(
        "agent_receiver_malformed_lines_total", "Log lines a file receiver skipped because it could not parse them, by reason.", "receiver", "reason");

    private static readonly Counter TruncatedLines = Metrics.CreateCounter(
        "agent_receiver_truncated_lines_total", "Log records a file receiver cut at its maximum record size.", "receiver");

    public static void Accepted(string receiver, string transport, Signal signal, int items) =>
        ReceiverAccepted.For(signal).WithLabels(receiver, transport).Inc(items);

    public static void Refused(string receiver, string transport, Signal signal, int items) =>
        ReceiverRefused.For(signal).WithLabels(receiver, transport).Inc(items);

    public static void Sent(string exporter, Signal signal, int items) =>
        ExporterSent.For(signal).WithLabels(exporter).Inc(items);

    public static void SendFailed(string exporter, Signal signal, int items, string reason) =>
        ExporterSendFailed.For(signal).WithLabels(exporter, reason).Inc(items);

    public static void EnqueueFailed(string exporter, Signal signal, int items) =>
        ExporterEnqueueFailed.For(signal).WithLabels(exporter).Inc(items);

    public static void Dropped(string processor, Signal signal, int items, string reason) =>
        ProcessorDropped.For(signal).WithLabels(processor, reason).Inc(items);

    /// <summary>The batch processor sent a batch, because it was full (<paramref name="bySize"/>) or its timeout passed.</summary>
    public static void BatchSent(string processor, bool bySize) =>
        (bySize ? BatchSizeTriggerSend : BatchTimeoutTriggerSend).WithLabels(processor).Inc();

    public static double BatchSentValue(string processor, bool bySize) =>
        (bySize ? BatchSizeTriggerSend : BatchTimeoutTriggerSend).WithLabels(processor).Value;

    public static void RequestRejected(string receiver, string reason) =>
        RequestsRejected.WithLabels(receiver, reason).Inc();

    public static void MalformedLine(string receiver, string reason) =>
        MalformedLines.WithLabels(receiver, reason).Inc();

    public static void TruncatedLine(string receiver) =>
        TruncatedLines.WithLabels(receiver).Inc();

    public static void SetQueue(string exporter, Signal signal, double size, double capacity)
    {
        QueueSize.WithLabels(exporter, signal.ConfigName()).Set(size);
        QueueCapacity.WithLabels(exporter, signal.ConfigName()).Set(capacity);
    }

    /// <summary>Reads a counter's current value (for tests and the debug exporter's summaries).</summary>
    public static double SentValue(string exporter, Signal signal) => ExporterSent.For(signal).WithLabels(exporter).Value;

    public static double SendFailedValue(string exporter, Signal signal, string reason) =>
        ExporterSendFailed.For(signal).WithLabels(exporter, reason).Value;

    public static double EnqueueFailedValue(string exporter, Signal signal) => ExporterEnqueueFailed.For(signal).WithLabels(exporter).Value;

    public static double AcceptedValue(string receiver, string transport, Signal signal) =>
        ReceiverAccepted.For(signal).WithLabels(receiver, transport).Value;

    public static double RefusedValue(string receiver, string transport, Signal signal) =>
        ReceiverRefused.For(signal).WithLabels(receiver, transport).Value;

    public static double DroppedValue(string processor, Signal signal, string reason) =>
        ProcessorDropped.For(signal).WithLabels(processor, reason).Value;

    public static double RequestRejectedValue(string receiver, string reason) =>
        RequestsRejected.WithLabels(receiver, reason).Value;

    public static double MalformedLineValue(string receiver, string reason) =>
        MalformedLines.WithLabels(receiver, reason).Value;

    public static double TruncatedLineValue(string receiver) => TruncatedLines.WithLabels(receiver).Value;

    private sealed class SignalCounters
    {
        private readonly Counter[] _bySignal;

        public SignalCounters(string nameFormat, string help, params string[] labels)
        {
            _bySignal = Enum.GetValues<Signal>()
                .Select(signal => Metrics.CreateCounter(string.Format(System.Globalization.CultureInfo.InvariantCulture, nameFormat, signal.ItemName()), help, labels))
                .ToArray();
        }

        public Counter For(Signal signal) => _bySignal[(int)signal];
    }
}
