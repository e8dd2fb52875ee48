using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// OTLP/JSON writes trace and span ids as hex, where the protobuf JSON mapping expects base64. The protobuf
/// parser reads the hex text as base64 (every hex digit is a base64 digit, and id lengths are multiples of four),
/// so encoding those bytes back to base64 gives the original hex text exactly, which is then decoded as hex.
/// </summary>
internal static class OtlpJsonIds
{
    public static void Fix(ExportTraceServiceRequest request)
    {
        foreach (var group in request.ResourceSpans)
        {
            foreach (var scope in group.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    span.TraceId = FromHex(span.TraceId);
                    span.SpanId = FromHex(span.SpanId);
                    span.ParentSpanId = FromHex(span.ParentSpanId);
                    foreach (var link in span.Links)
                    {
                        link.TraceId = FromHex(link.TraceId);
                        link.SpanId = FromHex(link.SpanId);
                    }
                }
            }
        }
    }

    public static void Fix(ExportLogsServiceRequest request)
    {
        foreach (var group in request.ResourceLogs)
        {
            foreach (var scope in group.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    record.TraceId = FromHex(record.TraceId);
                    record.SpanId = FromHex(record.SpanId);
                }
            }
        }
    }

    public static void Fix(ExportMetricsServiceRequest request)
    {
        foreach (var group in request.ResourceMetrics)
        {
            foreach (var scope in group.ScopeMetrics)
            {
                foreach (var metric in scope.Metrics)
                {
                    var exemplars = metric.DataCase switch
                    {
                        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.SelectMany(p => p.Exemplars),
                        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.SelectMany(p => p.Exemplars),
                        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.SelectMany(p => p.Exemplars),
                        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.SelectMany(p => p.Exemplars),
                        _ => [],
                    };
                    foreach (var exemplar in exemplars)
                    {
                        exemplar.TraceId = FromHex(exemplar.TraceId);
                        exemplar.SpanId = FromHex(exemplar.SpanId);
                    }
                }
            }
        }
    }

    private static ByteString FromHex(ByteString misread)
    {
        if (misread.IsEmpty)
        {
            return misread;
        }

        try
        {
            return UnsafeByteOperations.UnsafeWrap(Convert.FromHexString(misread.ToBase64()));
        }
        catch (FormatException ex)
        {
            throw new MalformedRequestException("trace and span ids must be hex strings in OTLP/JSON", ex);
        }
    }
}
