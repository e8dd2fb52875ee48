using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>
/// Writes sample groups as OTLP metrics the way the Collector's prometheus receiver does: counters as cumulative
/// monotonic sums, gauges, histograms with explicit bounds from <c>le</c> (cumulative counts turned into per-bucket
/// counts), summaries with their quantiles. A group that went away is written once more with the "no recorded
/// value" flag, which remote-write turns into a staleness marker.
/// </summary>
internal static class GroupWriter
{
    private const uint NoRecordedValue = (uint)DataPointFlags.NoRecordedValueMask;

    public static void Write(ScopeMetrics scope, IReadOnlyList<SeriesGroup> groups, bool stale, ulong staleNanos)
    {
        var metrics = new Dictionary<(string, GroupKind), Metric>();
        foreach (var group in groups)
        {
            if (!stale && !group.HasValue)
            {
                continue;
            }

            var key = (group.Name, group.Kind);
            if (!metrics.TryGetValue(key, out var metric))
            {
                metric = NewMetric(group);
                metrics[key] = metric;
                scope.Metrics.Add(metric);
            }

            ulong time = stale ? staleNanos : group.TimeNanos;
            uint flags = stale ? NoRecordedValue : 0;
            switch (group.Kind)
            {
                case GroupKind.Gauge:
                    metric.Gauge.DataPoints.Add(Number(group, stale ? 0 : group.Value, 0, time, flags));
                    break;
                case GroupKind.Counter:
                    metric.Sum.DataPoints.Add(Number(group, stale ? 0 : group.Value, StartOf(group, stale ? group.LastTotal : group.Value, time), time, flags));
                    break;
                case GroupKind.Histogram:
                    metric.Histogram.DataPoints.Add(Histogram(group, time, flags, stale));
                    break;
                case GroupKind.Summary:
                    metric.Summary.DataPoints.Add(Summary(group, time, flags, stale));
                    break;
            }
        }
    }

    private static Metric NewMetric(SeriesGroup group)
    {
        var metric = new Metric { Name = group.Name, Description = group.Description };
        switch (group.Kind)
        {
            case GroupKind.Counter:
                metric.Sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true };
                break;
            case GroupKind.Histogram:
                metric.Histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
                break;
            case GroupKind.Summary:
                metric.Summary = new Summary();
                break;
            default:
                metric.Gauge = new Gauge();
                break;
        }

        return metric;
    }

    private static NumberDataPoint Number(SeriesGroup group, double value, ulong start, ulong time, uint flags)
    {
        var point = new NumberDataPoint { AsDouble = value, StartTimeUnixNano = start, TimeUnixNano = time, Flags = flags };
        AddAttributes(point.Attributes, group);
        return point;
    }

    private static HistogramDataPoint Histogram(SeriesGroup group, ulong time, uint flags, bool stale)
    {
        var parts = group.Parts;
        parts.Sort(static (a, b) => a.Bound.CompareTo(b.Bound));
        double count = double.IsNaN(group.Count) ? (parts.Count > 0 ? parts[^1].Value : 0) : group.Count;
        var point = new HistogramDataPoint
        {
            TimeUnixNano = time,
            StartTimeUnixNano = StartOf(group, count, time),
            Flags = flags,
        };
        if (!stale)
        {
            point.Count = (ulong)Math.Max(0, count);
            point.Sum = group.Sum;
            double previous = 0;
            foreach (var (bound, cumulative) in parts)
            {
                if (!double.IsPositiveInfinity(bound))
                {
                    point.ExplicitBounds.Add(bound);
                }

                point.BucketCounts.Add((ulong)Math.Max(0, cumulative - previous));
                previous = cumulative;
            }

            if (parts.Count == 0 || !double.IsPositiveInfinity(parts[^1].Bound))
            {
                // No +Inf bucket written: what the count holds beyond the last bound goes there.
                point.BucketCounts.Add((ulong)Math.Max(0, count - previous));
            }
        }

        AddAttributes(point.Attributes, group);
        return point;
    }

    private static SummaryDataPoint Summary(SeriesGroup group, ulong time, uint flags, bool stale)
    {
        double count = double.IsNaN(group.Count) ? 0 : group.Count;
        var point = new SummaryDataPoint { TimeUnixNano = time, StartTimeUnixNano = StartOf(group, count, time), Flags = flags };
        if (!stale)
        {
            point.Count = (ulong)Math.Max(0, count);
            point.Sum = group.Sum;
            foreach (var (quantile, value) in group.Parts)
            {
                point.QuantileValues.Add(new SummaryDataPoint.Types.ValueAtQuantile { Quantile = quantile, Value = value });
            }
        }

        AddAttributes(point.Attributes, group);
        return point;
    }

    /// <summary>
    /// A cumulative series' start: its <c>_created</c> when written, else when the agent first saw it, moved to now
    /// when its total went down (the target restarted), as the Collector's start-time adjustment does.
    /// </summary>
    private static ulong StartOf(SeriesGroup group, double total, ulong time)
    {
        if (!double.IsNaN(group.Created) && group.Created > 0)
        {
            return (ulong)(group.Created * 1e9);
        }

        if (group.StartNanos == 0 || total < group.LastTotal)
        {
            group.StartNanos = time;
        }

        group.LastTotal = total;
        return group.StartNanos;
    }

    private static void AddAttributes(Google.Protobuf.Collections.RepeatedField<OpenTelemetry.Proto.Common.V1.KeyValue> into, SeriesGroup group)
    {
        foreach (var attribute in group.Attributes)
        {
            // A copy per point: a processor further on may change one point's attributes.
            into.Add(attribute.Clone());
        }
    }
}
