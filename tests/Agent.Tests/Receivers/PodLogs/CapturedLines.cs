using System.Collections;
using System.Collections.Concurrent;
using System.Text;
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
/// Every record of the batches a <see cref="RecordingConsumer{TBatch}"/> completes as delivered, copied out of its
/// chunk while the chunk is still valid (chunks go back to their pool once completed). Reads take a snapshot.
/// </summary>
internal sealed class CapturedLines : IReadOnlyList<CapturedLine>
{
    private readonly ConcurrentQueue<CapturedLine> _lines = new();

    public CapturedLines(RecordingConsumer<LogsBatch> consumer)
    {
        consumer.Inspect = (batch, status) =>
        {
            if (status == DeliveryStatus.Delivered)
            {
                foreach (var chunk in batch.Raw)
                {
                    Capture(chunk);
                }
            }
        };
    }

    public int Count => _lines.Count;

    public CapturedLine this[int index] => _lines.ElementAt(index);

    public IEnumerator<CapturedLine> GetEnumerator() => ((IEnumerable<CapturedLine>)_lines.ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

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
