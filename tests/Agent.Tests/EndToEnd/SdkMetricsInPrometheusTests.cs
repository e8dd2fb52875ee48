using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// Metrics from the real .NET and JS SDKs → agent (otlp receiver → batch → prometheusremotewrite) → a real Prometheus: the
/// names get their unit and <c>_total</c> suffixes, <c>job</c> and <c>instance</c> come from the resource, and a
/// histogram's quantile is what its buckets say.
/// </summary>
public class SdkMetricsInPrometheusTests
{
    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Sdk_metrics_are_queryable_with_prometheus_names(OtlpExportProtocol protocol)
    {
        await using var prometheus = await PrometheusServer.StartAsync();
        await using var agent = await StartAgentAsync(prometheus);

        using var meter = new Meter("shop.checkout." + Guid.NewGuid().ToString("N"));
        var orders = meter.CreateCounter<long>("orders.placed", unit: "{order}");
        var latency = meter.CreateHistogram<double>("request.duration", unit: "s");
        using (var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddView(latency.Name, new ExplicitBucketHistogramConfiguration { Boundaries = [0.1, 0.5, 1] })
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout", serviceNamespace: "shop", serviceInstanceId: "pod-7"))
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Protocol = protocol;
                exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? agent.GrpcAddress : new Uri(agent.HttpAddress, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build())
        {
            orders.Add(4, new KeyValuePair<string, object?>("region", "eu"));
            latency.Record(0.05);
            latency.Record(0.3);
            latency.Record(0.4);
            latency.Record(0.7);
            Assert.True(provider.ForceFlush(20_000));
        }

        string placed = "orders_placed_total{job=\"shop/checkout\",instance=\"pod-7\",region=\"eu\"}";
        var samples = await Eventually.ReadUntilAsync(() => prometheus.QueryAsync(placed), found => found.Count == 1, placed, seconds: 60);
        Assert.Equal(4, samples[0].Value);

        // Buckets 0.1 / 0.5 / 1 s hold 1, 2 and 1 observations: the median is the 0.5 quantile of the second bucket,
        // halfway from 0.1 to 0.5 s.
        string median = "histogram_quantile(0.5, sum by (le) (request_duration_seconds_bucket{job=\"shop/checkout\"}))";
        var quantile = await Eventually.ReadUntilAsync(() => prometheus.QueryAsync(median), found => found.Count == 1, median, seconds: 60);
        Assert.Equal(0.3, quantile[0].Value, 6);
        var count = Assert.Single(await prometheus.QueryAsync("request_duration_seconds_count{job=\"shop/checkout\"}"));
        Assert.Equal(4, count.Value);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Js_sdk_metrics_over_http_json_are_queryable_with_prometheus_names()
    {
        await using var prometheus = await PrometheusServer.StartAsync();
        await using var agent = await StartAgentAsync(prometheus);
        string instance = "pod-" + Guid.NewGuid().ToString("N")[..8];

        using var result = await JsClient.SendMetricsAsync(new Uri(agent.HttpAddress, "/v1/metrics"), instance);
        Assert.Equal(0, result.RootElement.GetProperty("code").GetInt32());

        string added = $"items_added_total{{job=\"shop/cart\",instance=\"{instance}\",region=\"us\"}}";
        var samples = await Eventually.ReadUntilAsync(() => prometheus.QueryAsync(added), found => found.Count == 1, added, seconds: 60);
        Assert.Equal(5, samples[0].Value);

        // The same four observations as the .NET test: buckets 0.1 / 0.5 / 1 s hold 1, 2 and 1, so the median is 0.3 s.
        string median = $"histogram_quantile(0.5, sum by (le) (request_duration_seconds_bucket{{instance=\"{instance}\"}}))";
        var quantile = await Eventually.ReadUntilAsync(() => prometheus.QueryAsync(median), found => found.Count == 1, median, seconds: 60);
        Assert.Equal(0.3, quantile[0].Value, 6);
        var scope = Assert.Single(await prometheus.QueryAsync($"request_duration_seconds_count{{instance=\"{instance}\"}}"));
        Assert.Equal(4, scope.Value);
        Assert.Equal("shop.cart", scope.Labels["otel_scope_name"]);
    }

    private static Task<RunningAgent> StartAgentAsync(PrometheusServer prometheus) => RunningAgent.StartAsync($$"""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 127.0.0.1:0}
              http: {endpoint: 127.0.0.1:0}
        processors:
          batch: {timeout: 100ms}
        exporters:
          prometheusremotewrite:
            endpoint: {{prometheus.WriteUri}}
            retry_on_failure: {initial_interval: 50ms, max_interval: 200ms}
        service:
          telemetry:
            metrics: {level: none}
          pipelines:
            metrics:
              receivers: [otlp]
              processors: [batch]
              exporters: [prometheusremotewrite]
        """);
}
