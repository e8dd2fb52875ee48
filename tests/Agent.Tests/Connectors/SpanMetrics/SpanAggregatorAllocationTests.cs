using Agent.Connectors.SpanMetrics;
using Agent.Tests.Config;
using static Agent.Tests.Connectors.SpanMetrics.TestSpans;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;
using StatusCode = OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode;

namespace Agent.Tests.Connectors.SpanMetrics;

/// <summary>The hot path: counting a span into a series that already exists allocates nothing.</summary>
public class SpanAggregatorAllocationTests
{
    [Fact]
    public void Spans_of_existing_series_are_counted_without_allocating()
    {
        var (options, errors) = Binding.Bind<SpanMetricsConnectorOptions>("{dimensions: [{name: http.request.method}, {name: region, default: none}]}");
        Assert.Empty(errors);
        var aggregator = new SpanAggregator(new SpanMetricsPlan(options));
        var batch = Batch(
            Group("checkout", [.. Enumerable.Range(0, 200).Select(i => Span($"GET /item/{i % 10}", SpanKind.Server, i % 7 == 0 ? StatusCode.Error : StatusCode.Ok, i, ("http.request.method", i % 2 == 0 ? "GET" : "POST")))], ("region", "eu")),
            Group("cart", [.. Enumerable.Range(0, 50).Select(i => Span("add", SpanKind.Client, StatusCode.Unset, i))], ("process.pid", 42L)));

        // The first pass creates the series; later ones only find them.
        aggregator.Add(batch, 1);
        aggregator.Add(batch, 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = aggregator.Add(batch, 3);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, result.Overflowed);
        // Ten span names (each with one method), each seen with and without an error, and one client series.
        Assert.Equal(21, aggregator.SeriesCount);
        Assert.Equal(750UL, aggregator.Resources.SelectMany(r => r.Series).Aggregate(0UL, (sum, s) => sum + s.Calls));
    }
}
