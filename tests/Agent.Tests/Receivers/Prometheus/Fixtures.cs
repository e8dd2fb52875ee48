using Agent.Receivers.Prometheus.Exposition;

namespace Agent.Tests.Receivers.Prometheus;

/// <summary>Expositions shaped like what real exporters serve, in both formats.</summary>
internal static class Fixtures
{
    /// <summary>A small node_exporter-like exposition with every metric type.</summary>
    public static string NodeLike(ExpositionFormat format)
    {
        bool om = format == ExpositionFormat.OpenMetrics;
        string counterName = om ? "node_cpu_seconds" : "node_cpu_seconds_total";
        return $$"""
            # HELP {{counterName}} Seconds the CPUs spent in each mode.
            # TYPE {{counterName}} counter
            node_cpu_seconds_total{cpu="0",mode="idle"} 1234.5
            node_cpu_seconds_total{cpu="0",mode="user"} 56.25
            # HELP node_load1 1m load average.
            # TYPE node_load1 gauge
            node_load1 0.42
            # HELP http_request_duration_seconds Latency.
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{handler="/",le="0.1"} 3
            http_request_duration_seconds_bucket{handler="/",le="0.5"} 5
            http_request_duration_seconds_bucket{handler="/",le="+Inf"} 6
            http_request_duration_seconds_sum{handler="/"} 1.75
            http_request_duration_seconds_count{handler="/"} 6
            # HELP go_gc_duration_seconds GC pauses.
            # TYPE go_gc_duration_seconds summary
            go_gc_duration_seconds{quantile="0.5"} 0.001
            go_gc_duration_seconds{quantile="1"} 0.004
            go_gc_duration_seconds_sum 0.02
            go_gc_duration_seconds_count 9
            # TYPE {{(om ? "mystery unknown" : "mystery untyped")}}
            mystery 7

            """ + (om ? "# EOF\n" : string.Empty);
    }
}
