using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Drops the items whose ids have the wrong length (a trace id is 16 bytes, a span id 8), which backends refuse
/// and which would otherwise make a whole downstream batch fail. The sender hears about them as a partial success.
/// Ids that only point elsewhere (a span link's, an exemplar's) get the same check, but only the link or exemplar
/// goes: the span or data point holding it is kept.
/// </summary>
internal static class OtlpIdValidation
{
    public const int TraceIdLength = 16;
    public const int SpanIdLength = 8;

    public static int RemoveInvalid(ExportTraceServiceRequest request) =>
        SumOverScopes(request.ResourceSpans, static group => group.ScopeSpans, static scope => RemoveWhere(scope.Spans, static span =>
            span.TraceId.Length != TraceIdLength || span.SpanId.Length != SpanIdLength || !IsOptional(span.ParentSpanId, SpanIdLength)));

    public static int RemoveInvalid(ExportLogsServiceRequest request) =>
        SumOverScopes(request.ResourceLogs, static group => group.ScopeLogs, static scope => RemoveWhere(scope.LogRecords, static record =>
            !OptionalIdsValid(record.TraceId, record.SpanId)));

    /// <summary>Removes span links with an id of the wrong length, counting them in the span's dropped_links_count.</summary>
    public static int RemoveInvalidLinks(ExportTraceServiceRequest request) =>
        SumOverScopes(request.ResourceSpans, static group => group.ScopeSpans, static scope => scope.Spans.Sum(static span =>
        {
            int dropped = RemoveWhere(span.Links, static link => !OptionalIdsValid(link.TraceId, link.SpanId));
            span.DroppedLinksCount = AttributeLimiter.Add(span.DroppedLinksCount, dropped);
            return dropped;
        }));

    /// <summary>Removes exemplars with an id of the wrong length from every data point that has exemplars.</summary>
    public static int RemoveInvalidExemplars(ExportMetricsServiceRequest request) =>
        SumOverScopes(request.ResourceMetrics, static group => group.ScopeMetrics, static scope => scope.Metrics.Sum(static metric => metric.DataCase switch
        {
            Metric.DataOneofCase.Gauge => RemoveInvalidExemplars(metric.Gauge.DataPoints, static p => p.Exemplars),
            Metric.DataOneofCase.Sum => RemoveInvalidExemplars(metric.Sum.DataPoints, static p => p.Exemplars),
            Metric.DataOneofCase.Histogram => RemoveInvalidExemplars(metric.Histogram.DataPoints, static p => p.Exemplars),
            Metric.DataOneofCase.ExponentialHistogram => RemoveInvalidExemplars(metric.ExponentialHistogram.DataPoints, static p => p.Exemplars),
            _ => 0,
        }));

    /// <summary>What <paramref name="count"/> gives for every scope group of every resource group, added up.</summary>
    private static int SumOverScopes<TGroup, TScope>(IEnumerable<TGroup> groups, Func<TGroup, IEnumerable<TScope>> scopes, Func<TScope, int> count)
    {
        int total = 0;
        foreach (var group in groups)
        {
            foreach (var scope in scopes(group))
            {
                total += count(scope);
            }
        }

        return total;
    }

    private static int RemoveInvalidExemplars<TPoint>(RepeatedField<TPoint> points, Func<TPoint, RepeatedField<Exemplar>> exemplars)
    {
        int removed = 0;
        foreach (var point in points)
        {
            removed += RemoveWhere(exemplars(point), static exemplar => !OptionalIdsValid(exemplar.TraceId, exemplar.SpanId));
        }

        return removed;
    }

    /// <summary>A trace id and a span id that may be unset (a log record's, a link's, an exemplar's) and otherwise are of their length.</summary>
    private static bool OptionalIdsValid(ByteString traceId, ByteString spanId) =>
        IsOptional(traceId, TraceIdLength) && IsOptional(spanId, SpanIdLength);

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
