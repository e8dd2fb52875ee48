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

    public override int ItemCount
    {
        get
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
    }

    public override long ByteSize => Data.CalculateSize();

    public override IEnumerable<Resource> Resources =>
        Data.ResourceSpans.Select(group => group.Resource ??= new Resource());

    public override void Append(TracesBatch other)
    {
        Data.ResourceSpans.AddRange(other.Data.ResourceSpans);
        other.Data.ResourceSpans.Clear();
        TakeNotifiersFrom(other);
    }

    public override TracesBatch SplitFront(int maxItems)
    {
        var front = new TracesBatch();
        front.Data.ResourceSpans.AddRange(OtlpGroups.SplitFront(
            Data.ResourceSpans, maxItems, static g => g.ScopeSpans, static s => s.Spans, null));
        ShareNotifiersWith(front);
        return front;
    }

    public override TracesBatch Clone()
    {
        var copy = new TracesBatch(Data.Clone());
        ShareNotifiersWith(copy);
        return copy;
    }
}
