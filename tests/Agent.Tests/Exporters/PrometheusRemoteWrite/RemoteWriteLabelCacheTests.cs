using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Metrics.V1;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Exporters.PrometheusRemoteWrite;

/// <summary>
/// The cache of a tracked series' encoded labels: never used for another series of the same hash, and gone with
/// the series when it goes stale (its marker still carries its labels, and it comes back written afresh).
/// </summary>
public class RemoteWriteLabelCacheTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>The labels every series here has, left out of the texts compared.</summary>
    private static readonly string[] Common = ["job", "instance", "otel_scope_name", "otel_scope_version"];

    private readonly FakeTimeProvider _time = new(At.AddMinutes(1));
    private readonly RequestPartitioner _partitioner = new(2);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Series_whose_hashes_collide_each_keep_their_own_labels(bool histogramFirst)
    {
        // Every series hashes alike: the first one is tracked and cached, the others must not be written from it
        // (a gauge first: others differ by name or labels; a bucket first: the other buckets differ by le only).
        using var translator = new MetricTranslator(new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x" }, _time) { MapSeriesHash = _ => 42 };

        for (int round = 0; round < 3; round++)
        {
            var time = At.AddSeconds(round);
            var gauges = new[] { Gauge("g", "", Point(1, time, Attr("k", "first")), Point(2, time, Attr("k", "second"))), Gauge("h", "", Point(3, time, Attr("k", "first"))) };
            var histogram = Histogram("lat", "s", AggregationTemporality.Cumulative, HistogramPoint(time, [0.5], [1, 2], 4, Attr("k", "first")));
            var batch = Batch(ServiceResource("api"), histogramFirst ? [histogram, .. gauges] : [.. gauges, histogram]);

            var series = Translate(translator, batch);

            Assert.Equal(
                [
                    "g{k=first}=1", "g{k=second}=2", "h{k=first}=3", "lat_seconds_bucket{k=first,le=+Inf}=3", "lat_seconds_bucket{k=first,le=0.5}=1",
                    "lat_seconds_count{k=first}=3", "lat_seconds_sum{k=first}=4",
                ],
                series);
            Assert.Equal(1, translator.TrackedSeries);
        }
    }

    [Fact]
    public void A_stale_series_leaves_the_cache_with_its_marker_and_comes_back_written_afresh()
    {
        var options = new PrometheusRemoteWriteExporterOptions
        {
            Endpoint = "http://x",
            TargetInfo = new SwitchOptions { Enabled = false },
            StaleMarkers = new StaleMarkerOptions { After = TimeSpan.FromSeconds(30) },
        };
        using var translator = new MetricTranslator(options, _time);
        Assert.Equal(["g{k=quiet}=1", "g{k=talks}=1"], Translate(translator, Batch(ServiceResource("api"), Gauge("g", "", Point(1, At, Attr("k", "quiet")), Point(1, At, Attr("k", "talks"))))));
        Assert.Equal(2, translator.TrackedSeries);

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(["g{k=talks}=2"], Translate(translator, Batch(ServiceResource("api"), Gauge("g", "", Point(2, At.AddSeconds(20), Attr("k", "talks"))))));
        _time.Advance(TimeSpan.FromSeconds(20));
        var markers = new List<ExportRequest>();
        translator.MarkStale(TimeSpan.FromSeconds(30), _partitioner, markers);

        // The marker is written from the cached labels, and the series is no longer tracked.
        Assert.Equal(["g{k=quiet}=NaN"], Read(markers));
        Assert.Equal(1, translator.TrackedSeries);

        Assert.Equal(
            ["g{k=quiet}=5", "g{k=talks}=6"],
            Translate(translator, Batch(ServiceResource("api"), Gauge("g", "", Point(5, At.AddSeconds(40), Attr("k", "quiet")), Point(6, At.AddSeconds(40), Attr("k", "talks"))))));
        Assert.Equal(2, translator.TrackedSeries);

        // On stop every series is marked, each from its own labels.
        markers.Clear();
        translator.MarkStale(TimeSpan.Zero, _partitioner, markers);
        Assert.Equal(["g{k=quiet}=NaN", "g{k=talks}=NaN"], Read(markers));
        Assert.Equal(0, translator.TrackedSeries);
    }

    private List<string> Translate(MetricTranslator translator, MetricsBatch batch) => TranslateToTexts(translator, batch, _partitioner, Common);

    private static List<string> Read(List<ExportRequest> requests) => SeriesTexts(requests, Common);
}
