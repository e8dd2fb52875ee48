using Agent.Exporters.PrometheusRemoteWrite;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

public class PrometheusNamesTests
{
    [Theory]
    [InlineData("http.server.request.duration", "s", "Histogram", "http_server_request_duration_seconds")]
    [InlineData("node_cpu_seconds_total", "s", "Counter", "node_cpu_seconds_total")]
    [InlineData("node_cpu_seconds", "s", "Counter", "node_cpu_seconds_total")]
    [InlineData("requests", "{requests}", "Counter", "requests_total")]
    [InlineData("system.memory.usage", "By", "Gauge", "system_memory_usage_bytes")]
    [InlineData("system.cpu.utilization", "1", "Gauge", "system_cpu_utilization_ratio")]
    [InlineData("cache.hits", "1", "Counter", "cache_hits_total")]
    [InlineData("speed", "m/s", "Gauge", "speed_meters_per_second")]
    [InlineData("queue.depth", "", "Gauge", "queue_depth")]
    [InlineData("bytes_total", "By", "Counter", "bytes_total")]
    [InlineData("9lives..left", "", "Gauge", "_9lives_left")]
    [InlineData("jvm.gc.time", "ms", "Summary", "jvm_gc_time_milliseconds")]
    [InlineData("disk:io", "KiBy", "Counter", "disk:io_kibibytes_total")]
    public void Names_follow_the_compatibility_rules(string name, string unit, string kind, string expected) =>
        Assert.Equal(expected, new PrometheusNames(string.Empty, addSuffixes: true).Family(name, unit, Enum.Parse<FamilyKind>(kind)).Name);

    [Fact]
    public void Without_suffixes_names_are_only_sanitized()
    {
        var names = new PrometheusNames(string.Empty, addSuffixes: false);
        Assert.Equal("http_server_duration", names.Family("http.server.duration", "s", FamilyKind.Histogram).Name);
        Assert.Equal("requests", names.Family("requests", "1", FamilyKind.Counter).Name);
    }

    [Fact]
    public void A_namespace_prefixes_the_name_and_the_histogram_series_share_it()
    {
        var family = new PrometheusNames("shop", addSuffixes: true).Family("latency", "ms", FamilyKind.Histogram);
        Assert.Equal("shop_latency_milliseconds", family.Name);
        Assert.Equal("shop_latency_milliseconds_bucket", family.Bucket);
        Assert.Equal("shop_latency_milliseconds_sum", family.Sum);
        Assert.Equal("shop_latency_milliseconds_count", family.Count);
        Assert.Equal("milliseconds", family.Unit);
    }

    [Theory]
    [InlineData("http.method", "http_method")]
    [InlineData("k8s.pod.name", "k8s_pod_name")]
    [InlineData("2xx", "key_2xx")]
    [InlineData("_private", "key_private")]
    [InlineData("__name__", "key__name__")]
    [InlineData("valid_Name9", "valid_Name9")]
    [InlineData("app.kubernetes.io/name", "app_kubernetes_io_name")]
    public void Label_names_are_sanitized(string key, string expected) =>
        Assert.Equal(expected, PrometheusLabelNames.Sanitize(key));
}
