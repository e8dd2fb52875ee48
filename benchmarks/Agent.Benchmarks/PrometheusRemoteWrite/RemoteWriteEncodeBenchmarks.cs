using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.PrometheusRemoteWrite;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Benchmarks.PrometheusRemoteWrite;

/// <summary>
/// The prometheusremotewrite exporter's hot path without the network: 10,000 OTLP data points translated (names,
/// labels, job/instance, scope labels, series hash and shard, staleness tracking) and written as remote-write
/// WriteRequests over the default five shards, snappy-compressed. <c>Numbers</c> is 100 gauges and 100 counters of
/// 50 series each (three point attributes); <c>Histograms</c> is 10,000 histogram points of ten buckets (13 series
/// each). Per data point (<c>OperationsPerInvoke = 10000</c>), in the steady state: every series already seen.
/// </summary>
[MemoryDiagnoser]
public class RemoteWriteEncodeBenchmarks
{
    private const int Points = 10_000;
    private const ulong Time = 1_764_547_200_000_000_000;

    private static readonly RequestPartitioner Shards = new(new RemoteWriteQueueOptions().NumConsumers);

    private readonly List<ExportRequest> _requests = [];
    private MetricsBatch _numbers = null!;
    private MetricsBatch _histograms = null!;
    private RemoteWriteEncoder _encoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new PrometheusRemoteWriteExporterOptions { Endpoint = "http://127.0.0.1:9090/api/v1/write" };
        var telemetry = new ExporterTelemetry(new Agent.Telemetry.PrometheusTelemetryRegistry(withProcessMetrics: false), new ComponentId("prometheusremotewrite"));
        _encoder = new RemoteWriteEncoder(options, telemetry, TimeProvider.System);
        _numbers = NumberBatch();
        _histograms = HistogramBatch();
    }

    [GlobalCleanup]
    public void Cleanup() => _encoder.Dispose();

    [Benchmark(OperationsPerInvoke = Points)]
    public int Numbers() => Encode(_numbers);

    [Benchmark(OperationsPerInvoke = Points)]
    public int Histograms() => Encode(_histograms);

    /// <summary>The two cases timed by the process's CPU time (40 calls of warm-up, then 150), with the bytes allocated.</summary>
    public static void PrintCpuPerPoint()
    {
        var benchmarks = new RemoteWriteEncodeBenchmarks();
        benchmarks.Setup();
        foreach (var (name, run) in new (string, Func<int>)[] { ("Numbers", benchmarks.Numbers), ("Histograms", benchmarks.Histograms) })
        {
            for (int i = 0; i < 40; i++)
            {
                run();
            }

            using var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            const int Calls = 150;
            for (int i = 0; i < Calls; i++)
            {
                run();
            }

            process.Refresh();
            double perPoint = (process.TotalProcessorTime - cpu).TotalMicroseconds / (Calls * (double)Points);
            double bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (Calls * (double)Points);
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
