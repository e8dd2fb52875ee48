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

        // Cumulative series arrive at every flush; wait until the totals hold every span.
        foreach (var expected in RedTraffic.Expected)
        {
            string calls = $"traces_span_metrics_calls_total{{job=\"{RedTraffic.Service}\",{Selector(expected)}}}";
            await Eventually.ReadUntilAsync(() => ValueOfAsync(prometheus, calls), value => value == expected.Calls, calls, seconds: 60);
            string count = $"traces_span_metrics_duration_milliseconds_count{{{Selector(expected)}}}";
            Assert.Equal(expected.Calls, await ValueOfAsync(prometheus, count));
            string sum = $"traces_span_metrics_duration_milliseconds_sum{{{Selector(expected)}}}";
            Assert.Equal(expected.SumMilliseconds, (await ValueOfAsync(prometheus, sum))!.Value, 6);
        }

        // SELECT orders: two spans at or under 5 ms and one under 100 ms, so the median sits three quarters into the
        // first bucket: 5 ms × 1.5 / 2.
        string median = "histogram_quantile(0.5, sum by (le) (traces_span_metrics_duration_milliseconds_bucket{span_name=\"SELECT orders\"}))";
        Assert.Equal(3.75, (await ValueOfAsync(prometheus, median))!.Value, 6);
        var errors = await prometheus.QueryAsync("sum(traces_span_metrics_calls_total{status_code=\"STATUS_CODE_ERROR\"})");
        Assert.Equal(2, Assert.Single(errors).Value);
    }

    private static string Selector(RedExpectation expected) =>
        string.Create(CultureInfo.InvariantCulture, $"span_name=\"{expected.SpanName}\",span_kind=\"{expected.Kind}\",status_code=\"{expected.Status}\"");

    private static async Task<double?> ValueOfAsync(PrometheusServer prometheus, string query)
    {
        var samples = await prometheus.QueryAsync(query);
        return samples.Count == 1 ? samples[0].Value : null;
    }
}
