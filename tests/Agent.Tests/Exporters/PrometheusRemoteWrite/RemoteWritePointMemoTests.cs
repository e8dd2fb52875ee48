using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Points received as bytes and seen before are written from the memo of their series (found by their family,
/// resource and scope, and attribute bytes): batch after batch they must come out exactly as the same points
/// decoded, which never use the memo, do; whatever else shares their attributes, and whatever the tracker forgot.
/// </summary>
public class RemoteWritePointMemoTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(At.AddMinutes(1));
    private readonly RequestPartitioner _partitioner = new(3);

    [Fact]
    public void Points_seen_before_come_out_as_their_decoded_twins_do_round_after_round()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" };
        using var fromBytes = new MetricTranslator(options, _time);
        using var fromObjects = new MetricTranslator(options, _time);

        for (int round = 0; round < 4; round++)
        {
            var request = Mixed(At.AddSeconds(round), round);

            var written = Translate(fromBytes, Wire(request));

            Assert.Equal(Translate(fromObjects, new MetricsBatch(request)), written);
            Assert.Equal(fromObjects.TrackedSeries, fromBytes.TrackedSeries);
        }

        // Six points in each of two scopes of two resources, each remembered once; decoded points never are.
        Assert.Equal(24, fromBytes.RememberedPoints);
        Assert.Equal(0, fromObjects.RememberedPoints);
    }

    [Fact]
    public void A_memo_smaller_than_the_points_starts_over_and_writes_every_point_right()
    {
        // max_series bounds the tracker and the memo alike: 3 for 13 points, most of which are then looked up afresh.
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", StaleMarkers = new StaleMarkerOptions { MaxSeries = 3 } };
        using var fromBytes = new MetricTranslator(options, _time);
        using var fromObjects = new MetricTranslator(options, _time);

        for (int round = 0; round < 3; round++)
        {
            var request = Mixed(At.AddSeconds(round), round);

            Assert.Equal(Translate(fromObjects, new MetricsBatch(request)), Translate(fromBytes, Wire(request)));
        }
    }

    [Fact]
    public void Points_whose_series_hashes_collide_keep_their_own_labels_from_bytes()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" };
        using var fromBytes = new MetricTranslator(options, _time) { MapSeriesHash = _ => 42 };
        using var fromObjects = new MetricTranslator(options, _time) { MapSeriesHash = _ => 42 };

        for (int round = 0; round < 3; round++)
        {
            var request = Mixed(At.AddSeconds(round), round);

            Assert.Equal(Translate(fromObjects, new MetricsBatch(request)), Translate(fromBytes, Wire(request)));
            Assert.Equal(1, fromBytes.TrackedSeries);
        }
    }

    [Fact]
    public void A_point_whose_series_went_stale_is_written_afresh_and_tracked_again()
    {
        var options = new PrometheusRemoteWriteExporterOptions
        {
            Endpoint = "http://x",
            TargetInfo = new SwitchOptions { Enabled = false },
            StaleMarkers = new StaleMarkerOptions { After = TimeSpan.FromSeconds(30) },
        };
        using var translator = new MetricTranslator(options, _time);
        var quiet = Histogram("lat", "s", AggregationTemporality.Cumulative, HistogramPoint(At, [1], [1, 1], 3, Attr("k", "quiet")));
        Translate(translator, Wire(Request(ServiceResource("api"), quiet)));
        Assert.Equal(4, translator.TrackedSeries);

        _time.Advance(TimeSpan.FromSeconds(40));
        var markers = new List<ExportRequest>();
        translator.MarkStale(TimeSpan.FromSeconds(30), _partitioner, markers);
        Assert.Equal(4, Read(markers).Count(s => s.EndsWith("=NaN", StringComparison.Ordinal)));
        Assert.Equal(0, translator.TrackedSeries);

        // The same bytes again: the memo's copies have ended, so the series are written and tracked as new ones.
        var back = Histogram("lat", "s", AggregationTemporality.Cumulative, HistogramPoint(At.AddSeconds(40), [1], [2, 2], 7, Attr("k", "quiet")));
        Assert.Equal(
            [
                "lat_seconds_bucket{job=api,k=quiet,le=+Inf,otel_scope_name=test.meter,otel_scope_version=1.2.3}=4",
                "lat_seconds_bucket{job=api,k=quiet,le=1,otel_scope_name=test.meter,otel_scope_version=1.2.3}=2",
                "lat_seconds_count{job=api,k=quiet,otel_scope_name=test.meter,otel_scope_version=1.2.3}=4",
                "lat_seconds_sum{job=api,k=quiet,otel_scope_name=test.meter,otel_scope_version=1.2.3}=7",
            ],
            Translate(translator, Wire(Request(ServiceResource("api"), back))));
        Assert.Equal(4, translator.TrackedSeries);

        markers.Clear();
        translator.MarkStale(TimeSpan.Zero, _partitioner, markers);
        Assert.Equal(4, Read(markers).Count);
    }

    /// <summary>
    /// Two resources and two scopes whose points share attributes; one family's points in two orders of the same
    /// attributes; a histogram whose bounds change from round to round; a summary; number and text attributes, two
    /// of which sanitize to one label name. Values move with <paramref name="round"/>.
    /// </summary>
    private static ExportMetricsServiceRequest Mixed(DateTimeOffset time, int round)
    {
        var request = new ExportMetricsServiceRequest();
        foreach (string service in new[] { "api", "worker" })
        {
            var group = new ResourceMetrics { Resource = ServiceResource(service, "shop", $"{service}-1") };
            foreach (string meter in new[] { "meter.a", "meter.b" })
            {
                var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = meter, Version = "1" } };
                scope.Metrics.Add(Sum("requests", "{request}", monotonic: true, AggregationTemporality.Cumulative,
                    Point(round + 1, time, Attr("route", "/a"), Attr("code", 200)),
                    Point(round + 2, time, Attr("code", 200), Attr("route", "/b")),
                    Point(round + 3, time, Attr("http.route", "/c"), Attr("http_route", "/d"))));
                scope.Metrics.Add(Gauge("queue", "", Point(round * 10, time, Attr("route", "/a"), Attr("code", 200))));
                double[] bounds = round % 2 == 0 ? [0.1, 1] : [0.5];
                ulong[] counts = round % 2 == 0 ? [1, 2, (ulong)round] : [3, (ulong)round];
                scope.Metrics.Add(Histogram("latency", "s", AggregationTemporality.Cumulative, HistogramPoint(time, bounds, counts, 1.5 * round, Attr("route", "/a"))));
                scope.Metrics.Add(Summary("size", time, round, Attr("route", "/a")));
                group.ScopeMetrics.Add(scope);
            }

            request.ResourceMetrics.Add(group);
        }

        return request;
    }

    private static Metric Summary(string name, DateTimeOffset time, int round, params KeyValue[] attributes)
    {
        var point = new SummaryDataPoint { TimeUnixNano = Nanos(time), Count = (ulong)round + 1, Sum = 4 * round };
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = round });
        point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.99, Value = 2 * round });
        point.Attributes.AddRange(attributes);
        var summary = new Summary();
        summary.DataPoints.Add(point);
        return new Metric { Name = name, Summary = summary };
    }

    private static ExportMetricsServiceRequest Request(Resource resource, Metric metric) => Batch(resource, metric).Data;

    /// <summary>The request still encoded, as the otlp receiver hands it on.</summary>
    private static MetricsBatch Wire(ExportMetricsServiceRequest request)
    {
        var batch = Encoded(request);
        Assert.True(batch.IsEncoded);
        return batch;
    }

    private List<string> Translate(MetricTranslator translator, MetricsBatch batch) => TranslateToTexts(translator, batch, _partitioner);

    private static List<string> Read(List<ExportRequest> requests) => SeriesTexts(requests);
}
