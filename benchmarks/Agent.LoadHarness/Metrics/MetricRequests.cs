using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

using static Agent.LoadHarness.Otlp.OtlpAttributes;

namespace Agent.LoadHarness.Metrics;

/// <summary>
/// Builds OTLP metric export requests shaped like an instrumented service's periodic export: one resource, and
/// per request the same mix of points (seven cumulative monotonic sums, two gauges and one explicit-bucket
/// histogram in every ten), each with three attributes from a bounded set so that the series repeat as they do in
/// a real service. Within a request no two points of one metric share their attributes (as in an SDK's export, and
/// as a remote-write exporter must drop a second sample of one series at one timestamp), as long as a metric has
/// at most as many points as there are attribute sets. Every request has the same shape, so the samples a
/// remote-write sink should see per point are known.
/// </summary>
internal static class MetricRequests
{
    private const int HistogramEvery = 10;

    /// <summary>Coprime with <see cref="AttributeSets"/>: stepping by it visits every set before any comes again.</summary>
    private const int AttributeStep = 37;

    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private static readonly string[] Routes = ["/api/v1/orders/{id}", "/api/v1/carts/{id}/items", "/api/v1/products", "/api/v1/users/{id}", "/healthz"];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    private static readonly string[] Statuses = ["200", "201", "404", "500"];

    private static readonly int AttributeSets = Routes.Length * Methods.Length * Statuses.Length;

    /// <summary>Remote-write samples per OTLP point, averaged over a request: 1 per number point, buckets + sum + count per histogram.</summary>
    public static double SamplesPerPoint(int pointsPerRequest)
    {
        int histograms = pointsPerRequest / HistogramEvery;
        int numbers = pointsPerRequest - histograms;
        return (numbers + histograms * (Bounds.Length + 1 + 2)) / (double)pointsPerRequest;
    }

    /// <summary>
    /// <paramref name="count"/> distinct requests of <paramref name="pointsPerRequest"/> points (a multiple of ten),
    /// already encoded so that sending them costs the generator almost nothing.
    /// </summary>
    public static byte[][] Encode(int count, int pointsPerRequest, int seed)
    {
        if (pointsPerRequest % HistogramEvery != 0)
        {
            throw new HarnessException($"--batch: points per request must be a multiple of {HistogramEvery}");
        }

        var random = new Random(seed);
        ulong start = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
        var requests = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            ulong now = start + (ulong)i * 1_000_000_000;
            requests[i] = Build(random, pointsPerRequest, start, now).ToByteArray();
        }

        return requests;
    }

    private static ExportMetricsServiceRequest Build(Random random, int points, ulong start, ulong now)
    {
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "load-generator", Version = "1.0.0" } };
        var sets = new AttributeSetCursor(random);
        for (int i = 0; i < points; i++)
        {
            scope.Metrics.Add((i % HistogramEvery) switch
            {
                0 => Histogram(random, sets, start, now),
                1 or 2 => Gauge(random, sets, i, now),
                _ => Counter(random, sets, i, start, now),
            });
        }

        var resource = new ResourceMetrics
        {
            Resource = new Resource
            {
                Attributes =
                {
                    Text("service.name", "shop-backend"),
                    Text("service.namespace", "shop"),
                    Text("service.instance.id", "5f0c7c2e-1f4b-4d7a-9a0e-3c2b1d4e5f60"),
                    Text("host.name", "node-1"),
                },
            },
        };
        resource.ScopeMetrics.Add(scope);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resource);
        return request;
    }

    private static Metric Counter(Random random, AttributeSetCursor sets, int index, ulong start, ulong now)
    {
        string name = $"shop.requests.{index % 7}";
        var point = new NumberDataPoint { StartTimeUnixNano = start, TimeUnixNano = now, AsDouble = random.Next(1, 1_000_000) };
        AddAttributes(point.Attributes, sets.Next(name));
        var sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true };
        sum.DataPoints.Add(point);
        return new Metric { Name = name, Unit = "{request}", Description = "Requests handled.", Sum = sum };
    }

    private static Metric Gauge(Random random, AttributeSetCursor sets, int index, ulong now)
    {
        string name = $"shop.queue.depth.{index % 2}";
        var point = new NumberDataPoint { TimeUnixNano = now, AsDouble = random.NextDouble() * 100 };
        AddAttributes(point.Attributes, sets.Next(name));
        var gauge = new Gauge();
        gauge.DataPoints.Add(point);
        return new Metric { Name = name, Unit = "{item}", Description = "Items waiting.", Gauge = gauge };
    }

    private static Metric Histogram(Random random, AttributeSetCursor sets, ulong start, ulong now)
    {
        const string Name = "http.server.request.duration";
        var point = new HistogramDataPoint { StartTimeUnixNano = start, TimeUnixNano = now };
        point.ExplicitBounds.Add(Bounds);
        ulong total = 0;
        for (int b = 0; b <= Bounds.Length; b++)
        {
            ulong inBucket = (ulong)random.Next(0, 500);
            point.BucketCounts.Add(inBucket);
            total += inBucket;
        }

        point.Count = total;
        point.Sum = total * 0.137;
        AddAttributes(point.Attributes, sets.Next(Name));
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        histogram.DataPoints.Add(point);
        return new Metric { Name = Name, Unit = "s", Description = "Duration of HTTP server requests.", Histogram = histogram };
    }

    /// <summary>Attribute set <paramref name="set"/> of the <see cref="AttributeSets"/>: one route, method and status.</summary>
    private static void AddAttributes(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, int set)
    {
        attributes.Add(Text("http.route", Routes[set % Routes.Length]));
        attributes.Add(Text("http.request.method", Methods[set / Routes.Length % Methods.Length]));
        attributes.Add(Text("http.response.status_code", Statuses[set / (Routes.Length * Methods.Length)]));
    }

    /// <summary>
    /// Per metric name, attribute sets from a random start, stepping through all of them before one repeats: the
    /// points of one metric in one request have distinct attributes.
    /// </summary>
    private sealed class AttributeSetCursor(Random random)
    {
        private readonly Dictionary<string, int> _next = [];

        public int Next(string metric)
        {
            int set = _next.TryGetValue(metric, out int next) ? next : random.Next(AttributeSets);
            _next[metric] = (set + AttributeStep) % AttributeSets;
            return set;
        }
    }
}
