using Agent.Core.Model;
using Agent.Exporters.Otlp;

namespace Agent.Exporters.OtlpHttp;

/// <summary>The <c>otlphttp</c> exporter (OTLP/HTTP with protobuf bodies), configured as in the Collector.</summary>
public sealed class OtlpHttpExporterOptions : OtlpClientOptions
{
    public OtlpHttpExporterOptions()
    {
        // The Collector's otlphttp waits longer than its gRPC sibling.
        Timeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>Where traces go; when unset, <c>endpoint</c> + <c>/v1/traces</c>.</summary>
    public string? TracesEndpoint { get; set; }

    /// <summary>Where metrics go; when unset, <c>endpoint</c> + <c>/v1/metrics</c>.</summary>
    public string? MetricsEndpoint { get; set; }

    /// <summary>Where logs go; when unset, <c>endpoint</c> + <c>/v1/logs</c>.</summary>
    public string? LogsEndpoint { get; set; }

    /// <summary>Only <c>proto</c> is supported (the Collector also offers <c>json</c>).</summary>
    public string Encoding { get; set; } = "proto";

    /// <summary>The URL a signal is posted to, or null when neither its own endpoint nor <c>endpoint</c> is usable.</summary>
    public Uri? UrlFor(Signal signal)
    {
        string? own = signal switch
        {
            Signal.Traces => TracesEndpoint,
            Signal.Metrics => MetricsEndpoint,
            _ => LogsEndpoint,
        };
        if (!string.IsNullOrWhiteSpace(own))
        {
            return TryParseUrl(own, out var url) ? url : null;
        }

        if (string.IsNullOrWhiteSpace(Endpoint) || !TryParseUrl(Endpoint, out var baseUrl))
        {
            return null;
        }

        var builder = new UriBuilder(baseUrl);
        builder.Path = builder.Path.TrimEnd('/') + "/v1/" + signal.ConfigName();
        return builder.Uri;
    }

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (Encoding != "proto")
        {
            yield return ("encoding", $"only proto is supported, not \"{Encoding}\"");
        }

        foreach (var (key, value) in new[] { ("traces_endpoint", TracesEndpoint), ("metrics_endpoint", MetricsEndpoint), ("logs_endpoint", LogsEndpoint) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !TryParseUrl(value, out _))
            {
                yield return (key, $"\"{value}\" is not an http:// or https:// URL");
            }
        }

        bool everySignalHasItsOwn = !string.IsNullOrWhiteSpace(TracesEndpoint) &&
                                    !string.IsNullOrWhiteSpace(MetricsEndpoint) &&
                                    !string.IsNullOrWhiteSpace(LogsEndpoint);
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            if (!everySignalHasItsOwn)
            {
                yield return ("endpoint", "is required (for example http://collector:4318) unless traces_endpoint, metrics_endpoint and logs_endpoint are all set");
            }
        }
        else if (!TryParseUrl(Endpoint, out _))
        {
            yield return ("endpoint", $"\"{Endpoint}\" is not an http:// or https:// URL");
        }
    }

    private static bool TryParseUrl(string text, out Uri url) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out url!) && url.Scheme is "http" or "https" && url.Host.Length > 0;
}
