using Agent.Core.Delivery;
using Agent.Core.Model;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Exporters;

/// <summary>Realistic OTLP payloads (resources, scopes, attributes of several types, ids) and batches that carry a notifier.</summary>
public static class OtlpSamples
{
    private const ulong Start = 1_717_000_000_000_000_000;

    public static ExportTraceServiceRequest Traces(int spans, string service = "checkout", int padding = 0)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "shop.tracer", Version = "1.2.0" } };
        for (int i = 0; i < spans; i++)
        {
            var span = new Span
            {
                TraceId = ByteString.CopyFrom(Id(16, i)),
                SpanId = ByteString.CopyFrom(Id(8, i)),
                ParentSpanId = i == 0 ? ByteString.Empty : ByteString.CopyFrom(Id(8, 0)),
                Name = $"GET /cart/{i}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = Start + ((ulong)i * 1_000_000),
                EndTimeUnixNano = Start + ((ulong)i * 1_000_000) + 2_500_000,
                Status = new Status { Code = i % 5 == 4 ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Ok },
            };
            span.Attributes.Add(Attribute("http.request.method", "GET"));
            span.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
            if (padding > 0)
            {
                span.Attributes.Add(Attribute("padding", new string('x', padding)));
            }

            span.Events.Add(new Span.Types.Event { Name = "cache.miss", TimeUnixNano = Start + 1000 });
            scope.Spans.Add(span);
        }

        var group = new ResourceSpans { Resource = Resource(service), ScopeSpans = { scope }, SchemaUrl = "https://opentelemetry.io/schemas/1.26.0" };
        return new ExportTraceServiceRequest { ResourceSpans = { group } };
    }

    public static ExportMetricsServiceRequest Metrics(int points)
    {
        var sum = new Metric { Name = "http.server.requests", Unit = "{request}", Sum = new Sum { IsMonotonic = true, AggregationTemporality = AggregationTemporality.Cumulative } };
        for (int i = 0; i < points; i++)
        {
            var point = new NumberDataPoint { AsInt = 10 + i, StartTimeUnixNano = Start, TimeUnixNano = Start + (ulong)i };
            point.Attributes.Add(Attribute("route", $"/r{i}"));
            sum.Sum.DataPoints.Add(point);
        }

        var histogram = new Metric
        {
            Name = "http.server.duration",
            Unit = "ms",
            Histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta },
        };
        histogram.Histogram.DataPoints.Add(new HistogramDataPoint
        {
            Count = 3,
            Sum = 12.5,
            BucketCounts = { 1, 2, 0 },
            ExplicitBounds = { 5, 10 },
            TimeUnixNano = Start,
        });
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "shop.meter" }, Metrics = { sum, histogram } };
        return new ExportMetricsServiceRequest { ResourceMetrics = { new ResourceMetrics { Resource = Resource("checkout"), ScopeMetrics = { scope } } } };
    }

    public static ExportLogsServiceRequest Logs(int records)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "shop.logger" } };
        for (int i = 0; i < records; i++)
        {
            var record = new LogRecord
            {
                TimeUnixNano = Start + (ulong)i,
                ObservedTimeUnixNano = Start + (ulong)i + 5,
                SeverityNumber = SeverityNumber.Warn,
                SeverityText = "WARN",
                Body = new AnyValue { StringValue = $"payment retry {i}" },
                TraceId = ByteString.CopyFrom(Id(16, i)),
                SpanId = ByteString.CopyFrom(Id(8, i)),
            };
            record.Attributes.Add(Attribute("order.id", $"o-{i}"));
            scope.LogRecords.Add(record);
        }

        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = Resource("payments"), ScopeLogs = { scope } } } };
    }

    /// <summary>A batch whose notifier the test keeps, to learn how the exporter finished with it.</summary>
    public static (TracesBatch Batch, BatchNotifier Notifier) TracesBatch(int spans, int padding = 0)
    {
        var batch = new TracesBatch(Traces(spans, padding: padding));
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        return (batch, notifier);
    }

    public static (MetricsBatch Batch, BatchNotifier Notifier) MetricsBatch(int points)
    {
        var batch = new MetricsBatch(Metrics(points));
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        return (batch, notifier);
    }

    public static (LogsBatch Batch, BatchNotifier Notifier) LogsBatch(int records)
    {
        var batch = new LogsBatch(Logs(records));
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        return (batch, notifier);
    }

    /// <summary>A unique exporter name, so the process-wide self-metrics of parallel tests do not mix.</summary>
    public static Agent.Core.Components.ComponentId UniqueId(string type) => new(type, Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Waits for the notifier with a generous deadline, so a stuck exporter fails the test instead of hanging it.</summary>
    public static Task<DeliveryStatus> Outcome(this BatchNotifier notifier, int seconds = 20) =>
        notifier.Completion.WaitAsync(TimeSpan.FromSeconds(seconds));

    private static Resource Resource(string service)
    {
        var resource = new Resource();
        resource.Attributes.Add(Attribute("service.name", service));
        resource.Attributes.Add(Attribute("k8s.namespace.name", "shop"));
        resource.Attributes.Add(new KeyValue { Key = "host.cpu.count", Value = new AnyValue { IntValue = 4 } });
        return resource;
    }

    private static KeyValue Attribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static byte[] Id(int length, int seed)
    {
        var id = new byte[length];
        for (int i = 0; i < length; i++)
        {
            id[i] = (byte)(seed + i + 1);
        }

        return id;
    }
}
