using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Benchmarks.PrometheusRemoteWrite;

/// <summary>
/// The prometheusremotewrite exporter's hot path without the network: 10,000 OTLP data points translated (names,
/// labels, job/instance, scope labels, series hash and shard, staleness tracking) and written as remote-write
/// WriteRequests over the default five shards, snappy-compressed. <c>Numbers</c> is 100 gauges and 100 counters of
/// 50 series each (three point attributes); <c>Histograms</c> is 10,000 histogram points of ten buckets (13 series
/// each). <c>Service</c> is shaped like the load harness's <c>metrics</c> scenario as the batch processor hands it
/// over: 80 requests of one resource and 100 metrics each, one point per metric (seven counters, two gauges and a
/// histogram of ten bounds in every ten), three string attributes from a small set, each request a second later.
/// Per data point (<c>OperationsPerInvoke</c> = the points of a batch), in the steady state: every series already seen.
/// The batches are encoded, as the <c>otlp</c> receiver hands them over (the translator walks their bytes);
/// <c>ServiceObjects</c> is the <c>Service</c> batch decoded, as the host, cgroup and scrape receivers build theirs
/// (the translator reads those objects).
/// </summary>
[MemoryDiagnoser]
public class RemoteWriteEncodeBenchmarks
{
    private const int Points = 10_000;

    /// <summary>The batch processor's default <c>send_batch_size</c> is 8,192: the Service case sends 80 requests of 100.</summary>
    private const int ServicePoints = 8_000;
    private const ulong Time = 1_764_547_200_000_000_000;

    private static readonly RequestPartitioner Shards = new(new RemoteWriteQueueOptions().NumConsumers);

