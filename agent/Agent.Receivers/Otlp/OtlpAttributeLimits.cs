using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Applies the receiver's <c>limits</c> to every attribute collection of an export request: resources, scopes,
/// spans with their events and links, log records, metric data points and their exemplars. Where the message has
/// a <c>dropped_attributes_count</c>, the attributes dropped here are added to it.
/// </summary>
internal static class OtlpAttributeLimits
{
    public static AttributeLimiter Apply(ExportTraceServiceRequest request, OtlpLimitsOptions limits) =>
        Walk(request.ResourceSpans, limits, static group => group.Resource, static group => group.ScopeSpans, static scope => scope.Scope, LimitSpans);

    public static AttributeLimiter Apply(ExportLogsServiceRequest request, OtlpLimitsOptions limits) =>
        Walk(request.ResourceLogs, limits, static group => group.Resource, static group => group.ScopeLogs, static scope => scope.Scope, LimitRecords);

    public static AttributeLimiter Apply(ExportMetricsServiceRequest request, OtlpLimitsOptions limits) =>
        Walk(request.ResourceMetrics, limits, static group => group.Resource, static group => group.ScopeMetrics, static scope => scope.Scope, LimitMetrics);

    /// <summary>Limits what one scope holds (its spans, records or metrics).</summary>
    private delegate void ItemsLimit<in TScope>(ref AttributeLimiter limiter, TScope scope);

    /// <summary>
    /// The walk the three signals share: every resource, every scope, then the scope's items. The delegates are
    /// static, so the walk allocates nothing.
    /// </summary>
    private static AttributeLimiter Walk<TGroup, TScope>(
        RepeatedField<TGroup> groups,
        OtlpLimitsOptions limits,
        Func<TGroup, Resource?> resourceOf,
        Func<TGroup, RepeatedField<TScope>> scopesOf,
        Func<TScope, InstrumentationScope?> scopeOf,
        ItemsLimit<TScope> limitItems)
    {
        var limiter = new AttributeLimiter(limits.MaxAttributes, limits.MaxAttributeValueLength);
        if (limiter.IsUnlimited)
        {
            return limiter;
        }

        for (int g = 0; g < groups.Count; g++)
        {
            if (resourceOf(groups[g]) is { } resource)
            {
                resource.DroppedAttributesCount = AttributeLimiter.Add(resource.DroppedAttributesCount, limiter.Limit(resource.Attributes));
            }

            var scopes = scopesOf(groups[g]);
            for (int s = 0; s < scopes.Count; s++)
            {
                if (scopeOf(scopes[s]) is { } scope)
                {
                    scope.DroppedAttributesCount = AttributeLimiter.Add(scope.DroppedAttributesCount, limiter.Limit(scope.Attributes));
                }

                limitItems(ref limiter, scopes[s]);
            }
        }

        return limiter;
    }

    private static void LimitSpans(ref AttributeLimiter limiter, ScopeSpans scope)
    {
        for (int i = 0; i < scope.Spans.Count; i++)
        {
            var span = scope.Spans[i];
            span.DroppedAttributesCount = AttributeLimiter.Add(span.DroppedAttributesCount, limiter.Limit(span.Attributes));
            for (int e = 0; e < span.Events.Count; e++)
            {
                var spanEvent = span.Events[e];
                spanEvent.DroppedAttributesCount = AttributeLimiter.Add(spanEvent.DroppedAttributesCount, limiter.Limit(spanEvent.Attributes));
            }

            for (int l = 0; l < span.Links.Count; l++)
            {
                var link = span.Links[l];
                link.DroppedAttributesCount = AttributeLimiter.Add(link.DroppedAttributesCount, limiter.Limit(link.Attributes));
            }
        }
    }

    private static void LimitRecords(ref AttributeLimiter limiter, ScopeLogs scope)
    {
        for (int r = 0; r < scope.LogRecords.Count; r++)
        {
            var record = scope.LogRecords[r];
            record.DroppedAttributesCount = AttributeLimiter.Add(record.DroppedAttributesCount, limiter.Limit(record.Attributes));
        }
    }

    private static void LimitMetrics(ref AttributeLimiter limiter, ScopeMetrics scope)
    {
        for (int m = 0; m < scope.Metrics.Count; m++)
        {
            var metric = scope.Metrics[m];

            // Metric metadata and data points have no dropped count: what goes is only counted.
            limiter.Limit(metric.Metadata);
            LimitPoints(ref limiter, metric);
        }
    }

    private static void LimitPoints(ref AttributeLimiter limiter, Metric metric)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                LimitPoints(ref limiter, metric.Gauge.DataPoints, static p => p.Attributes, static p => p.Exemplars);
                break;
            case Metric.DataOneofCase.Sum:
                LimitPoints(ref limiter, metric.Sum.DataPoints, static p => p.Attributes, static p => p.Exemplars);
                break;
            case Metric.DataOneofCase.Histogram:
                LimitPoints(ref limiter, metric.Histogram.DataPoints, static p => p.Attributes, static p => p.Exemplars);
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                LimitPoints(ref limiter, metric.ExponentialHistogram.DataPoints, static p => p.Attributes, static p => p.Exemplars);
                break;
            case Metric.DataOneofCase.Summary:
                LimitPoints(ref limiter, metric.Summary.DataPoints, static p => p.Attributes, static _ => null);
                break;
        }
    }

    /// <summary>The data points of one metric and their exemplars (a summary's points have none).</summary>
    private static void LimitPoints<TPoint>(
        ref AttributeLimiter limiter,
        RepeatedField<TPoint> points,
        Func<TPoint, RepeatedField<KeyValue>> attributesOf,
        Func<TPoint, RepeatedField<Exemplar>?> exemplarsOf)
    {
        for (int p = 0; p < points.Count; p++)
        {
            limiter.Limit(attributesOf(points[p]));
            if (exemplarsOf(points[p]) is { } exemplars)
            {
                LimitExemplars(ref limiter, exemplars);
            }
        }
    }

    private static void LimitExemplars(ref AttributeLimiter limiter, RepeatedField<Exemplar> exemplars)
    {
        for (int x = 0; x < exemplars.Count; x++)
        {
            var exemplar = exemplars[x];
            limiter.Limit(exemplar.FilteredAttributes);
        }
    }
}
