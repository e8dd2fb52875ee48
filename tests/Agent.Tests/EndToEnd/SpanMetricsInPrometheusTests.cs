using System.Globalization;
using OpenTelemetry.Exporter;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// Spans from the real .NET SDK → agent (otlp → spanmetrics → prometheusremotewrite) → a real Prometheus: the RED
/// series a latency panel reads are there with the right counts, and <c>histogram_quantile</c> over them gives the
/// value the buckets imply.
/// </summary>
public class SpanMetricsInPrometheusTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Red_series_from_spans_are_queryable_in_prometheus()
    {
        await using var prometheus = await PrometheusServer.StartAsync();
        await using var agent = await RunningAgent.StartAsync(RedTraffic.Pipeline("debug", "prometheusremotewrite", $$"""
              debug: {}
              prometheusremotewrite:
                endpoint: {{prometheus.WriteUri}}
                retry_on_failure: {initial_interval: 50ms, max_interval: 200ms}
            """));

        RedTraffic.Send(agent.GrpcAddress, OtlpExportProtocol.Grpc);

        // Cumulative series arrive at every flush, and the series of one flush may travel in different requests (the
        // exporter shards by series), so each query waits until it holds every span rather than trusting another.
        foreach (var expected in RedTraffic.Expected)
        {
            string calls = $"traces_span_metrics_calls_total{{job=\"{RedTraffic.Service}\",{Selector(expected)}}}";
            await UntilAsync(prometheus, calls, expected.Calls);
            await UntilAsync(prometheus, $"traces_span_metrics_duration_milliseconds_count{{{Selector(expected)}}}", expected.Calls);
            await UntilAsync(prometheus, $"traces_span_metrics_duration_milliseconds_sum{{{Selector(expected)}}}", expected.SumMilliseconds);
        }

        // SELECT orders: two spans at or under 5 ms and one under 100 ms, so the median sits three quarters into the
        // first bucket: 5 ms × 1.5 / 2.
        await UntilAsync(prometheus, "histogram_quantile(0.5, sum by (le) (traces_span_metrics_duration_milliseconds_bucket{span_name=\"SELECT orders\"}))", 3.75);
        var errors = await prometheus.QueryAsync("sum(traces_span_metrics_calls_total{status_code=\"STATUS_CODE_ERROR\"})");
        Assert.Equal(2, Assert.Single(errors).Value);
    }

    private static string Selector(RedExpectation expected) =>
        string.Create(CultureInfo.InvariantCulture, $"span_name=\"{expected.SpanName}\",span_kind=\"{expected.Kind}\",status_code=\"{expected.Status}\"");

    private static Task<double?> UntilAsync(PrometheusServer prometheus, string query, double expected) =>
        Eventually.ReadUntilAsync(() => ValueOfAsync(prometheus, query), value => value is { } v && Math.Abs(v - expected) < 1e-6, $"{query} = {expected}", seconds: 60);

    private static async Task<double?> ValueOfAsync(PrometheusServer prometheus, string query)
    {
        var samples = await prometheus.QueryAsync(query);
        return samples.Count == 1 ? samples[0].Value : null;
    }
}
