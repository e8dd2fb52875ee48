using Agent.Tests.Connectors.SpanMetrics;
using Agent.Tests.Fakes;
using Agent.Tests.Processors;
using OpenTelemetry.Exporter;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// Spans from the real .NET SDK → agent (otlp receiver → traces pipeline → spanmetrics → metrics pipeline → otlp
/// exporter) → an in-process OTLP backend: the RED series arrive with the expected counts and buckets, and the traces
/// pipeline still exports the spans themselves through its other exporter.
/// </summary>
public class SpanMetricsEndToEndTests
{
    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Spans_from_the_dotnet_sdk_become_red_series_at_the_backend(OtlpExportProtocol protocol)
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        await using var agent = await RunningAgent.StartAsync(RedTraffic.Pipeline("otlp", "otlp", $$"""
              otlp:
                endpoint: {{backend.GrpcHostPort}}
                tls: {insecure: true}
                retry_on_failure: {initial_interval: 50ms, max_interval: 200ms}
            """));

        RedTraffic.Send(protocol == OtlpExportProtocol.Grpc ? agent.GrpcAddress : agent.HttpAddress, protocol);

        // Cumulative series are sent every flush; wait until the latest totals hold every span.
        await Poll.Until(() => RedTraffic.Expected.All(e => Calls(backend, e) == e.Calls), TimeSpan.FromSeconds(30));
        foreach (var expected in RedTraffic.Expected)
        {
            var duration = RedSeries.LatestDuration(backend.Metrics, RedSeries.Duration, Dimensions(expected))!;
            Assert.Equal((ulong)expected.Calls, duration.Count);
            Assert.Equal(expected.SumMilliseconds, duration.Sum, 6);
            Assert.Equal(RedTraffic.Bounds, duration.ExplicitBounds);
            Assert.Equal(expected.Buckets, duration.BucketCounts);
            Assert.Equal(["service.name=orders", $"span.name={expected.SpanName}", $"span.kind={expected.Kind}", $"status.code={expected.Status}"], RedSeries.Labels(duration.Attributes));
        }

        var (resource, calls) = RedSeries.Metrics(backend.Metrics, RedSeries.Calls).Last();
        Assert.Contains("service.name=orders", RedSeries.Labels(resource.Resource.Attributes));
        Assert.Equal(RedTraffic.Expected.Length, calls.Sum.DataPoints.Count);
        await backend.WaitForSpansAsync(RedTraffic.Spans.Length, TimeSpan.FromSeconds(20));
        Assert.Equal(RedTraffic.Spans.Length, backend.SpanCount);
    }

    private static long? Calls(FakeOtlpBackend backend, RedExpectation expected) =>
        RedSeries.LatestCalls(backend.Metrics, RedSeries.Calls, Dimensions(expected))?.AsInt;

    private static (string, string)[] Dimensions(RedExpectation expected) =>
        [("span.name", expected.SpanName), ("span.kind", expected.Kind), ("status.code", expected.Status)];
}
