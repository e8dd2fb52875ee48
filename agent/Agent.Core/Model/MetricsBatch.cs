using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>Metrics grouped by resource and scope; items are data points, as in the Collector's counts.</summary>
public sealed class MetricsBatch : Batch<MetricsBatch>
{
    public MetricsBatch(ExportMetricsServiceRequest data)
    {
        Data = data;
    }

    public MetricsBatch()
        : this(new ExportMetricsServiceRequest())
    {
    }

    public ExportMetricsServiceRequest Data { get; }

    public override Signal Signal => Signal.Metrics;

    protected override int CountItems()
    {
        int count = 0;
        foreach (var group in Data.ResourceMetrics)
        {
            foreach (var scope in group.ScopeMetrics)
            {
                foreach (var metric in scope.Metrics)
                {
                    count += DataPointCount(metric);
                }
            }
        }

        return count;
    }

    protected override long MeasureBytes() => Data.CalculateSize();

    protected override IEnumerable<Resource> EnumerateResources() =>
        Data.ResourceMetrics.Select(group => group.Resource ??= new Resource());

    public static int DataPointCount(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    protected override void MoveGroupsFrom(MetricsBatch other)
    {
        Data.ResourceMetrics.AddRange(other.Data.ResourceMetrics);
        other.Data.ResourceMetrics.Clear();
    }

    /// <summary>Splits by data points, as the Collector does: a metric cut in two keeps its name, unit and type on both sides.</summary>
    protected override MetricsBatch TakeFront(int maxItems)
    {
        var front = new MetricsBatch();
        front.Data.ResourceMetrics.AddRange(OtlpGroups.SplitFront(
            Data.ResourceMetrics, maxItems, static g => g.ScopeMetrics, static s => s.Metrics, DataPointCount, TakeFrontPoints));
        return front;
    }

    /// <summary>Moves the first <paramref name="count"/> data points of <paramref name="metric"/> into a copy of its description.</summary>
    private static Metric TakeFrontPoints(Metric metric, int count)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                return Take(metric, count, static m => m.Gauge.DataPoints);
            case Metric.DataOneofCase.Sum:
                return Take(metric, count, static m => m.Sum.DataPoints);
            case Metric.DataOneofCase.Histogram:
                return Take(metric, count, static m => m.Histogram.DataPoints);
            case Metric.DataOneofCase.ExponentialHistogram:
                return Take(metric, count, static m => m.ExponentialHistogram.DataPoints);
            case Metric.DataOneofCase.Summary:
                return Take(metric, count, static m => m.Summary.DataPoints);
            default:
                throw new InvalidOperationException("A metric without data points has nothing to split.");
        }

        static Metric Take<TPoint>(Metric metric, int count, Func<Metric, RepeatedField<TPoint>> pointsOf)
        {
            var front = OtlpGroups.ShellOf(metric, pointsOf);
            OtlpGroups.MoveFront(pointsOf(metric), count, pointsOf(front));
            return front;
        }
    }

    protected override MetricsBatch CopyData() => new(Data.Clone());
}
