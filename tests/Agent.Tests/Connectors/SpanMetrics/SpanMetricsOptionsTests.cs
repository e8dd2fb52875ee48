using Agent.Connectors.SpanMetrics;
using Agent.Tests.Config;

namespace Agent.Tests.Connectors.SpanMetrics;

/// <summary>The connector's keys as a Collector user writes them: defaults, and every mistake named at its key.</summary>
public class SpanMetricsOptionsTests
{
    [Fact]
    public void Defaults_are_the_collectors_with_a_bounded_cardinality()
    {
        var (options, errors) = Binding.Bind<SpanMetricsConnectorOptions>("{}");

        Assert.Empty(errors);
        Assert.Equal("traces.span.metrics", options.Namespace);
        Assert.Equal(TimeSpan.FromSeconds(60), options.MetricsFlushInterval);
        Assert.Equal(DurationUnit.Ms, options.Histogram.Unit);
        Assert.False(options.Histogram.Disable);
        Assert.Equal([2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000], options.Histogram.Explicit.Buckets.Select(b => b.TotalMilliseconds));
        Assert.Equal(2000, options.AggregationCardinalityLimit);
        Assert.Equal(1000, options.ResourceMetricsCacheSize);
        Assert.Equal("AGGREGATION_TEMPORALITY_CUMULATIVE", options.AggregationTemporality);
    }

    [Fact]
    public void A_collector_config_binds()
    {
        var (options, errors) = Binding.Bind<SpanMetricsConnectorOptions>("""
            histogram:
              unit: s
              explicit:
                buckets: [100us, 1ms, 2ms, 6ms, 10ms, 100ms, 250ms]
            dimensions:
              - name: http.method
                default: GET
              - name: http.status_code
            exclude_dimensions: ['status.code']
            aggregation_temporality: "AGGREGATION_TEMPORALITY_CUMULATIVE"
            metrics_flush_interval: 15s
            resource_metrics_key_attributes: [service.name, telemetry.sdk.language, telemetry.sdk.name]
            aggregation_cardinality_limit: 0
            namespace: span.metrics
            """);

        Assert.Empty(errors);
        Assert.Equal(DurationUnit.S, options.Histogram.Unit);
        Assert.Equal(TimeSpan.FromTicks(1000), options.Histogram.Explicit.Buckets[0]);
        Assert.Equal(["http.method:GET", "http.status_code:"], options.Dimensions.Select(d => $"{d.Name}:{d.Default}"));
        Assert.Equal(["status.code"], options.ExcludeDimensions);
        Assert.Equal(TimeSpan.FromSeconds(15), options.MetricsFlushInterval);
        Assert.Equal(3, options.ResourceMetricsKeyAttributes.Count);
        Assert.Equal(0, options.AggregationCardinalityLimit);
    }

    [Fact]
    public void Every_mistake_is_reported_at_its_key()
    {
        var (_, errors) = Binding.Bind<SpanMetricsConnectorOptions>("""
            histogram:
              unit: us
              explicit:
                buckets: [10ms, 5ms]
            dimensions:
              - name: span.kind
              - {default: x}
            exclude_dimensions: [http.method]
            aggregation_temporality: AGGREGATION_TEMPORALITY_DELTA
            metrics_flush_interval: 0s
            aggregation_cardinality_limit: -1
            resource_metrics_cache_size: 0
            events: {enabled: true}
            exemplars: {enabled: true, max_per_data_point: 0}
            metrics_expiration: -1s
            """);

        Assert.Equal(
        [
            "inline.yaml:2:9: x.histogram.unit: expected one of ms, s, got \"us\"",
            "inline.yaml:13:1: x.events: unknown key \"events\"; valid keys are: aggregation_cardinality_limit, aggregation_temporality, dimensions, exclude_dimensions, exemplars, histogram, metrics_expiration, metrics_flush_interval, namespace, resource_metrics_cache_size, resource_metrics_key_attributes",
            "inline.yaml:6:5: x.dimensions[0].name: duplicate dimension name \"span.kind\" (the defaults are service.name, span.name, span.kind, status.code)",
            "inline.yaml:8:22: x.exclude_dimensions[0]: \"http.method\" is not a default dimension: must be one of service.name, span.name, span.kind, status.code",
            "inline.yaml:12:1: x.resource_metrics_cache_size: must be at least 1",
            "inline.yaml:11:1: x.aggregation_cardinality_limit: must not be negative (0 = no limit)",
            "inline.yaml:9:1: x.aggregation_temporality: delta temporality is not supported by this agent; use AGGREGATION_TEMPORALITY_CUMULATIVE",
            "inline.yaml:10:1: x.metrics_flush_interval: must be positive",
            "inline.yaml:15:1: x.metrics_expiration: must not be negative (0 = never)",
            "inline.yaml:4:21: x.histogram.explicit.buckets[1]: must be greater than the bound before it (10ms): bounds go in increasing order",
            "inline.yaml:7:5: x.dimensions[1].name: is required",
            "inline.yaml:14:28: x.exemplars.max_per_data_point: must be at least 1",
        ], errors);
    }
}
