using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using Agent.Tests.Support;
using CsCheck;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using Snappier;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.Fuzz;

/// <summary>
/// The remote-write translator reads OTLP metrics off the wire, so it must read every layout a protobuf parser
/// accepts as the same message: random requests of every point kind (delta and cumulative, stale flags, attributes
/// of every value type, histograms with and without sum or buckets, metrics without a name), rewritten with fields
/// reordered, numbers unpacked, data messages split in two and unknown fields added, give byte for byte the requests
/// (and the drops) of the layout Google.Protobuf writes, and so does the same request decoded (the translator's
/// other reader), over two rounds that carry delta totals and cached labels.
/// </summary>
public class RemoteWriteWireLayoutFuzzTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly Gen<AnyValue> Value = Gen.OneOf(
        Gen.OneOf("", "x", "ü", "a-longer-value").Select(s => new AnyValue { StringValue = s }),
        Gen.OneOf(0L, 7L, 1023L, 1024L, -5L, long.MaxValue).Select(i => new AnyValue { IntValue = i }),
        Gen.Bool.Select(b => new AnyValue { BoolValue = b }),
        Gen.OneOf(0.5, -0.0, double.NaN, 1e300).Select(d => new AnyValue { DoubleValue = d }),
        Gen.Const(new AnyValue()));

    private static readonly Gen<KeyValue[]> Attributes = Gen.Select(Gen.OneOf("a", "a.b", "a_b", "le", "job", "1x"), Value)
        .Select((key, value) => new KeyValue { Key = key, Value = value })
        .Array[0, 3];

    private static readonly Gen<(ulong Time, uint Flags, KeyValue[] Attributes)> PointBase = Gen.Select(
        Gen.OneOf(0UL, Nanos(At), Nanos(At.AddSeconds(1))),
        Gen.Frequency((4, Gen.Const(0u)), (1, Gen.Const(1u))),
        Attributes);

    private static readonly Gen<NumberDataPoint> NumberPoint = Gen.Select(PointBase, Gen.Int[0, 2], Gen.Double[-10, 10])
        .Select((b, form, value) =>
        {
            var point = new NumberDataPoint { TimeUnixNano = b.Time, Flags = b.Flags };
            if (form == 1)
            {
                point.AsDouble = value;
            }
            else if (form == 2)
            {
                point.AsInt = (long)value;
            }

            point.Attributes.AddRange(b.Attributes);
            return point;
        });

    private static readonly Gen<HistogramDataPoint> HistogramPoint = Gen.Select(PointBase, Gen.OneOf<double[]>([], [1.0], [0.5, 1, 2.5]), Gen.Int[0, 2], Gen.Bool)
        .Select((b, bounds, bucketShape, withSum) =>
        {
            var point = new HistogramDataPoint { TimeUnixNano = b.Time, Flags = b.Flags, Count = 9 };
            point.ExplicitBounds.AddRange(bounds);
            int buckets = bucketShape switch { 0 => 0, 1 => bounds.Length + 1, _ => bounds.Length };
            point.BucketCounts.AddRange(Enumerable.Range(1, buckets).Select(i => (ulong)i));
            if (withSum)
            {
                point.Sum = 4.5;
            }

            point.Attributes.AddRange(b.Attributes);
            return point;
        });

    private static readonly Gen<SummaryDataPoint> SummaryPoint = Gen.Select(PointBase, Gen.Double[0, 1].Array[0, 3])
        .Select((b, quantiles) =>
        {
            var point = new SummaryDataPoint { TimeUnixNano = b.Time, Flags = b.Flags, Count = 4, Sum = 2 };
            point.QuantileValues.AddRange(quantiles.Select(q => new SummaryDataPoint.Types.ValueAtQuantile { Quantile = q, Value = q * 3 }));
            point.Attributes.AddRange(b.Attributes);
            return point;
        });

    private static readonly Gen<Metric> AnyMetric = Gen.Select(
            Gen.Int[0, 6],
            Gen.Frequency((6, Gen.OneOf("requests", "latency", "queue.depth")), (1, Gen.Const(""))),
            Gen.OneOf("", "s", "By", "1"),
            Gen.Int[0, 2])
        .SelectMany((kind, name, unit, temporality) => Data(kind, temporality).Select(fill =>
        {
            var metric = new Metric { Name = name, Unit = unit, Description = name.Length > 0 ? "What " + name + " counts" : string.Empty };
            fill(metric);
            return metric;
        }));

    private static readonly Gen<ExportMetricsServiceRequest> Requests = Gen.Select(
            Gen.OneOf("api", "web"),
            Gen.OneOf("", "meter"),
            Gen.OneOf("", "1.0"),
            AnyMetric.Array[1, 6])
        .Select((service, scopeName, scopeVersion, metrics) =>
        {
            var batch = Batch(ServiceResource(service, "shop", "pod-1", Attr("region", "eu")), metrics);
            var scope = batch.Data.ResourceMetrics[0].ScopeMetrics[0];
            scope.Scope = new InstrumentationScope { Name = scopeName, Version = scopeVersion };
            return batch.Data;
        });

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Every_layout_a_parser_accepts_gives_the_requests_of_the_canonical_one() =>
        Fuzzing.RunAsync(Gen.Select(Requests, Gen.Bool, Gen.Int), (request, metadata, seed) =>
        {
            var time = new FakeTimeProvider(At.AddMinutes(1));
            var options = new PrometheusRemoteWriteExporterOptions
            {
                Endpoint = "http://x",
                SendMetadata = metadata,
                DeltaToCumulative = new DeltaToCumulativeOptions { Enabled = true },
            };
            using var canonical = new MetricTranslator(options, time);
            using var rewritten = new MetricTranslator(options, time);
            using var objects = new MetricTranslator(options, time);
            var partitioner = new RequestPartitioner(3);
            var layouts = new MetricsWireLayouts(new Random(seed));
            for (int round = 0; round < 2; round++)
            {
                var canonicalWire = WireRequest.Parser.ParseFrom(request.ToByteArray());
                var rewrittenWire = canonicalWire.Clone();
                foreach (var group in rewrittenWire.Groups)
                {
                    for (int s = 0; s < group.Scopes.Count; s++)
                    {
                        group.Scopes[s] = ByteString.CopyFrom(layouts.Rewrite(group.Scopes[s].Span));
                    }
                }

                var expected = Written(canonical, new MetricsBatch(canonicalWire), partitioner);
                Assert.Equal(expected, Written(rewritten, new MetricsBatch(rewrittenWire), partitioner));
                Assert.Equal(expected, Written(objects, new MetricsBatch(request.Clone()), partitioner));
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }, Fuzzing.Costly);

    /// <summary>A metric's data by kind: gauge, sums (monotonic or not), histogram, summary, exponential histogram.</summary>
    private static Gen<Action<Metric>> Data(int kind, int temporality)
    {
        var aggregation = (AggregationTemporality)temporality;
        return kind switch
        {
            0 => NumberPoint.Array[1, 3].Select<NumberDataPoint[], Action<Metric>>(points => m => m.Gauge = new Gauge { DataPoints = { points } }),
            1 or 2 => NumberPoint.Array[1, 3].Select<NumberDataPoint[], Action<Metric>>(points => m =>
                m.Sum = new Sum { AggregationTemporality = aggregation, IsMonotonic = kind == 1, DataPoints = { points } }),
            3 => HistogramPoint.Array[1, 3].Select<HistogramDataPoint[], Action<Metric>>(points => m =>
                m.Histogram = new Histogram { AggregationTemporality = aggregation, DataPoints = { points } }),
            4 => SummaryPoint.Array[1, 3].Select<SummaryDataPoint[], Action<Metric>>(points => m => m.Summary = new Summary { DataPoints = { points } }),
            5 => Gen.Const<Action<Metric>>(m => m.ExponentialHistogram = new ExponentialHistogram
            {
                AggregationTemporality = aggregation,
                DataPoints = { new ExponentialHistogramDataPoint { Count = 1 } },
            }),
            _ => Gen.Const<Action<Metric>>(_ => { }),
        };
    }

    /// <summary>Each request's shard and uncompressed body, in order, then the drops by reason.</summary>
    private static List<string> Written(MetricTranslator translator, MetricsBatch batch, RequestPartitioner partitioner)
    {
        var requests = new List<ExportRequest>();
        translator.Drops.Clear();
        translator.Translate(batch, partitioner, requests);
        var written = requests.Select(r => $"{r.PartitionKey}: {Convert.ToHexString(Snappy.DecompressToArray(r.Body.ToArray()))}").ToList();
        var drops = translator.Drops;
        written.Add($"drops {drops.NoName} {drops.DeltaTemporality} {drops.DeltaLimit} {drops.ExponentialHistogram} {drops.DuplicateTimestamp}");
        foreach (var sent in requests)
        {
            sent.Complete(DeliveryStatus.Delivered);
        }

        return written;
    }
}
