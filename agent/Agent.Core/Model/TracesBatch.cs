using Agent.Core.Model.Wire;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Core.Model;

/// <summary>
/// Spans grouped by resource and scope, held as the OTLP request they arrived in: decoded, or with the scopes still
/// encoded (see <see cref="IsEncoded"/>) until something reads <see cref="Data"/>.
/// </summary>
public sealed class TracesBatch : Batch<TracesBatch>
{
    private static readonly OtlpShape<ExportTraceServiceRequest, ResourceSpans> Shape = new()
    {
        Signal = Signal.Traces,
        Parser = ExportTraceServiceRequest.Parser,
        GroupsOf = static request => request.ResourceSpans,
        ResourceOf = static group => group.Resource ??= new Resource(),
        CountItems = CountDecoded,
        SplitFront = static (groups, maxItems) => OtlpGroups.SplitFront(groups, maxItems, static g => g.ScopeSpans, static s => s.Spans, null),
        CutScope = static (_, scope, budget) => WireScopeCut.CutItems(scope, budget),
    };

    private readonly OtlpRequestForm<ExportTraceServiceRequest, ResourceSpans> _form;

    public TracesBatch(ExportTraceServiceRequest data)
    {
        _form = new(Shape, data);
    }

    /// <summary>A batch whose spans stay encoded: only its resources are decoded.</summary>
    /// <param name="encoded">The request, its scope groups encoded.</param>
    /// <param name="body">The pooled body its scope groups point into; the batch takes over the caller's hold.</param>
    /// <param name="itemCount">Its spans when the caller counted them as they were read (the receiver's check does); negative to count them when asked.</param>
    public TracesBatch(WireRequest encoded, WireBody? body = null, int itemCount = -1)
    {
        _form = new(Shape, encoded, body);
        ItemsCountedBy(itemCount);
    }

    public TracesBatch()
        : this(new ExportTraceServiceRequest())
    {
    }

    private TracesBatch(OtlpRequestForm<ExportTraceServiceRequest, ResourceSpans> form)
    {
        _form = form;
    }

    /// <summary>The decoded request; a batch whose spans were still encoded is decoded now, once.</summary>
    public ExportTraceServiceRequest Data => _form.Decoded;

    /// <summary>True while the spans are still the bytes they arrived in.</summary>
    public bool IsEncoded => _form.Encoded is not null;

    /// <summary>The request to write: the encoded form while the batch has it, else <see cref="Data"/>.</summary>
    public IMessage Message => _form.Message;

    public override Signal Signal => Signal.Traces;

    protected override int CountItems() => _form.CountItems();

    private static int CountDecoded(ExportTraceServiceRequest request)
    {
        int count = 0;
        foreach (var group in request.ResourceSpans)
        {
            foreach (var scope in group.ScopeSpans)
            {
                count += scope.Spans.Count;
            }
        }

        return count;
    }

    protected override long MeasureBytes() => _form.MeasureBytes();

    protected override IEnumerable<Resource> EnumerateResources() => _form.Resources;

    protected override void MoveGroupsFrom(TracesBatch other) => _form.MoveFrom(other._form);

    protected override TracesBatch TakeFront(int maxItems) => new(_form.TakeFront(maxItems));

    protected override TracesBatch CopyData() => new(_form.Copy());

    public override void RetainData(int count) => _form.RetainBodies(count);

    public override void ReleaseData() => _form.ReleaseBodies();
}
