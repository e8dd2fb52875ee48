using Agent.Core.Model.Wire;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>
/// Log records grouped by resource, in two forms: OTLP groups (from the OTLP receiver) and raw chunks (lines read
/// from files, one resource per chunk, no per-line objects). Exporters that speak OTLP call <see cref="ToOtlp"/>;
/// the Loki exporter reads the raw chunks directly. The OTLP groups may have their scopes still encoded (see
/// <see cref="IsEncoded"/>) until something reads <see cref="Data"/>.
/// </summary>
public sealed class LogsBatch : Batch<LogsBatch>
{
    private static readonly OtlpShape<ExportLogsServiceRequest, ResourceLogs> Shape = new()
    {
        Signal = Signal.Logs,
        Parser = ExportLogsServiceRequest.Parser,
        GroupsOf = static request => request.ResourceLogs,
        ResourceOf = static group => group.Resource ??= new Resource(),
        CountItems = CountDecoded,
        SplitFront = static (groups, maxItems) => OtlpGroups.SplitFront(groups, maxItems, static g => g.ScopeLogs, static s => s.LogRecords, null),
        CutScope = static (_, scope, budget) => WireScopeCut.CutItems(scope, budget),
    };

    private readonly OtlpRequestForm<ExportLogsServiceRequest, ResourceLogs> _form;

    public LogsBatch(ExportLogsServiceRequest data)
    {
        _form = new(Shape, data);
    }

    /// <summary>A batch whose OTLP log records stay encoded: only their resources are decoded.</summary>
    /// <param name="encoded">The request, its scope groups encoded.</param>
    /// <param name="body">The pooled body its scope groups point into; the batch takes over the caller's hold.</param>
    /// <param name="itemCount">Its log records when the caller counted them as they were read (the receiver's check does); negative to count them when asked.</param>
    public LogsBatch(WireRequest encoded, WireBody? body = null, int itemCount = -1)
    {
        _form = new(Shape, encoded, body);
        ItemsCountedBy(itemCount);
    }

    public LogsBatch()
        : this(new ExportLogsServiceRequest())
    {
    }

    private LogsBatch(OtlpRequestForm<ExportLogsServiceRequest, ResourceLogs> form)
    {
        _form = form;
    }

    /// <summary>The OTLP groups, decoded; a batch whose records were still encoded is decoded now, once.</summary>
    public ExportLogsServiceRequest Data => _form.Decoded;

    /// <summary>True while the OTLP records are still the bytes they arrived in.</summary>
    public bool IsEncoded => _form.Encoded is not null;

    /// <summary>The raw chunks; the batch holds each (see <see cref="RawLogChunk.Dispose"/>).</summary>
    public List<RawLogChunk> Raw { get; } = [];

    public override Signal Signal => Signal.Logs;

    /// <summary>Every record, OTLP and raw alike, as one view: a processor that works on records is written once.</summary>
    public LogRecordEnumerable Records => new(this);

    protected override int CountItems()
    {
        int count = _form.CountItems();
        foreach (var chunk in Raw)
        {
            count += chunk.Count;
        }

        return count;
    }

    protected override long MeasureBytes()
    {
        long size = _form.MeasureBytes();
        foreach (var chunk in Raw)
        {
            size += chunk.Length + (chunk.Count * 16L);
        }

        return size;
    }

    private static int CountDecoded(ExportLogsServiceRequest request)
    {
        int count = 0;
        foreach (var group in request.ResourceLogs)
        {
            foreach (var scope in group.ScopeLogs)
            {
                count += scope.LogRecords.Count;
            }
        }

        return count;
    }

    protected override IEnumerable<Resource> EnumerateResources() =>
        _form.Resources.Concat(Raw.Select(chunk => chunk.Resource));

    protected override void MoveGroupsFrom(LogsBatch other)
    {
        _form.MoveFrom(other._form);
        Raw.AddRange(other.Raw);
        other.Raw.Clear();
    }

    /// <summary>Moves OTLP records first, then whole raw chunks (a chunk is never cut: at least one always moves).</summary>
    protected override LogsBatch TakeFront(int maxItems)
    {
        var front = new LogsBatch(_form.TakeFront(maxItems));
        int moved = front.CountItems();
        int budget = maxItems - moved;
        while (Raw.Count > 0 && (budget >= Raw[0].Count || moved == 0))
        {
            budget -= Raw[0].Count;
            moved += Raw[0].Count;
            front.Raw.Add(Raw[0]);
            Raw.RemoveAt(0);
        }

        return front;
    }

    public override void RetainData(int count)
    {
        _form.RetainBodies(count);
        foreach (var chunk in Raw)
        {
            chunk.Retain(count);
        }
    }

    public override void ReleaseData()
    {
        _form.ReleaseBodies();
        foreach (var chunk in Raw)
        {
            chunk.Dispose();
        }
    }

    protected override LogsBatch CopyData()
    {
        var copy = new LogsBatch(_form.Copy());
        copy.Raw.AddRange(Raw.Select(chunk => chunk.Clone()));
        return copy;
    }

    /// <summary>
    /// The whole batch as one OTLP request to write: the encoded form while the batch has it and holds no raw
    /// chunks (the same bytes), else <see cref="ToOtlp"/>.
    /// </summary>
    public IMessage Message => Raw.Count == 0 ? _form.Message : ToOtlp();

    /// <summary>The whole batch as one OTLP request; raw chunks are converted (this allocates per record).</summary>
    public ExportLogsServiceRequest ToOtlp()
    {
        if (Raw.Count == 0)
        {
            return Data;
        }

        var request = Data.Clone();
        foreach (var chunk in Raw)
        {
            request.ResourceLogs.Add(RawLogConversion.ToResourceLogs(chunk));
        }

        return request;
    }
}
