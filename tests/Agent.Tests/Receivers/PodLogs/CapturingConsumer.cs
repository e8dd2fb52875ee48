using System.Collections.Concurrent;
using System.Text;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>One record as an exporter would see it, copied out of its chunk.</summary>
internal sealed record CapturedLine(
    string Namespace,
    string Pod,
    string PodUid,
    string Container,
    long Restart,
    string? FilePath,
    LogStream Stream,
    long TimeUnixNano,
    string Text,
    bool Truncated,
    string? Level,
    byte Severity,
    string? TraceId,
    string? SpanId,
    long ObservedUnixNano);

/// <summary>
/// A pipeline end that copies every record and acknowledges each batch with the status <see cref="Decide"/> gives
/// (Delivered by default), or holds it while <see cref="Hold"/> is set.
/// </summary>
internal sealed class CapturingConsumer : IConsumer<LogsBatch>
{
    private readonly ConcurrentQueue<CapturedLine> _lines = new();
    private readonly ConcurrentQueue<LogsBatch> _held = new();
    private int _batches;

    public bool MutatesData => false;

    /// <summary>The status for the n-th batch (from 0); lines of a batch that is not Delivered are not kept.</summary>
    public Func<int, DeliveryStatus> Decide { get; set; } = _ => DeliveryStatus.Delivered;

    public volatile bool Hold;

    public int Batches => Volatile.Read(ref _batches);

    public IReadOnlyList<CapturedLine> Lines => [.. _lines];

    public int HeldCount => _held.Count;

    public ValueTask ConsumeAsync(LogsBatch batch, CancellationToken cancellationToken)
    {
        int index = Interlocked.Increment(ref _batches) - 1;
        var status = Decide(index);
        if (status == DeliveryStatus.Delivered)
        {
            foreach (var chunk in batch.Raw)
            {
                Capture(chunk);
            }
        }

        if (Hold)
        {
            _held.Enqueue(batch);
        }
        else
        {
            batch.Complete(status);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Acknowledges the held batches as delivered.</summary>
    public void ReleaseHeld()
    {
        while (_held.TryDequeue(out var batch))
        {
            batch.Complete(DeliveryStatus.Delivered);
        }
    }

    private void Capture(RawLogChunk chunk)
    {
        string Attr(string key) => chunk.Resource.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue ?? string.Empty;
        long restart = chunk.Resource.Attributes.FirstOrDefault(a => a.Key == "k8s.container.restart_count")?.Value.IntValue ?? -1;
        string? filePath = chunk.Resource.Attributes.FirstOrDefault(a => a.Key == "log.file.path")?.Value.StringValue;
        foreach (var entry in chunk.Entries)
        {
            string? Field(int offset, int length) => offset < 0 ? null : Encoding.UTF8.GetString(chunk.Field(offset, length));
            _lines.Enqueue(new CapturedLine(
                Attr("k8s.namespace.name"), Attr("k8s.pod.name"), Attr("k8s.pod.uid"), Attr("k8s.container.name"), restart, filePath,
                entry.Stream, entry.TimeUnixNano, Encoding.UTF8.GetString(chunk.Line(entry)), entry.Truncated,
                Field(entry.LevelOffset, entry.LevelLength), entry.SeverityNumber,
                Field(entry.TraceIdOffset, entry.TraceIdLength), Field(entry.SpanIdOffset, entry.SpanIdLength),
                chunk.ObservedTimeUnixNano));
        }
    }
}
