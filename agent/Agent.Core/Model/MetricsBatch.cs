using Agent.Core.Model.Wire;
using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>
/// Metrics grouped by resource and scope; items are data points, as in the Collector's counts. Held decoded, or
/// with the scopes still encoded (see <see cref="IsEncoded"/>) until something reads <see cref="Data"/>.
/// </summary>
public sealed class MetricsBatch : Batch<MetricsBatch>
{
    private static readonly OtlpShape<ExportMetricsServiceRequest, ResourceMetrics> Shape = new()
    {
        Signal = Signal.Metrics,
        Parser = ExportMetricsServiceRequest.Parser,
        GroupsOf = static request => request.ResourceMetrics,
        ResourceOf = static group => group.Resource ??= new Resource(),
        CountItems = CountDecoded,
        SplitFront = static (groups, maxItems) => OtlpGroups.SplitFront(groups, maxItems, static g => g.ScopeMetrics, static s => s.Metrics, DataPointCount, TakeFrontPoints),
        CutScope = static (shape, scope, budget) => shape.CutThroughDecoded(scope, budget, ScopeMetrics.Parser, static g => g.ScopeMetrics),
    };

    private readonly OtlpRequestForm<ExportMetricsServiceRequest, ResourceMetrics> _form;

    public MetricsBatch(ExportMetricsServiceRequest data)
    {
        _form = new(Shape, data);
    }

    /// <summary>A batch whose metrics stay encoded: only its resources are decoded.</summary>
    /// <param name="encoded">The request, its scope groups encoded.</param>
    /// <param name="body">The pooled body its scope groups point into; the batch takes over the caller's hold.</param>
    /// <param name="itemCount">Its data points when the caller counted them as they were read (the receiver's check does); negative to count them when asked.</param>
    public MetricsBatch(WireRequest encoded, WireBody? body = null, int itemCount = -1)
    {
        _form = new(Shape, encoded, body);
        ItemsCountedBy(itemCount);
    }

    public MetricsBatch()
        : this(new ExportMetricsServiceRequest())
    {
    }

    private MetricsBatch(OtlpRequestForm<ExportMetricsServiceRequest, ResourceMetrics> form)
    {
        _form = form;
    }

    /// <summary>The decoded request; a batch whose metrics were still encoded is decoded now, once.</summary>
    public ExportMetricsServiceRequest Data => _form.Decoded;

    /// <summary>True while the metrics are still the bytes they arrived in.</summary>
    public bool IsEncoded => _form.Encoded is not null;

    /// <summary>The request to write: the encoded form while the batch has it, else <see cref="Data"/>.</summary>
    public IMessage Message => _form.Message;

    public override Signal Signal => Signal.Metrics;

    protected override int CountItems() => _form.CountItems();

    private static int CountDecoded(ExportMetricsServiceRequest request)
    {
        int count = 0;
        foreach (var group in request.ResourceMetrics)
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

    protected override long MeasureBytes() => _form.MeasureBytes();

    protected override IEnumerable<Resource> EnumerateResources() => _form.Resources;

    public static int DataPointCount(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };

    protected override void MoveGroupsFrom(MetricsBatch other) => _form.MoveFrom(other._form);

    /// <summary>Splits by data points, as the Collector does: a metric cut in two keeps its name, unit and type on both sides.</summary>
    protected override MetricsBatch TakeFront(int maxItems) => new(_form.TakeFront(maxItems));

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

    protected override MetricsBatch CopyData() => new(_form.Copy());

    public override void RetainData(int count) => _form.RetainBodies(count);

    public override void ReleaseData() => _form.ReleaseBodies();
}
