using System.Text;
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

namespace Agent.Tests.Core.Model;

/// <summary>
/// Real OTLP batches for tests: each group is one resource (<c>service.name</c> = the group's name) with one scope,
/// and every item is named <c>{service}-{index}</c>, so order and membership can be checked after merges and splits.
/// </summary>
internal static class TestBatches
{
    public static Resource ResourceOf(string service) => new()
    {
        Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } },
    };

    public static TracesBatch Traces(params (string Service, int Spans)[] groups)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var (service, spans) in groups)
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "scope-" + service } };
            for (int i = 0; i < spans; i++)
            {
                scope.Spans.Add(new Span
                {
                    Name = $"{service}-{i}",
                    TraceId = ByteString.CopyFrom(new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte)i }),
                    SpanId = ByteString.CopyFrom(new byte[8] { 1, 2, 3, 4, 5, 6, 7, (byte)i }),
                });
            }

            request.ResourceSpans.Add(new ResourceSpans { Resource = ResourceOf(service), ScopeSpans = { scope } });
        }

        return new TracesBatch(request);
    }

    /// <summary>One gauge per group with <c>Points</c> data points whose values are 0, 1, 2...</summary>
    public static MetricsBatch Metrics(params (string Service, int Points)[] groups)
    {
        var request = new ExportMetricsServiceRequest();
        foreach (var (service, points) in groups)
        {
            var gauge = new Gauge();
            for (int i = 0; i < points; i++)
            {
                gauge.DataPoints.Add(new NumberDataPoint { AsInt = i, TimeUnixNano = 1_000_000_000UL + (ulong)i });
            }

            var metric = new Metric { Name = $"{service}.gauge", Unit = "1", Gauge = gauge };
            request.ResourceMetrics.Add(new ResourceMetrics
            {
                Resource = ResourceOf(service),
                ScopeMetrics = { new ScopeMetrics { Scope = new InstrumentationScope { Name = "scope-" + service }, Metrics = { metric } } },
            });
        }

        return new MetricsBatch(request);
    }

    public static LogsBatch Logs(params (string Service, int Records)[] groups)
    {
        var request = new ExportLogsServiceRequest();
        foreach (var (service, records) in groups)
        {
            var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "scope-" + service } };
            for (int i = 0; i < records; i++)
            {
                scope.LogRecords.Add(new LogRecord { Body = new AnyValue { StringValue = $"{service}-{i}" } });
            }

            request.ResourceLogs.Add(new ResourceLogs { Resource = ResourceOf(service), ScopeLogs = { scope } });
        }

        return new LogsBatch(request);
    }

    /// <summary>A raw chunk of <paramref name="lines"/> lines <c>{service}-{index}</c>, as the pod-log tailer fills it.</summary>
    public static RawLogChunk RawChunk(string service, int lines)
    {
        var chunk = new RawLogChunk(ResourceOf(service), bufferSize: 256, entryCapacity: 4);
        for (int i = 0; i < lines; i++)
        {
            var text = Encoding.UTF8.GetBytes($"{service}-{i}");
            int offset = chunk.Length;
            text.CopyTo(chunk.GetSpan(text.Length));
            chunk.Advance(text.Length);
            chunk.Add(new RawLogEntry
            {
                TimeUnixNano = 1_000_000_000L + i,
                Offset = offset,
                Length = text.Length,
                Stream = LogStream.Stdout,
                LevelOffset = -1,
                TraceIdOffset = -1,
                SpanIdOffset = -1,
            });
        }

        return chunk;
    }

    public static List<string> SpanNames(TracesBatch batch) =>
        batch.Data.ResourceSpans.SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).ToList();

    /// <summary>Each data point as <c>{metric name}#{value}</c>, in order.</summary>
    public static List<string> PointNames(MetricsBatch batch) =>
        batch.Data.ResourceMetrics.SelectMany(g => g.ScopeMetrics).SelectMany(s => s.Metrics)
            .SelectMany(m => m.Gauge.DataPoints.Select(p => $"{m.Name}#{p.AsInt}")).ToList();

    /// <summary>The bodies of the OTLP records, then the lines of the raw chunks, in order.</summary>
    public static List<string> LogLines(LogsBatch batch)
    {
        var lines = batch.Data.ResourceLogs.SelectMany(g => g.ScopeLogs).SelectMany(s => s.LogRecords)
            .Select(r => r.Body.StringValue).ToList();
        foreach (var chunk in batch.Raw)
        {
            foreach (var entry in chunk.Entries)
            {
                lines.Add(Encoding.UTF8.GetString(chunk.Line(entry)));
            }
        }

        return lines;
    }

    public static string? Attribute(Resource resource, string key) =>
        resource.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    /// <summary>The status of a notifier that must already have resolved.</summary>
    public static DeliveryStatus StatusOf(BatchNotifier notifier)
    {
        Assert.True(notifier.IsCompleted, "the notifier has not resolved");
        return notifier.Completion.GetAwaiter().GetResult();
    }

    public static BatchNotifier Notify(Batch batch)
    {
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        return notifier;
    }
}
