using Agent.Core.Model;
using Agent.Receivers.Otlp;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Benchmarks.Receivers.Otlp;

/// <summary>
/// The OTLP receiver's wire check of one scope (is it clean: would parsing, id validation and the attribute limits
/// change nothing?) beside Google.Protobuf's parse of the same bytes, for scale. Each benchmark is timed per item
/// (span, data point, log record): a ScopeSpans of 512 spans shaped like the load harness's (HTTP names, ten
/// attributes), a ScopeMetrics of 100 points (sums, gauges, a histogram) and a ScopeLogs of 512 records.
/// </summary>
[MemoryDiagnoser]
public class OtlpWireCheckBenchmarks
{
    private const int Spans = 512;
    private const int Points = 100;
    private const int Records = 512;

    private static readonly OtlpLimitsOptions DefaultLimits = new();
    private static readonly string[] Routes = ["/api/v1/orders/{id}", "/api/v1/carts/{id}/items", "/api/v1/products", "/healthz"];
    private static readonly string[] Methods = ["GET", "GET", "POST", "PUT"];

    private byte[] _spans = [];
    private byte[] _metrics = [];
    private byte[] _logs = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _spans = SpanScope(random).ToByteArray();
        _metrics = MetricScope().ToByteArray();
        _logs = LogScope(random).ToByteArray();
        if (!OtlpWireCheck.IsClean(_spans, Signal.Traces, DefaultLimits) || !OtlpWireCheck.IsClean(_metrics, Signal.Metrics, DefaultLimits) ||
            !OtlpWireCheck.IsClean(_logs, Signal.Logs, DefaultLimits))
        {
            throw new InvalidOperationException("the benchmark's scopes must be clean");
        }
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public bool IsCleanSpans() => OtlpWireCheck.IsClean(_spans, Signal.Traces, DefaultLimits);

    [Benchmark(OperationsPerInvoke = Spans)]
    public ScopeSpans ParseSpans() => ScopeSpans.Parser.ParseFrom(_spans);

    [Benchmark(OperationsPerInvoke = Points)]
    public bool IsCleanMetrics() => OtlpWireCheck.IsClean(_metrics, Signal.Metrics, DefaultLimits);

    [Benchmark(OperationsPerInvoke = Points)]
    public ScopeMetrics ParseMetrics() => ScopeMetrics.Parser.ParseFrom(_metrics);

    [Benchmark(OperationsPerInvoke = Records)]
    public bool IsCleanLogs() => OtlpWireCheck.IsClean(_logs, Signal.Logs, DefaultLimits);

    [Benchmark(OperationsPerInvoke = Records)]
    public ScopeLogs ParseLogs() => ScopeLogs.Parser.ParseFrom(_logs);

    private static ScopeSpans SpanScope(Random random)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "load-generator", Version = "1.0.0" } };
        var traceId = Bytes(random, 16);
        var rootId = Bytes(random, 8);
        for (int i = 0; i < Spans; i++)
        {
            bool root = i % 10 == 0;
            traceId = root ? Bytes(random, 16) : traceId;
            var spanId = Bytes(random, 8);
            string route = Routes[i % Routes.Length];
            string method = Methods[i % Methods.Length];
            scope.Spans.Add(new Span
            {
                TraceId = traceId,
                SpanId = spanId,
                ParentSpanId = root ? ByteString.Empty : rootId,
                Name = $"{method} {route}",
                Kind = root ? Span.Types.SpanKind.Server : Span.Types.SpanKind.Client,
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                EndTimeUnixNano = 1_700_000_000_005_000_000UL + (ulong)i,
                Status = new Status(),
                Attributes =
                {
                    Text("http.request.method", method),
                    Text("http.route", route),
                    Text("url.path", route.Replace("{id}", $"{random.Next(1, 100_000)}", StringComparison.Ordinal)),
                    Number("http.response.status_code", 200),
                    Text("server.address", "shop-backend.shop.svc.cluster.local"),
                    Number("server.port", 8080),
                    Text("network.protocol.version", "1.1"),
                    Text("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"),
                    Number("load_generator.span_seq_num", i),
                    Number("load_generator.trace_seq_num", i / 10),
                },
            });
            rootId = root ? spanId : rootId;
        }

        return scope;
    }

    /// <summary>Five sums and four gauges of ten points each, and one histogram of ten points: 100 points.</summary>
    private static ScopeMetrics MetricScope()
    {
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "load-generator", Version = "1.0.0" } };
        for (int m = 0; m < 10; m++)
        {
            var metric = new Metric { Name = $"shop.requests.metric_{m}", Unit = "1", Description = "requests served" };
            var numbers = new List<NumberDataPoint>();
            var histograms = new List<HistogramDataPoint>();
            for (int p = 0; p < 10; p++)
            {
                KeyValue[] attributes = [Text("http.route", Routes[p % Routes.Length]), Text("http.request.method", Methods[p % Methods.Length]), Number("instance", p)];
                if (m == 9)
                {
                    histograms.Add(new HistogramDataPoint
                    {
                        Attributes = { attributes },
                        TimeUnixNano = 1_700_000_000_000_000_000UL,
                        Count = 55,
                        Sum = 1.5,
                        BucketCounts = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
                        ExplicitBounds = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 },
                    });
                }
                else
                {
                    numbers.Add(new NumberDataPoint { Attributes = { attributes }, TimeUnixNano = 1_700_000_000_000_000_000UL, AsDouble = p * 1.5 });
                }
            }

            if (m < 5)
            {
                metric.Sum = new Sum { DataPoints = { numbers }, IsMonotonic = true, AggregationTemporality = AggregationTemporality.Cumulative };
            }
            else if (m < 9)
            {
                metric.Gauge = new Gauge { DataPoints = { numbers } };
            }
            else
            {
                metric.Histogram = new Histogram { DataPoints = { histograms }, AggregationTemporality = AggregationTemporality.Cumulative };
            }

            scope.Metrics.Add(metric);
        }

        return scope;
    }

    private static ScopeLogs LogScope(Random random)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "load-generator", Version = "1.0.0" } };
        for (int i = 0; i < Records; i++)
        {
            scope.LogRecords.Add(new LogRecord
            {
                TimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                ObservedTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                SeverityNumber = SeverityNumber.Info,
                SeverityText = "INFO",
                Body = new AnyValue { StringValue = $"GET {Routes[i % Routes.Length]} served in {random.Next(1, 500)} ms for user {random.Next(1, 100_000)}" },
                TraceId = Bytes(random, 16),
                SpanId = Bytes(random, 8),
                Attributes = { Text("log.file.name", "app.log"), Text("http.route", Routes[i % Routes.Length]), Number("thread.id", i % 16), Text("logger", "shop.http") },
            });
        }

        return scope;
    }

    private static ByteString Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
