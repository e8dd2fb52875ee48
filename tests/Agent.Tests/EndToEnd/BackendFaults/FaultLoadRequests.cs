using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>OTLP requests whose items carry their ledger number to the backend: in the span id, or in a <c>seq</c> label.</summary>
internal static class FaultLoadRequests
{
    private static readonly byte[] TraceId = Convert.FromHexString("5b8efff798038103d269b633813fc60c");

    /// <summary>Spans <paramref name="first"/> to first + count − 1; span id = number + 1 (an all-zero id is invalid).</summary>
    public static ExportTraceServiceRequest Spans(long first, int count)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "fault-load" } };
        ulong now = Now();
        Span<byte> id = stackalloc byte[8];
        for (long n = first; n < first + count; n++)
        {
            BinaryPrimitives.WriteInt64BigEndian(id, n + 1);
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(TraceId),
                SpanId = ByteString.CopyFrom(id),
                Name = "GET /fault",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = now - 1_000_000,
                EndTimeUnixNano = now,
            });
        }

        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = Resource(), ScopeSpans = { scope } } } };
    }

    /// <summary>One gauge point per number, each its own series (label <c>seq</c>), so each arrives as one sample.</summary>
    public static ExportMetricsServiceRequest Points(long first, int count)
    {
        var gauge = new Gauge();
        ulong now = Now();
        for (long n = first; n < first + count; n++)
        {
            gauge.DataPoints.Add(new NumberDataPoint
            {
                TimeUnixNano = now,
                AsDouble = n,
                Attributes = { new KeyValue { Key = "seq", Value = new AnyValue { StringValue = n.ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
            });
        }

        var metric = new Metric { Name = "fault_load", Gauge = gauge };
        return new ExportMetricsServiceRequest
        {
            ResourceMetrics = { new ResourceMetrics { Resource = Resource(), ScopeMetrics = { new ScopeMetrics { Metrics = { metric } } } } },
        };
    }

    private static Resource Resource() =>
        new() { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "fault-load" } } } };

    private static ulong Now() => (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
