using Agent.Exporters.Serialization;

namespace Agent.Exporters.Loki.Encoding;

/// <summary>
/// One entry as the push writers see it, whatever it came from: a file line (spans into the chunk) or a prepared
/// OTLP record. <see cref="MetadataLevel"/> is the level to write as structured metadata (when it is not a label).
/// </summary>
internal readonly ref struct LokiEntry
{
    public LokiEntry(
        long timeUnixNano,
        ReadOnlySpan<byte> line,
        LokiResourceLabels resource,
        ReadOnlySpan<byte> stream,
        int metadataLevel,
        ReadOnlySpan<byte> traceId,
        ReadOnlySpan<byte> spanId,
        LokiPreparedEntry? prepared = null)
    {
        TimeUnixNano = timeUnixNano;
        Line = line;
        Resource = resource;
        Stream = stream;
        MetadataLevel = metadataLevel;
        TraceId = traceId;
        SpanId = spanId;
        Prepared = prepared;
    }

    public long TimeUnixNano { get; }

    public ReadOnlySpan<byte> Line { get; }

    public LokiResourceLabels Resource { get; }

    /// <summary><c>stdout</c> or <c>stderr</c> for file lines; empty otherwise.</summary>
    public ReadOnlySpan<byte> Stream { get; }

    public int MetadataLevel { get; }

    public ReadOnlySpan<byte> TraceId { get; }

    public ReadOnlySpan<byte> SpanId { get; }

    /// <summary>For OTLP records: the record's own metadata (attributes, ids, level), already worked out.</summary>
    public LokiPreparedEntry? Prepared { get; }
}

/// <summary>
/// Writes one push body in one of Loki's two encodings. The builder drives it: a push holds streams, a stream holds
/// entries; the flags say whether a separator is due. Every method appends to the body, so the builder can take back
/// an entry that made the push too large by truncating the body to where the entry began.
/// </summary>
internal abstract class LokiPushWriter
{
    public static LokiPushWriter For(LokiEncoding encoding) =>
        encoding == LokiEncoding.Json ? new LokiJsonPushWriter() : new LokiProtobufPushWriter();

    public abstract string ContentType { get; }

    /// <summary>True when the body is snappy-compressed before it is sent.</summary>
    public abstract bool Compress { get; }

    public abstract void BeginPush(PooledByteBuffer body);

    /// <summary>Opens a stream; returns what <see cref="EndStream"/> needs.</summary>
    public abstract int BeginStream(PooledByteBuffer body, LokiStreamLabels labels, bool firstInPush);

    public abstract void WriteEntry(PooledByteBuffer body, scoped in LokiEntry entry, bool firstInStream);

    public abstract void EndStream(PooledByteBuffer body, int streamStart);

    public abstract void EndPush(PooledByteBuffer body);
}

/// <summary>Entries that come from OTLP records: formatted and mapped ahead, since those records are objects anyway.</summary>
internal sealed class LokiPreparedEntry
{
    public LokiPreparedEntry(long timeUnixNano, LokiResourceLabels resource, byte[] line, KeyValuePair<string, string>[] metadata)
    {
        TimeUnixNano = timeUnixNano;
        Resource = resource;
        Line = line;
        Metadata = metadata;
    }

    public long TimeUnixNano { get; }

    public LokiResourceLabels Resource { get; }

    public byte[] Line { get; }

    /// <summary>The record's own structured metadata; the resource's comes from <see cref="Resource"/>.</summary>
    public KeyValuePair<string, string>[] Metadata { get; }

    /// <summary>The record's metadata encoded for the protobuf push (worked out when first needed).</summary>
    public byte[] MetadataProto => field ??= LokiMetadata.ToProto(Metadata);

    /// <summary>The record's metadata as JSON object members (worked out when first needed).</summary>
    public byte[] MetadataJson => field ??= LokiMetadata.ToJsonMembers(Metadata);
}
