using Agent.Exporters.Serialization;

namespace Agent.Exporters.Loki.Encoding;

/// <summary>
/// Writes <c>logproto.PushRequest</c> bytes directly (field numbers as in Loki's push.proto), without building
/// message objects: a stream's length is patched in when it closes, an entry's is computed before it is written.
/// </summary>
internal sealed class LokiProtobufPushWriter : LokiPushWriter
{
    private const int StreamsField = 1;
    private const int LabelsField = 1;
    private const int EntriesField = 2;
    private const int TimestampField = 1;
    private const int LineField = 2;

    private static readonly byte[] TraceIdName = "trace_id"u8.ToArray();
    private static readonly byte[] SpanIdName = "span_id"u8.ToArray();

    /// <summary>Pre-encoded <c>log_iostream</c> pairs (stdout, stderr) and <c>level</c> pairs by level.</summary>
    private static readonly byte[] StdoutPair = LokiMetadata.ToProto([new("log_iostream", "stdout")]);
    private static readonly byte[] StderrPair = LokiMetadata.ToProto([new("log_iostream", "stderr")]);
    private static readonly byte[][] LevelPairs = Enumerable.Range(0, LokiLevels.Count)
        .Select(level => level == LokiLevels.None ? [] : LokiMetadata.ToProto([new(LokiLabelMapper.LevelLabel, LokiLevels.Name(level))]))
        .ToArray();

    public override string ContentType => "application/x-protobuf";

    public override bool Compress => true;

    public override void BeginPush(PooledByteBuffer body) => body.Clear();

    public override int BeginStream(PooledByteBuffer body, LokiStreamLabels labels, bool firstInPush)
    {
        int start = body.BeginLengthDelimited(StreamsField);
        body.WriteLengthDelimited(LabelsField, labels.SelectorUtf8);
        return start;
    }

    public override void WriteEntry(PooledByteBuffer body, scoped in LokiEntry entry, bool firstInStream)
    {
        var (seconds, nanos) = SplitTime(entry.TimeUnixNano);
        int timestampSize = (seconds != 0 ? 1 + PooledByteBuffer.VarintSize((ulong)seconds) : 0) +
            (nanos != 0 ? 1 + PooledByteBuffer.VarintSize((uint)nanos) : 0);
        var streamPair = StreamPair(entry.Stream);
        var levelPair = LevelPairs[entry.MetadataLevel];

        int size = PooledByteBuffer.LengthDelimitedSize(timestampSize) + entry.Resource.MetadataProto.Length +
            streamPair.Length + levelPair.Length;
        if (!entry.Line.IsEmpty)
        {
            size += PooledByteBuffer.LengthDelimitedSize(entry.Line.Length);
        }

        if (!entry.TraceId.IsEmpty)
        {
            size += LokiMetadata.ProtoPairSize(TraceIdName.Length, entry.TraceId.Length);
        }

        if (!entry.SpanId.IsEmpty)
        {
            size += LokiMetadata.ProtoPairSize(SpanIdName.Length, entry.SpanId.Length);
        }

        if (entry.Prepared is { } prepared)
        {
            size += prepared.MetadataProto.Length;
        }

        body.WriteTag(EntriesField, 2);
        body.WriteVarint((uint)size);

        // google.protobuf.Timestamp { int64 seconds = 1; int32 nanos = 2; }
        body.WriteTag(TimestampField, 2);
        body.WriteVarint((uint)timestampSize);
        if (seconds != 0)
        {
            body.WriteTag(1, 0);
            body.WriteVarint((ulong)seconds);
        }

        if (nanos != 0)
        {
            body.WriteTag(2, 0);
            body.WriteVarint((uint)nanos);
        }

        if (!entry.Line.IsEmpty)
        {
            body.WriteLengthDelimited(LineField, entry.Line);
        }

        body.WriteBytes(entry.Resource.MetadataProto);
        body.WriteBytes(streamPair);
        body.WriteBytes(levelPair);
        if (!entry.TraceId.IsEmpty)
        {
            LokiMetadata.WriteProtoPair(body, TraceIdName, entry.TraceId);
        }

        if (!entry.SpanId.IsEmpty)
        {
            LokiMetadata.WriteProtoPair(body, SpanIdName, entry.SpanId);
        }

        if (entry.Prepared is { } own)
        {
            body.WriteBytes(own.MetadataProto);
        }
    }

    public override void EndStream(PooledByteBuffer body, int streamStart) => body.EndLengthDelimited(streamStart);

    public override void EndPush(PooledByteBuffer body)
    {
    }

    /// <summary>Seconds and non-negative nanoseconds, as Timestamp requires, also for times before 1970.</summary>
    public static (long Seconds, int Nanos) SplitTime(long unixNano)
    {
        long seconds = Math.DivRem(unixNano, 1_000_000_000L, out long nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000L;
        }

        return (seconds, (int)nanos);
    }

    private static ReadOnlySpan<byte> StreamPair(ReadOnlySpan<byte> stream) =>
        stream.IsEmpty ? default : stream.SequenceEqual("stdout"u8) ? StdoutPair : StderrPair;
}
