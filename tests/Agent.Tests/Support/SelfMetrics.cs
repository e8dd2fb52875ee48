using System.Globalization;
using System.Text;
using Agent.Core.Model;
using Agent.Telemetry;

namespace Agent.Tests.Support;

/// <summary>
/// The registry every test host hands its components, read back through the Prometheus text that <c>/metrics</c>
/// serves, so a test asserts what an operator would scrape. Tests give each component a unique id, so one registry
/// for the whole run keeps them apart.
/// </summary>
internal static class SelfMetrics
{
    public static PrometheusTelemetryRegistry Registry { get; } = new(withProcessMetrics: false);

    public static double SentValue(string exporter, Signal signal) =>
        Value($"otelcol_exporter_sent_{signal.ItemName()}_total", ("exporter", exporter));

    public static double SendFailedValue(string exporter, Signal signal, string reason) =>
        Value($"otelcol_exporter_send_failed_{signal.ItemName()}_total", ("exporter", exporter), ("reason", reason));

    public static double EnqueueFailedValue(string exporter, Signal signal) =>
        Value($"otelcol_exporter_enqueue_failed_{signal.ItemName()}_total", ("exporter", exporter));

    public static double AcceptedValue(string receiver, string transport, Signal signal) =>
        Value($"otelcol_receiver_accepted_{signal.ItemName()}_total", ("receiver", receiver), ("transport", transport));

    public static double RefusedValue(string receiver, string transport, Signal signal) =>
        Value($"otelcol_receiver_refused_{signal.ItemName()}_total", ("receiver", receiver), ("transport", transport));

    public static double RequestRejectedValue(string receiver, string reason) =>
        Value("agent_receiver_requests_rejected_total", ("receiver", receiver), ("reason", reason));

    public static double AttributesLimitedValue(string receiver, string reason) =>
        Value("agent_receiver_attributes_limited_total", ("receiver", receiver), ("reason", reason));

    public static double ReferencesDroppedValue(string receiver, string kind) =>
        Value("agent_receiver_references_dropped_total", ("receiver", receiver), ("kind", kind));

    public static double MalformedLineValue(string receiver, string reason) =>
        Value("agent_receiver_malformed_lines_total", ("receiver", receiver), ("reason", reason));

    public static double FilesSkippedValue(string receiver, string reason) =>
        Value("agent_receiver_files_skipped_total", ("receiver", receiver), ("reason", reason));

    public static double TruncatedLineValue(string receiver) =>
        Value("agent_receiver_truncated_lines_total", ("receiver", receiver));

    public static double BatchSentValue(string processor, bool bySize) =>
        Value(bySize ? "otelcol_processor_batch_batch_size_trigger_send_total" : "otelcol_processor_batch_timeout_trigger_send_total", ("processor", processor));

    /// <summary>
    /// The value of the sample <paramref name="name"/> whose labels include <paramref name="labels"/>; 0 when no such
    /// sample was written (a counter that never moved).
    /// </summary>
    public static double Value(string name, params (string Name, string Value)[] labels) => Value(Registry, name, labels);

    /// <summary>The same, read from a registry of its own (a test whose metrics carry no per-test label).</summary>
    public static double Value(PrometheusTelemetryRegistry registry, string name, params (string Name, string Value)[] labels)
    {
        using var text = new MemoryStream();
        registry.WriteTextAsync(text, CancellationToken.None).GetAwaiter().GetResult();
        foreach (string line in Encoding.UTF8.GetString(text.ToArray()).Split('\n'))
        {
            if (line.Length > name.Length && line.StartsWith(name, StringComparison.Ordinal) &&
                (line[name.Length] == '{' || line[name.Length] == ' ') &&
                labels.All(label => line.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