    private readonly List<ExportRequest> _requests = [];
    private MetricsBatch _numbers = null!;
    private MetricsBatch _histograms = null!;
    private MetricsBatch _service = null!;
    private MetricsBatch _serviceObjects = null!;
    private RemoteWriteEncoder _encoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://127.0.0.1:9090/api/v1/write" };
        var telemetry = new ExporterTelemetry(new Agent.Telemetry.PrometheusTelemetryRegistry(withProcessMetrics: false), new ComponentId("prometheusremotewrite"));
        _encoder = new RemoteWriteEncoder(options, telemetry, TimeProvider.System);
        _numbers = Encoded(NumberBatch());
        _histograms = Encoded(HistogramBatch());
        _serviceObjects = ServiceBatch();
        _service = Encoded(_serviceObjects);
    }

    [GlobalCleanup]
    public void Cleanup() => _encoder.Dispose();

    [Benchmark(OperationsPerInvoke = Points)]
    public int Numbers() => Encode(_numbers);

    [Benchmark(OperationsPerInvoke = Points)]
    public int Histograms() => Encode(_histograms);

    [Benchmark(OperationsPerInvoke = ServicePoints)]
    public int Service() => Encode(_service);

    [Benchmark(OperationsPerInvoke = ServicePoints)]
    public int ServiceObjects() => Encode(_serviceObjects);

    /// <summary>
    /// The cases timed by the process's CPU time (40 calls of warm-up, then <paramref name="calls"/>), with the bytes
    /// allocated; only the case named <paramref name="only"/> when given, so that a profiler sees that case alone (and
    /// enough calls that its optimised code outweighs the first tiers).
    /// </summary>
    public static void PrintCpuPerPoint(string? only, int calls)
    {
        var benchmarks = new RemoteWriteEncodeBenchmarks();
        (string Name, Func<int> Run, int Points)[] cases =
        [
            ("Numbers", benchmarks.Numbers, Points),
            ("Histograms", benchmarks.Histograms, Points),
            ("Service", benchmarks.Service, ServicePoints),
            ("ServiceObjects", benchmarks.ServiceObjects, ServicePoints),
        ];
        var selected = only is null ? cases : cases.Where(c => string.Equals(c.Name, only, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (selected.Length == 0)
        {
            Console.Error.WriteLine($"remote-write-cpu has no case named {only}; its cases: {string.Join(", ", cases.Select(c => c.Name))}.");
            Environment.ExitCode = 2;
            return;
        }

        benchmarks.Setup();
        foreach (var (name, run, points) in selected)
        {
            for (int i = 0; i < 40; i++)
            {
                run();
            }

            using var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < calls; i++)
            {
                run();
            }

            process.Refresh();
            double perPoint = (process.TotalProcessorTime - cpu).TotalMicroseconds / (calls * (double)points);
            double bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (calls * (double)points);
            Console.WriteLine($"{name}: {perPoint:F2} µs of CPU per point, {bytes:F1} B allocated per point");
        }

        benchmarks.Cleanup();
    }

    private int Encode(MetricsBatch batch)
    {
        _encoder.Encode(batch, Shards, _requests);
        int bytes = 0;
        foreach (var request in _requests)
        {
            bytes += request.Body.Length;
            request.Complete(DeliveryStatus.Delivered);
        }

        _requests.Clear();
        return bytes;
    }

    /// <summary>The batch as the receiver's pass-through makes it: resources decoded, scope groups the bytes received.</summary>
    private static MetricsBatch Encoded(MetricsBatch decoded) => new(WireRequest.Parser.ParseFrom(decoded.Data.ToByteArray()));

    private static MetricsBatch NumberBatch()
    {
        var scope = Scope();
        for (int m = 0; m < 200; m++)
        {
            bool counter = m % 2 == 1;
            var points = new Google.Protobuf.Collections.RepeatedField<NumberDataPoint>();
            for (int s = 0; s < Points / 200; s++)
            {
                var point = new NumberDataPoint { AsDouble = (m * 1000) + s, TimeUnixNano = Time, StartTimeUnixNano = Time - 60_000_000_000 };
                point.Attributes.Add(Attr("http.request.method", s % 2 == 0 ? "GET" : "POST"));
                point.Attributes.Add(Attr("http.route", $"/api/v1/items/{s}"));
                point.Attributes.Add(Attr("http.response.status_code", 200 + (s % 3)));
                points.Add(point);
            }

            var metric = new Metric { Name = $"app.requests.metric{m}", Unit = counter ? "{request}" : "By" };
            if (counter)
            {
                metric.Sum = new Sum { IsMonotonic = true, AggregationTemporality = AggregationTemporality.Cumulative };
                metric.Sum.DataPoints.AddRange(points);
            }
            else
            {
                metric.Gauge = new Gauge();
                metric.Gauge.DataPoints.AddRange(points);
            }

            scope.Metrics.Add(metric);
        }

        return Wrap(scope);
    }

    private static MetricsBatch HistogramBatch()
    {
        var scope = Scope();
        for (int m = 0; m < 100; m++)
        {
            var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
            for (int s = 0; s < Points / 100; s++)
            {
                var point = new HistogramDataPoint { TimeUnixNano = Time, Count = 100, Sum = 12.5 };
                point.ExplicitBounds.AddRange([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
                point.BucketCounts.AddRange([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
                point.Attributes.Add(Attr("http.request.method", "GET"));
                point.Attributes.Add(Attr("http.route", $"/api/v1/items/{s}"));
                histogram.DataPoints.Add(point);
            }

            scope.Metrics.Add(new Metric { Name = $"http.server.duration{m}", Unit = "s", Histogram = histogram });
        }

        return Wrap(scope);
    }

    private static MetricsBatch ServiceBatch()
    {
        string[] routes = ["/api/v1/orders/{id}", "/api/v1/carts/{id}/items", "/api/v1/products", "/api/v1/users/{id}", "/healthz"];
        string[] methods = ["GET", "POST", "PUT", "DELETE"];
        string[] statuses = ["200", "201", "404", "500"];
        var random = new Random(7);
        var batch = new MetricsBatch();
        const int PerRequest = 100;
        for (int r = 0; r < ServicePoints / PerRequest; r++)
        {
            ulong now = Time + ((ulong)r * 1_000_000_000);
            var scope = Scope();
            for (int i = 0; i < PerRequest; i++)
            {
                var attributes = new KeyValue[]
                {
                    Attr("http.route", routes[random.Next(routes.Length)]),
                    Attr("http.request.method", methods[random.Next(methods.Length)]),
                    Attr("http.response.status_code", statuses[random.Next(statuses.Length)]),
                };
                scope.Metrics.Add((i % 10) switch
                {
                    0 => ServiceHistogram(now, attributes),
                    1 or 2 => ServiceNumber($"shop.queue.depth.{i % 2}", "{item}", gauge: true, now, i, attributes),
                    _ => ServiceNumber($"shop.requests.{i % 7}", "{request}", gauge: false, now, i, attributes),
                });
            }

            batch.Data.ResourceMetrics.Add(Wrap(scope).Data.ResourceMetrics[0]);
        }

        return batch;
    }

    private static Metric ServiceNumber(string name, string unit, bool gauge, ulong now, int value, KeyValue[] attributes)
    {
        var point = new NumberDataPoint { TimeUnixNano = now, StartTimeUnixNano = Time, AsDouble = value };
        point.Attributes.AddRange(attributes);
        var metric = new Metric { Name = name, Unit = unit, Description = "Service metric." };
        if (gauge)
        {
            metric.Gauge = new Gauge { DataPoints = { point } };
        }
        else
        {
            metric.Sum = new Sum { IsMonotonic = true, AggregationTemporality = AggregationTemporality.Cumulative, DataPoints = { point } };
        }

        return metric;
    }

    private static Metric ServiceHistogram(ulong now, KeyValue[] attributes)
    {
        var point = new HistogramDataPoint { TimeUnixNano = now, StartTimeUnixNano = Time, Count = 110, Sum = 15.07 };
        point.ExplicitBounds.AddRange([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
        point.BucketCounts.AddRange([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
        point.Attributes.AddRange(attributes);
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative, DataPoints = { point } };
        return new Metric { Name = "http.server.request.duration", Unit = "s", Description = "Duration of HTTP server requests.", Histogram = histogram };
    }

    private static ScopeMetrics Scope() => new() { Scope = new InstrumentationScope { Name = "checkout", Version = "1.0.0" } };

    private static MetricsBatch Wrap(ScopeMetrics scope)
    {
        var resource = new Resource();
        resource.Attributes.Add(Attr("service.name", "checkout"));
        resource.Attributes.Add(Attr("service.namespace", "shop"));
        resource.Attributes.Add(Attr("service.instance.id", "0b8e5c2a-1111-2222-3333-444455556666"));
        resource.Attributes.Add(Attr("k8s.pod.name", "checkout-7d9f8b6c5-x2x4k"));
        resource.Attributes.Add(Attr("k8s.node.name", "node-3"));
        var group = new ResourceMetrics { Resource = resource };
        group.ScopeMetrics.Add(scope);
        var batch = new MetricsBatch();
        batch.Data.ResourceMetrics.Add(group);
        return batch;
    }

    private static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
