using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>Small OTLP requests for the raw-bytes tests.</summary>
internal static class OtlpSamples
{
    public static readonly byte[] TraceId = Convert.FromHexString("5b8efff798038103d269b633813fc60c");
    public static readonly byte[] SpanId = Convert.FromHexString("eee19b7ec3c1b174");

    public static ExportTraceServiceRequest Traces(int spans = 1, string service = "checkout")
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "tests" } };
        for (int i = 0; i < spans; i++)
        {
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(TraceId),
                SpanId = ByteString.CopyFrom(SpanIdNumber(i)),
                Name = $"span-{i}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                EndTimeUnixNano = 1_700_000_001_000_000_000UL + (ulong)i,
            });
        }

        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
            ScopeSpans = { scope },
        });
        return request;
    }

    public static ExportLogsServiceRequest Logs(string body = "hello")
    {
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(new ResourceLogs
        {
            ScopeLogs =
            {
                new ScopeLogs
                {
                    LogRecords =
                    {
                        new LogRecord
                        {
                            TimeUnixNano = 1_700_000_000_000_000_000UL,
                            SeverityNumber = SeverityNumber.Info,
                            Body = new AnyValue { StringValue = body },
                            TraceId = ByteString.CopyFrom(TraceId),
                            SpanId = ByteString.CopyFrom(SpanId),
                        },
                    },
                },
            },
        });
        return request;
    }

    /// <summary>A span id that differs per index and is never all zeros.</summary>
    public static byte[] SpanIdNumber(int i)
    {
        var id = (byte[])SpanId.Clone();
        id[7] = (byte)(id[7] + i);
        id[6] = (byte)(id[6] + (i >> 8));
        return id;
    }
}
