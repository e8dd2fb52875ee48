using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// Writes the series as OTLP, one resource group per tracked resource with the <c>calls</c> sum and the
/// <c>duration</c> histogram, both cumulative: each point carries its series' totals since its start time. Everything
/// written is a copy, since the request is handed over to the metrics pipelines.
/// </summary>
internal static class SpanMetricsWriter
{
    /// <summary>The instrumentation scope the Collector's connector writes.</summary>
    public const string ScopeName = "spanmetricsconnector";

    /// <summary>The request for every series at <paramref name="nowUnixNano"/>; null when there are none yet.</summary>
    public static ExportMetricsServiceRequest? Write(SpanMetricsPlan plan, SpanAggregator aggregator, ulong nowUnixNano)
    {
        var request = new ExportMetricsServiceRequest();
        foreach (var resource in aggregator.Resources)
        {
            var calls = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true };
            var durations = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
            foreach (var series in resource.Series)
            {
                calls.DataPoints.Add(CallsPoint(series, nowUnixNano));
                if (plan.HistogramEnabled)
                {
                    durations.DataPoints.Add(DurationPoint(plan, series, nowUnixNano));
                }
            }

            var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = ScopeName } };
            scope.Metrics.Add(new Metric { Name = plan.CallsName, Sum = calls });
            if (plan.HistogramEnabled)
            {
                scope.Metrics.Add(new Metric { Name = plan.DurationName, Unit = plan.Unit, Histogram = durations });
            }

            request.ResourceMetrics.Add(new ResourceMetrics { Resource = resource.Resource.Clone(), ScopeMetrics = { scope } });
        }

        return request.ResourceMetrics.Count == 0 ? null : request;
    }

    private static NumberDataPoint CallsPoint(SpanSeries series, ulong nowUnixNano)
    {
        var point = new NumberDataPoint { StartTimeUnixNano = series.StartTimeUnixNano, TimeUnixNano = nowUnixNano, AsInt = (long)series.Calls };
        point.Attributes.AddRange(series.Attributes.Select(a => a.Clone()));
        return point;
    }

    private static HistogramDataPoint DurationPoint(SpanMetricsPlan plan, SpanSeries series, ulong nowUnixNano)
    {
        var point = new HistogramDataPoint
        {
            StartTimeUnixNano = series.StartTimeUnixNano,
            TimeUnixNano = nowUnixNano,
            Count = series.Calls,
            Sum = series.DurationSum,
        };
        point.ExplicitBounds.AddRange(plan.Bounds);
        point.BucketCounts.AddRange(series.BucketCounts);
        point.Attributes.AddRange(series.Attributes.Select(a => a.Clone()));
        series.Exemplars?.MoveTo(point.Exemplars);
        return point;
    }
}
