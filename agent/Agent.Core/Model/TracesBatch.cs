using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Core.Model;

/// <summary>Spans grouped by resource and scope, held as the OTLP request they arrived in.</summary>
public sealed class TracesBatch : Batch<TracesBatch>
{
    public TracesBatch(ExportTraceServiceRequest data)
    {
        Data = data;
    }

    public TracesBatch()
        : this(new ExportTraceServiceRequest())
    {
    }

    public ExportTraceServiceRequest Data { get; }

    public override Signal Signal => Signal.Traces;

    protected override int CountItems()
    {
        int count = 0;
        foreach (var group in Data.ResourceSpans)
        {
            foreach (var scope in group.ScopeSpans)
            {
                count += scope.Spans.Count;
            }
        }

        return count;
    }

    protected override long MeasureBytes() => Data.CalculateSize();

    protected override IEnumerable<Resource> EnumerateResources() =>
        Data.ResourceSpans.Select(group => group.Resource ??= new Resource());

    protected override void MoveGroupsFrom(TracesBatch other)
    {
        Data.ResourceSpans.AddRange(other.Data.ResourceSpans);
        other.Data.ResourceSpans.Clear();
    }

    protected override TracesBatch TakeFront(int maxItems)
    {
        var front = new TracesBatch();
        front.Data.ResourceSpans.AddRange(OtlpGroups.SplitFront(
            Data.ResourceSpans, maxItems, static g => g.ScopeSpans, static s => s.Spans, null));
        return front;
    }

    protected override TracesBatch CopyData() => new(Data.Clone());
}
