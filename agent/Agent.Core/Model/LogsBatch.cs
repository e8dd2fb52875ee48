using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>
/// Log records grouped by resource, in two forms: OTLP groups (from the OTLP receiver) and raw chunks (lines read
/// from files, one resource per chunk, no per-line objects). Exporters that speak OTLP call <see cref="ToOtlp"/>;
/// the Loki exporter reads the raw chunks directly.
/// </summary>
public sealed class LogsBatch : Batch<LogsBatch>
{
    public LogsBatch(ExportLogsServiceRequest data)
    {
        Data = data;
    }

    public LogsBatch()
        : this(new ExportLogsServiceRequest())
    {
    }

    /// <summary>The OTLP groups.</summary>
    public ExportLogsServiceRequest Data { get; }

    /// <summary>The raw chunks; the batch holds each (see <see cref="RawLogChunk.Dispose"/>).</summary>
    public List<RawLogChunk> Raw { get; } = [];

    public override Signal Signal => Signal.Logs;

    /// <summary>Every record, OTLP and raw alike, as one view: a processor that works on records is written once.</summary>
    public LogRecordEnumerable Records => new(this);

    protected override int CountItems()
    {
        int count = 0;
        foreach (var group in Data.ResourceLogs)
        {
            foreach (var scope in group.ScopeLogs)
            {
                count += scope.LogRecords.Count;
            }
        }

        foreach (var chunk in Raw)
        {
            count += chunk.Count;
        }

        return count;
    }

    protected override long MeasureBytes()
    {
        long size = Data.CalculateSize();
        foreach (var chunk in Raw)
        {
            size += chunk.Length + (chunk.Count * 16L);
        }

        return size;
    }

    protected override IEnumerable<Resource> EnumerateResources() =>
        Data.ResourceLogs.Select(group => group.Resource ??= new Resource()).Concat(Raw.Select(chunk => chunk.Resource));

    protected override void MoveGroupsFrom(LogsBatch other)
    {
        Data.ResourceLogs.AddRange(other.Data.ResourceLogs);
        other.Data.ResourceLogs.Clear();
        Raw.AddRange(other.Raw);
        other.Raw.Clear();
    }

    /// <summary>Moves OTLP records first, then whole raw chunks (a chunk is never cut: at least one always moves).</summary>
    protected override LogsBatch TakeFront(int maxItems)
    {
        var front = new LogsBatch();
        front.Data.ResourceLogs.AddRange(OtlpGroups.SplitFront(
            Data.ResourceLogs, maxItems, static g => g.ScopeLogs, static s => s.LogRecords, null));
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
        foreach (var chunk in Raw)
        {
            chunk.Retain(count);
        }
    }

    public override void ReleaseData()
    {
        foreach (var chunk in Raw)
        {
            chunk.Dispose();
        }
    }

    protected override LogsBatch CopyData()
    {
        var copy = new LogsBatch(Data.Clone());
        copy.Raw.AddRange(Raw.Select(chunk => chunk.Clone()));
        return copy;
    }

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
