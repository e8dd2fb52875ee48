using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Drops the items whose ids have the wrong length (a trace id is 16 bytes, a span id 8), which backends refuse
/// and which would otherwise make a whole downstream batch fail. The sender hears about them as a partial success.
/// </summary>
internal static class OtlpIdValidation
{
    public const int TraceIdLength = 16;
    public const int SpanIdLength = 8;

    public static int RemoveInvalid(ExportTraceServiceRequest request)
    {
        int removed = 0;
        foreach (var group in request.ResourceSpans)
        {
            foreach (var scope in group.ScopeSpans)
            {
                removed += RemoveWhere(scope.Spans, static span =>
                    span.TraceId.Length != TraceIdLength || span.SpanId.Length != SpanIdLength ||
                    !IsOptional(span.ParentSpanId, SpanIdLength));
            }
        }

        return removed;
    }

    public static int RemoveInvalid(ExportLogsServiceRequest request)
    {
        int removed = 0;
        foreach (var group in request.ResourceLogs)
        {
            foreach (var scope in group.ScopeLogs)
            {
                removed += RemoveWhere(scope.LogRecords, static record =>
                    !IsOptional(record.TraceId, TraceIdLength) || !IsOptional(record.SpanId, SpanIdLength));
            }
        }

        return removed;
    }

    /// <summary>Empty (not set) or exactly the expected length.</summary>
    private static bool IsOptional(ByteString id, int length) => id.Length == 0 || id.Length == length;

    private static int RemoveWhere<T>(RepeatedField<T> items, Func<T, bool> invalid)
    {
        // The common case has nothing to remove and costs one pass without copying.
        int first = -1;
        for (int i = 0; i < items.Count; i++)
        {
            if (invalid(items[i]))
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            return 0;
        }

        var kept = items.Take(first).Concat(items.Skip(first).Where(item => !invalid(item))).ToList();
        int removed = items.Count - kept.Count;
        items.Clear();
        items.AddRange(kept);
        return removed;
    }
}
