using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Tests.Support;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using Snappier;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Fuzz;

/// <summary>
/// The remote-write translator writes a series it has seen from its cached labels: over random rounds of points
/// (labels that clash, sanitize alike, name <c>le</c> or <c>__name__</c>, odd characters; series that repeat, go
/// stale, or do not fit <c>max_series</c>) its requests are byte for byte those of a translator without the cache.
/// </summary>
public class RemoteWriteLabelCacheFuzzTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly Gen<KeyValue> Attribute = Gen.Select(
            Gen.OneOf("a", "a.b", "a_b", "le", "quantile", "__name__", "job", "ü", "k\uD800"),
            Gen.OneOf("", "x", "y", "ü", "\uDC00", "NaN", "a-much-longer-label-value-for-the-varint-of-its-length-to-matter-at-all".PadRight(130, 'z')))
        .Select((key, value) => Attr(key, value));

    /// <summary>One data point as its own metric: kind (gauge, sum, histogram, summary), name, attributes, bounds.</summary>
    private static readonly Gen<(int Kind, string Name, KeyValue[] Attributes, double[] Bounds)> OnePoint = Gen.Select(
        Gen.Int[0, 3],
        Gen.OneOf("m", "m.total", "lat", "ü"),
        Attribute.Array[0, 4],
        Gen.OneOf<double[]>([], [0.0], [-0.0, 1], [0.5, 1, 2.5], [double.NegativeInfinity, 1e300]));

    /// <summary>Points, the rounds (indices into them) and max_series.</summary>
    private static readonly Gen<((int Kind, string Name, KeyValue[] Attributes, double[] Bounds)[] Points, int[][] Rounds, int MaxSeries)> Runs =
        Gen.Select(OnePoint.Array[1, 10], Gen.Int[0, 9].Array[1, 10].Array[2, 5], Gen.Int[1, 60]);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task With_the_label_cache_the_requests_are_byte_for_byte_those_without_it() =>
        Fuzzing.RunAsync(Runs, run =>
        {
            var time = new FakeTimeProvider(At.AddMinutes(1));
            var cachedOptions = new PrometheusRemoteWriteExporterOptions
            {
                Endpoint = "http://x",
                StaleMarkers = new StaleMarkerOptions { After = TimeSpan.FromSeconds(90), MaxSeries = run.MaxSeries },
            };
            var plainOptions = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://x", StaleMarkers = new StaleMarkerOptions { Enabled = false } };
            using var cached = new MetricTranslator(cachedOptions, time);
            using var plain = new MetricTranslator(plainOptions, time);
            var partitioner = new RequestPartitioner(3);
            for (int round = 0; round < run.Rounds.Length; round++)
            {
                var batch = Round(run.Points, run.Rounds[round], At.AddSeconds(round));

                Assert.Equal(Written(plain, batch, partitioner), Written(cached, batch, partitioner));

                // Series absent from this round and the one before go stale and leave the cache (markers not compared).
                time.Advance(TimeSpan.FromMinutes(1));
                var markers = new List<ExportRequest>();
                cached.MarkStale(TimeSpan.FromSeconds(90), partitioner, markers);
                Complete(markers);
            }
        }, Fuzzing.Costly);

    private static MetricsBatch Round((int Kind, string Name, KeyValue[] Attributes, double[] Bounds)[] points, int[] picks, DateTimeOffset time) =>
        Batch(ServiceResource("api", "shop", "pod-1"), [.. picks.Select(i => Metric(points[i % points.Length], time))]);

    private static Metric Metric((int Kind, string Name, KeyValue[] Attributes, double[] Bounds) point, DateTimeOffset time) => point.Kind switch
    {
        0 => Gauge(point.Name, "", Point(1.5, time, point.Attributes)),
        1 => Sum(point.Name, "By", monotonic: true, AggregationTemporality.Cumulative, Point(7, time, point.Attributes)),
        2 => Histogram(point.Name, "s", AggregationTemporality.Cumulative, HistogramPoint(time, point.Bounds, [.. point.Bounds.Select(_ => 1UL), 2UL], 3, point.Attributes)),
        _ => Summary(point.Name, time, point.Bounds, point.Attributes),
    };

    private static Metric Summary(string name, DateTimeOffset time, double[] quantiles, KeyValue[] attributes)
    {
        var point = new SummaryDataPoint { TimeUnixNano = Nanos(time), Count = 4, Sum = 2 };
        point.QuantileValues.AddRange(quantiles.Select(q => new SummaryDataPoint.Types.ValueAtQuantile { Quantile = q, Value = 0.25 }));
        point.Attributes.AddRange(attributes);
        return new Metric { Name = name, Summary = new Summary { DataPoints = { point } } };
    }

    /// <summary>Each request's shard and uncompressed body, in order.</summary>
    private static List<(ulong? Shard, string Body)> Written(MetricTranslator translator, MetricsBatch batch, RequestPartitioner partitioner)
    {
        var requests = new List<ExportRequest>();
        translator.Translate(batch, partitioner, requests);
        var written = requests.Select(r => (r.PartitionKey, Convert.ToHexString(Snappy.DecompressToArray(r.Body.ToArray())))).ToList();
        Complete(requests);
        return written;
    }

    private static void Complete(List<ExportRequest> requests)
    {
        foreach (var request in requests)
        {
            request.Complete(DeliveryStatus.Delivered);
        }
    }
}
