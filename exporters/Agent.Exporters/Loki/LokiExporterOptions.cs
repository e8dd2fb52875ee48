using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Core.Net;

namespace Agent.Exporters.Loki;

/// <summary>How a log record becomes the line Loki stores.</summary>
public enum LokiLineFormat
{
    /// <summary>The body as it is.</summary>
    Raw,

    /// <summary>A JSON object with the body, severity, trace and span ids and the record's attributes.</summary>
    Json,

    /// <summary>The same fields as logfmt <c>key=value</c> pairs.</summary>
    Logfmt,
}

/// <summary>The push body: snappy-compressed protobuf (what Loki prefers) or JSON for old or odd servers.</summary>
public enum LokiEncoding
{
    Protobuf,
    Json,
}

/// <summary>
/// The <c>loki</c> exporter: pushes logs to Loki's <c>/loki/api/v1/push</c>. The shared HTTP client settings apply,
/// except that there is no <c>compression</c> key: a protobuf push is always snappy, a JSON push never compressed.
/// </summary>
public sealed class LokiExporterOptions : HttpClientOptions
{
    public const string PushPath = "/loki/api/v1/push";

    /// <summary>
    /// The Collector's defaults (10 consumers). Each consumer owns a shard of the streams, so pushes of one stream
    /// leave in order (retries included) while different streams go in parallel.
    /// </summary>
    public SendingQueueOptions SendingQueue { get; set; } = new();

    public RetryOptions RetryOnFailure { get; set; } = new();

    /// <summary>
    /// The index labels. Everything else about a record (attributes not used here, trace and span ids) goes into
    /// structured metadata, so streams stay few. <c>job</c> is the normalised <c>job</c> attribute, else
    /// <c>service.namespace/service.name</c> (see <see cref="JobFormat"/>), <c>level</c>
    /// the record's severity; any other name takes the attribute mapped to it in <see cref="LabelAttributes"/>, or
    /// an attribute whose sanitized key equals it.
    /// </summary>
    public List<string> Labels { get; set; } =
        ["namespace", "pod", "container", "app", "job", "cluster", "service_name", "level"];

    /// <summary>
    /// Attribute key → label name. Record attributes win over resource attributes; when several attributes name the
    /// same label, the first one present in this list's order wins. A mapped attribute that is not an index label
    /// goes into structured metadata under the mapped name.
    /// </summary>
    public Dictionary<string, string> LabelAttributes { get; set; } = new()
    {
        ["k8s.namespace.name"] = "namespace",
        ["k8s.pod.name"] = "pod",
        ["k8s.container.name"] = "container",
        ["app.kubernetes.io/name"] = "app",
        ["k8s.pod.labels.app.kubernetes.io/name"] = "app",
        ["k8s.pod.labels.app"] = "app",
        ["service.name"] = "service_name",
        ["k8s.cluster.name"] = "cluster",
        ["k8s.node.name"] = "node",
    };

    /// <summary>
    /// How <c>job</c> is formed when the resource has no normalised <c>job</c> attribute (set by the
    /// <c>servicemapping</c> processor, which then wins): <c>service.namespace/service.name</c> or plain
    /// <c>service.namespace</c>, as the same switch of <c>prometheusremotewrite</c>.
    /// </summary>
    public JobFormat JobFormat { get; set; } = JobFormat.NamespaceAndName;

    /// <summary>The <c>X-Scope-OrgID</c> header of multi-tenant Loki; none when absent.</summary>
    public LokiTenantOptions? Tenant { get; set; }

    public LokiLineFormat Format { get; set; } = LokiLineFormat.Raw;

    public LokiEncoding Encoding { get; set; } = LokiEncoding.Protobuf;

    /// <summary>
    /// Uncompressed size cap of one push request; a larger batch goes out as several pushes. One entry larger than
    /// the cap still goes, alone.
    /// </summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The URL pushes go to: <see cref="HttpClientOptions.Endpoint"/> (the push URL, or the server's base URL),
    /// with the push path added to a bare base URL.
    /// </summary>
    public Uri PushUri()
    {
        var uri = new Uri(Endpoint ?? string.Empty, UriKind.Absolute);
        if (uri.AbsolutePath is "" or "/")
        {
            return new Uri(uri, PushPath);
        }

        return uri;
    }

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            yield return ("endpoint", "is required: the Loki push URL, e.g. http://loki:3100/loki/api/v1/push");
        }
        else if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return ("endpoint", $"\"{Endpoint}\" is not an http:// or https:// URL");
        }

        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        foreach (string label in Labels)
        {
            if (!LokiLabelNames.IsValid(label))
            {
                yield return ("labels", $"\"{label}\" is not a valid label name (letters, digits and _, not starting with a digit)");
            }
        }

        if (Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count)
        {
            yield return ("labels", "names a label more than once");
        }

        foreach (var (attribute, label) in LabelAttributes)
        {
            if (!LokiLabelNames.IsValid(label))
            {
                yield return ("label_attributes", $"attribute \"{attribute}\" maps to \"{label}\", which is not a valid label name");
            }
        }

        if (MaxRequestBytes < 1024)
        {
            yield return ("max_request_bytes", "must be at least 1024");
        }
    }
}
