using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Net;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// The <c>prometheusremotewrite</c> exporter: metrics to a Prometheus remote-write 1.0 endpoint, under the
/// Collector's keys. The shared HTTP client settings (<c>endpoint</c>, <c>headers</c>, <c>timeout</c>, <c>tls</c>,
/// <c>auth</c>, <c>proxy_url</c>) apply; bodies are always snappy-compressed protobuf, as the protocol demands.
/// </summary>
public sealed class PrometheusRemoteWriteExporterOptions : HttpClientOptions
{
    /// <summary>A prefix for every metric name (<c>namespace_name</c>); empty for none.</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>Labels added to every series that does not have them already.</summary>
    public Dictionary<string, string> ExternalLabels { get; set; } = [];

    /// <summary>Unit and <c>_total</c> suffixes on metric names, as the OpenTelemetry compatibility rules say.</summary>
    public bool AddMetricSuffixes { get; set; } = true;

    /// <summary>Sends one metadata entry (type, unit, help) per metric family and request.</summary>
    public bool SendMetadata { get; set; }

    /// <summary>Uncompressed size at which a request is cut; a larger batch goes out as several requests.</summary>
    public long MaxBatchSizeBytes { get; set; } = 3_000_000;

    public RemoteWriteQueueOptions RemoteWriteQueue { get; set; } = new();

    public RetryOptions RetryOnFailure { get; set; } = new();

    public SwitchOptions ResourceToTelemetryConversion { get; set; } = new() { Enabled = false };

    public SwitchOptions TargetInfo { get; set; } = new() { Enabled = true };

    /// <summary>
    /// How <c>job</c> is formed when the resource has no normalised <c>job</c> attribute: <c>service.namespace/
    /// service.name</c> (the compatibility rule) or plain <c>service.namespace</c>, as the <c>servicemapping</c>
    /// processor's switch of the same name.
    /// </summary>
    public JobFormat JobFormat { get; set; } = JobFormat.NamespaceAndName;

    /// <summary>
    /// Resource attributes put on every series of the resource (point attributes of the same name win), besides
    /// <c>target_info</c>: the normalised labels the <c>servicemapping</c> processor sets, so a workload's series
    /// carry the same <c>namespace</c>, <c>pod</c>… as its Loki streams.
    /// </summary>
    public List<string> ResourceLabels { get; set; } = ["namespace", "pod", "container", "app", "cluster", "node"];

    public DeltaToCumulativeOptions DeltaToCumulative { get; set; } = new();

    public StaleMarkerOptions StaleMarkers { get; set; } = new();

    /// <summary>The sending queue the exporter helper runs, from <see cref="RemoteWriteQueue"/>.</summary>
    public SendingQueueOptions SendingQueue() => RemoteWriteQueue.ToSendingQueue();

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            yield return ("endpoint", "is required: the remote-write URL, e.g. http://prometheus:9090/api/v1/write");
        }
        else if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return ("endpoint", $"\"{Endpoint}\" is not an http:// or https:// URL");
        }

        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (Namespace.Length > 0 && PrometheusNames.SanitizeMetricName(Namespace) != Namespace)
        {
            yield return ("namespace", $"\"{Namespace}\" is not a valid metric name prefix (letters, digits, _ and :)");
        }

        foreach (var (name, value) in ExternalLabels)
        {
            if (!PrometheusLabelNames.IsValid(name) || name.StartsWith("__", StringComparison.Ordinal))
            {
                yield return ("external_labels", $"\"{name}\" is not a valid label name (letters, digits and _, not starting with a digit or __)");
            }
            else if (value.Length == 0)
            {
                yield return ("external_labels", $"\"{name}\" has an empty value, which Prometheus would drop");
            }
        }

        if (MaxBatchSizeBytes < 1024)
        {
            yield return ("max_batch_size_bytes", "must be at least 1024");
        }
    }
}
