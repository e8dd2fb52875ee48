using Agent.Connectors.SpanMetrics;
using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Tests.Config;
using Agent.Tests.Processors;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using static Agent.Tests.Connectors.SpanMetrics.TestSpans;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;
using StatusCode = OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode;

namespace Agent.Tests.Connectors.SpanMetrics;

/// <summary>
/// The connector on hand-built spans with a fake clock: what each flush writes (names, attributes, counts, sums,
/// buckets, start times), the limits and their overflow series, and its life cycle.
/// </summary>
public sealed class SpanMetricsConnectorTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly RecordingConsumer<MetricsBatch> _metrics = new();
    private readonly ComponentId _id = new("spanmetrics", "t" + Guid.NewGuid().ToString("N")[..12]);
    private SpanMetricsConnector? _connector;

    private ulong NowUnixNano => (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Counts_sums_and_buckets_per_series_with_the_collectors_names()
    {
        var connector = await StartAsync();
        ulong started = NowUnixNano;
        await connector.ConsumeAsync(Batch(Group("checkout", [
            Span("GET /pay", SpanKind.Server, StatusCode.Ok, 1),
            Span("GET /pay", SpanKind.Server, StatusCode.Ok, 4),
            Span("GET /pay", SpanKind.Server, StatusCode.Ok, 5),
            Span("GET /pay", SpanKind.Server, StatusCode.Error, 20),
            Span("call bank", SpanKind.Client, StatusCode.Unset, 3000),
        ], ("deployment.environment", "prod"))), CancellationToken.None);

        var requests = await FlushAsync(1);

        var (resource, calls) = Assert.Single(RedSeries.Metrics(requests, RedSeries.Calls));
        Assert.Equal(["service.name=checkout", "deployment.environment=prod"], RedSeries.Labels(resource.Resource.Attributes));
        Assert.Equal("spanmetricsconnector", Assert.Single(resource.ScopeMetrics).Scope.Name);
        Assert.Equal(AggregationTemporality.Cumulative, calls.Sum.AggregationTemporality);
        Assert.True(calls.Sum.IsMonotonic);
        Assert.Equal(3, calls.Sum.DataPoints.Count);
        var ok = RedSeries.LatestCalls(requests, RedSeries.Calls, ("span.name", "GET /pay"), ("status.code", "STATUS_CODE_OK"))!;
        Assert.Equal(["service.name=checkout", "span.name=GET /pay", "span.kind=SPAN_KIND_SERVER", "status.code=STATUS_CODE_OK"], RedSeries.Labels(ok.Attributes));
        Assert.Equal(3, ok.AsInt);
        Assert.Equal(started, ok.StartTimeUnixNano);
        Assert.Equal(NowUnixNano, ok.TimeUnixNano);
        Assert.Equal(1, RedSeries.LatestCalls(requests, RedSeries.Calls, ("status.code", "STATUS_CODE_ERROR"))!.AsInt);
        Assert.Equal(1, RedSeries.LatestCalls(requests, RedSeries.Calls, ("span.kind", "SPAN_KIND_CLIENT"), ("status.code", "STATUS_CODE_UNSET"))!.AsInt);

        var (_, durations) = Assert.Single(RedSeries.Metrics(requests, RedSeries.Duration));
        Assert.Equal("ms", durations.Unit);
        Assert.Equal(AggregationTemporality.Cumulative, durations.Histogram.AggregationTemporality);
        var pay = RedSeries.LatestDuration(requests, RedSeries.Duration, ("span.name", "GET /pay"), ("status.code", "STATUS_CODE_OK"))!;
        Assert.Equal([2.0, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000], pay.ExplicitBounds);
        Assert.Equal(3UL, pay.Count);
        Assert.Equal(10, pay.Sum, 9);

        // A bound belongs to the bucket it closes: 4 ms is counted in (2, 4], 5 ms in (4, 6].
        Assert.Equal([1UL, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], pay.BucketCounts);
        var bank = RedSeries.LatestDuration(requests, RedSeries.Duration, ("span.name", "call bank"))!;
        Assert.Equal(1UL, bank.BucketCounts[13]);
        Assert.Equal(3000, bank.Sum, 9);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Totals_are_cumulative_across_flushes_with_one_start_time_per_series()
    {
        var connector = await StartAsync();
        ulong firstSeen = NowUnixNano;
        await connector.ConsumeAsync(Batch(Group("checkout", [Span("GET /pay", SpanKind.Server, StatusCode.Ok, 3)])), CancellationToken.None);
        var first = await FlushAsync(1);

        _time.Advance(TimeSpan.FromSeconds(10));
        ulong newSeen = NowUnixNano;
        await connector.ConsumeAsync(Batch(Group("checkout", [
            Span("GET /pay", SpanKind.Server, StatusCode.Ok, 7),
            Span("GET /cart", SpanKind.Server, StatusCode.Ok, 1),
        ])), CancellationToken.None);
        _time.Advance(Interval - TimeSpan.FromSeconds(10));
        await Poll.Until(() => _metrics.Count >= 2);
        var second = Requests().Skip(1).ToList();

        var pay = RedSeries.LatestCalls(second, RedSeries.Calls, ("span.name", "GET /pay"))!;
        Assert.Equal(2, pay.AsInt);
        Assert.Equal(firstSeen, pay.StartTimeUnixNano);
        Assert.Equal(RedSeries.LatestCalls(first, RedSeries.Calls)!.StartTimeUnixNano, pay.StartTimeUnixNano);
        Assert.Equal(NowUnixNano, pay.TimeUnixNano);
        var payDuration = RedSeries.LatestDuration(second, RedSeries.Duration, ("span.name", "GET /pay"))!;
        Assert.Equal(2UL, payDuration.Count);
        Assert.Equal(10, payDuration.Sum, 9);
        Assert.Equal(firstSeen, payDuration.StartTimeUnixNano);
        var cart = RedSeries.LatestCalls(second, RedSeries.Calls, ("span.name", "GET /cart"))!;
        Assert.Equal(1, cart.AsInt);
        Assert.Equal(newSeen, cart.StartTimeUnixNano);

        // With nothing new, the next flush repeats the totals: cumulative series do not fall back to zero.
        _time.Advance(Interval);
        await Poll.Until(() => _metrics.Count >= 3);
        Assert.Equal(2, RedSeries.LatestCalls(Requests().Skip(2), RedSeries.Calls, ("span.name", "GET /pay"))!.AsInt);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Configured_dimensions_come_from_the_span_then_the_resource_then_the_default()
    {
        var connector = await StartAsync("""
            dimensions:
              - {name: http.request.method, default: GET}
              - {name: region}
              - {name: http.response.status_code}
              - {name: missing}
            """);
        await connector.ConsumeAsync(Batch(Group("checkout", [
            Span("pay", SpanKind.Server, StatusCode.Ok, 1, ("http.request.method", "POST"), ("http.response.status_code", 502L)),
            Span("pay", SpanKind.Server, StatusCode.Ok, 1, ("region", "eu-west-2")),
        ], ("region", "eu-west-1"))), CancellationToken.None);

        var requests = await FlushAsync(1);

        var points = RedSeries.Metrics(requests, RedSeries.Calls).Single().Metric.Sum.DataPoints;
        Assert.Equal(
            [
                "service.name=checkout|span.name=pay|span.kind=SPAN_KIND_SERVER|status.code=STATUS_CODE_OK|http.request.method=POST|region=eu-west-1|http.response.status_code=502",
                "service.name=checkout|span.name=pay|span.kind=SPAN_KIND_SERVER|status.code=STATUS_CODE_OK|http.request.method=GET|region=eu-west-2",
            ],
            points.Select(p => string.Join('|', RedSeries.Labels(p.Attributes))));

        // An attribute keeps its type: the status code stays an integer, as the Collector copies it.
        Assert.Equal(502, points[0].Attributes.Single(a => a.Key == "http.response.status_code").Value.IntValue);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Excluded_default_dimensions_merge_series_and_leave_their_attribute_out()
    {
        var connector = await StartAsync("{exclude_dimensions: [status.code, span.kind], namespace: \"\"}");
        await connector.ConsumeAsync(Batch(Group("checkout", [
            Span("pay", SpanKind.Server, StatusCode.Ok, 1),
            Span("pay", SpanKind.Client, StatusCode.Error, 1),
        ])), CancellationToken.None);

        var requests = await FlushAsync(1);

        var point = Assert.Single(RedSeries.Metrics(requests, "calls").Single().Metric.Sum.DataPoints);
        Assert.Equal(["service.name=checkout", "span.name=pay"], RedSeries.Labels(point.Attributes));
        Assert.Equal(2, point.AsInt);
        Assert.Single(RedSeries.Metrics(requests, "duration"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Past_the_cardinality_limit_spans_go_to_one_overflow_series_and_are_counted()
    {
        var connector = await StartAsync("{aggregation_cardinality_limit: 2}");
        await connector.ConsumeAsync(Batch(Group("checkout", [
            Span("a", SpanKind.Server, StatusCode.Ok, 1),
            Span("b", SpanKind.Server, StatusCode.Ok, 1),
            Span("c", SpanKind.Server, StatusCode.Ok, 1),
            Span("a", SpanKind.Server, StatusCode.Ok, 1),
            Span("d", SpanKind.Server, StatusCode.Ok, 30),
        ])), CancellationToken.None);

        var requests = await FlushAsync(1);

        var points = RedSeries.Metrics(requests, RedSeries.Calls).Single().Metric.Sum.DataPoints;
        Assert.Equal(["a:2", "b:1", "otel.metric.overflow=true:2"], points.Select(p => $"{p.Attributes.FirstOrDefault(a => a.Key == "span.name")?.Value.StringValue ?? string.Join(',', RedSeries.Labels(p.Attributes))}:{p.AsInt}"));
        Assert.True(points[2].Attributes.Single().Value.BoolValue);
        var overflow = RedSeries.LatestDuration(requests, RedSeries.Duration, ("otel.metric.overflow", "true"))!;
        Assert.Equal(2UL, overflow.Count);
        Assert.Equal(31, overflow.Sum, 9);
        Assert.Equal(2, SelfMetrics.Value("agent_spanmetrics_overflow_spans_total", ("connector", _id.ToString())));
        Assert.Equal(3, SelfMetrics.Value("agent_spanmetrics_series", ("connector", _id.ToString())));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Past_the_resource_limit_spans_go_to_an_overflow_resource()
    {
        var connector = await StartAsync("{resource_metrics_cache_size: 1}");
        await connector.ConsumeAsync(Batch(
            Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1)]),
            Group("cart", [Span("add", SpanKind.Server, StatusCode.Ok, 1), Span("remove", SpanKind.Server, StatusCode.Ok, 1)])), CancellationToken.None);

        var requests = await FlushAsync(1);

        var groups = RedSeries.Metrics(requests, RedSeries.Calls).ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(["service.name=checkout"], RedSeries.Labels(groups[0].Resource.Resource.Attributes));
        Assert.Empty(groups[1].Resource.Resource.Attributes);
        var overflow = Assert.Single(groups[1].Metric.Sum.DataPoints);
        Assert.Equal(["otel.metric.overflow=true"], RedSeries.Labels(overflow.Attributes));
        Assert.Equal(2, overflow.AsInt);
        Assert.Equal(2, SelfMetrics.Value("agent_spanmetrics_overflow_spans_total", ("connector", _id.ToString())));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Series_without_spans_for_metrics_expiration_are_forgotten_and_free_their_resources_place()
    {
        var connector = await StartAsync("{metrics_expiration: 90s, resource_metrics_cache_size: 1}");
        await connector.ConsumeAsync(Batch(Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1), Span("refund", SpanKind.Server, StatusCode.Ok, 1)])), CancellationToken.None);
        await FlushAsync(1);

        // 60 s later only "pay" saw a span; at the next flush (120 s after "refund" last did) "refund" is gone.
        await connector.ConsumeAsync(Batch(Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1)])), CancellationToken.None);
        var requests = await FlushAsync(2);
        var second = requests[1];
        Assert.Equal(["pay"], RedSeries.Metrics([second], RedSeries.Calls).SelectMany(m => m.Metric.Sum.DataPoints).Select(p => SpanName(p.Attributes)));
        Assert.Equal(1, SelfMetrics.Value("agent_spanmetrics_expired_series_total", ("connector", _id.ToString())));

        // Once "pay" expires too, the flush has nothing to send and the resource is gone: another service takes its
        // place instead of the overflow resource.
        _time.Advance(Interval);
        await Poll.Until(() => SelfMetrics.Value("agent_spanmetrics_expired_series_total", ("connector", _id.ToString())) == 2);
        await connector.ConsumeAsync(Batch(Group("cart", [Span("add", SpanKind.Server, StatusCode.Ok, 1)])), CancellationToken.None);
        requests = await FlushAsync(3);
        var (resource, calls) = Assert.Single(RedSeries.Metrics([requests[2]], RedSeries.Calls));
        Assert.Equal(["service.name=cart"], RedSeries.Labels(resource.Resource.Attributes));
        var add = Assert.Single(calls.Sum.DataPoints);
        Assert.Equal(1, add.AsInt);
        Assert.Equal(0, SelfMetrics.Value("agent_spanmetrics_overflow_spans_total", ("connector", _id.ToString())));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Exemplars_carry_the_most_recent_spans_of_each_duration_point_once()
    {
        var connector = await StartAsync("{exemplars: {enabled: true, max_per_data_point: 2}}");
        var spans = new[] { 1.0, 2, 3 }.Select(ms => Span("pay", SpanKind.Server, StatusCode.Ok, ms)).ToArray();
        await connector.ConsumeAsync(Batch(Group("checkout", spans)), CancellationToken.None);

        var requests = await FlushAsync(1);
        var point = RedSeries.LatestDuration(requests, RedSeries.Duration, ("span.name", "pay"))!;
        Assert.Equal([2.0, 3], point.Exemplars.Select(e => e.AsDouble));
        Assert.Equal([spans[1].TraceId, spans[2].TraceId], point.Exemplars.Select(e => e.TraceId));
        Assert.Equal([spans[1].SpanId, spans[2].SpanId], point.Exemplars.Select(e => e.SpanId));
        Assert.Equal(spans[2].EndTimeUnixNano, point.Exemplars[1].TimeUnixNano);

        // The next flush reports only spans that came since: none.
        requests = await FlushAsync(2);
        Assert.Empty(RedSeries.Metrics([requests[1]], RedSeries.Duration).Single().Metric.Histogram.DataPoints.Single().Exemplars);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Resources_are_told_apart_by_the_key_attributes_only_when_given()
    {
        var keyed = await StartAsync("{resource_metrics_key_attributes: [service.name]}");
        var plain = new SpanMetricsConnector(new TestHost().Context(new ComponentId("spanmetrics", _id.Name + "b"), new SpanMetricsConnectorOptions()), new SpanMetricsConnectorOptions(), _metrics, _time);
        await plain.StartAsync(CancellationToken.None);
        foreach (var connector in new[] { keyed, plain })
        {
            await connector.ConsumeAsync(Batch(
                Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1)], ("process.pid", 10L)),
                Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1)], ("process.pid", 11L))), CancellationToken.None);
        }

        await FlushAsync(2);
        await plain.ShutdownAsync(CancellationToken.None);

        var perConnector = Requests().Select(r => RedSeries.Metrics([r], RedSeries.Calls).ToList()).OrderBy(g => g.Count).ToList();

        // Keyed on service.name alone: one resource (the first one seen) with both spans in one series.
        var one = Assert.Single(perConnector[0]);
        Assert.Equal(["service.name=checkout", "process.pid=10"], RedSeries.Labels(one.Resource.Resource.Attributes));
        Assert.Equal(2, Assert.Single(one.Metric.Sum.DataPoints).AsInt);

        // Keyed on every attribute, as by default: one resource per process.
        Assert.Equal(2, perConnector[1].Count);
        Assert.All(perConnector[1], g => Assert.Equal(1, Assert.Single(g.Metric.Sum.DataPoints).AsInt));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Seconds_and_explicit_buckets_are_written_in_the_histograms_unit()
    {
        var connector = await StartAsync("{histogram: {unit: s, explicit: {buckets: [100ms, 1s, 1500ms]}}}");
        await connector.ConsumeAsync(Batch(Group("checkout", [
            Span("pay", SpanKind.Server, StatusCode.Ok, 50),
            Span("pay", SpanKind.Server, StatusCode.Ok, 1000),
            Span("pay", SpanKind.Server, StatusCode.Ok, 2500),
        ])), CancellationToken.None);

        var requests = await FlushAsync(1);

        Assert.Equal("s", RedSeries.Metrics(requests, RedSeries.Duration).Single().Metric.Unit);
        var point = RedSeries.LatestDuration(requests, RedSeries.Duration)!;
        Assert.Equal([0.1, 1, 1.5], point.ExplicitBounds);
        Assert.Equal([1UL, 1, 0, 1], point.BucketCounts);
        Assert.Equal(3.55, point.Sum, 9);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_disabled_histogram_leaves_only_the_calls()
    {
        var connector = await StartAsync("{histogram: {disable: true}}");
        await connector.ConsumeAsync(Batch(Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 50)])), CancellationToken.None);

        var requests = await FlushAsync(1);

        Assert.Equal([RedSeries.Calls], requests.SelectMany(r => r.ResourceMetrics).SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).Select(m => m.Name));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Spans_without_a_service_are_counted_as_dropped_and_nothing_is_flushed_for_them()
    {
        var connector = await StartAsync();
        await connector.ConsumeAsync(Batch(Group(null, [Span("pay", SpanKind.Server, StatusCode.Ok, 1), Span("pay", SpanKind.Server, StatusCode.Ok, 1)])), CancellationToken.None);
        await connector.ConsumeAsync(Batch(Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1)])), CancellationToken.None);

        var requests = await FlushAsync(1);

        Assert.Equal(1, Assert.Single(RedSeries.Metrics(requests, RedSeries.Calls).Single().Metric.Sum.DataPoints).AsInt);
        Assert.Equal(2, SelfMetrics.Value("agent_spanmetrics_dropped_spans_total", ("connector", _id.ToString()), ("reason", "no_service_name")));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Spans_are_completed_as_delivered_and_the_flush_is_counted_as_received()
    {
        var connector = await StartAsync();
        var batch = Batch(Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1), Span("cart", SpanKind.Server, StatusCode.Ok, 1)]));
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);

        await connector.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await notifier.Completion);
        await FlushAsync(1);
        Assert.Equal(4, SelfMetrics.AcceptedValue(_id.ToString(), string.Empty, Signal.Metrics));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_flushes_once_more_and_spans_after_it_are_refused_and_counted()
    {
        var connector = await StartAsync();
        await connector.ConsumeAsync(Batch(Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1)])), CancellationToken.None);

        await connector.ShutdownAsync(CancellationToken.None);

        var flushed = Assert.Single(_metrics.Received);
        Assert.Equal(1, RedSeries.LatestCalls([flushed.Data], RedSeries.Calls)!.AsInt);
        var late = Batch(Group("checkout", [Span("pay", SpanKind.Server, StatusCode.Ok, 1), Span("pay", SpanKind.Server, StatusCode.Ok, 1)]));
        var notifier = new BatchNotifier();
        late.AttachNotifier(notifier);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => connector.ConsumeAsync(late, CancellationToken.None).AsTask());
        Assert.Contains("shut down", error.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Errored, await notifier.Completion);
        Assert.Equal(2, SelfMetrics.Value("agent_spanmetrics_dropped_spans_total", ("connector", _id.ToString()), ("reason", "shutdown")));

        // The timer is gone with the shutdown: time passing flushes nothing more, and a second stop is a no-op.
        _time.Advance(Interval * 3);
        await connector.ShutdownAsync(CancellationToken.None);
        Assert.Single(_metrics.Received);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connector is not null)
        {
            await _connector.ShutdownAsync(CancellationToken.None);
        }
    }

    private async Task<SpanMetricsConnector> StartAsync(string yaml = "{}")
    {
        var (options, errors) = Binding.Bind<SpanMetricsConnectorOptions>(yaml);
        Assert.Empty(errors);
        _connector = new SpanMetricsConnector(new TestHost().Context(_id, options), options, _metrics, _time);
        await _connector.StartAsync(CancellationToken.None);
        return _connector;
    }

    /// <summary>Lets one interval pass and waits until the recording consumer holds <paramref name="batches"/> flushes.</summary>
    private async Task<List<ExportMetricsServiceRequest>> FlushAsync(int batches)
    {
        _time.Advance(Interval);
        await Poll.Until(() => _metrics.Count >= batches);
        return Requests();
    }

    private static string SpanName(IEnumerable<OpenTelemetry.Proto.Common.V1.KeyValue> attributes) =>
        attributes.Single(a => a.Key == "span.name").Value.StringValue;

    private List<ExportMetricsServiceRequest> Requests() => [.. _metrics.Received.Select(b => b.Data)];
}
