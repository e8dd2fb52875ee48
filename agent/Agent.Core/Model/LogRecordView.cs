using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model;

/// <summary>
/// One log record, whether it came as OTLP or as a line of a raw file chunk, read through the same members so a
/// processor that works on records is written once. Reading a raw record allocates nothing except where a member
/// says it makes a string. Attributes are the same set either way: the raw form's are the ones
/// <see cref="RawLogConversion"/> writes (<c>log.iostream</c>, <c>log.record.truncated</c>).
/// </summary>
public readonly ref struct LogRecordView
{
    private readonly LogRecord? _record;
    private readonly RawLogChunk? _chunk;
    private readonly int _entry;

    internal LogRecordView(LogRecord record, Resource resource)
    {
        _record = record;
        Resource = resource;
    }

    internal LogRecordView(RawLogChunk chunk, int entry)
    {
        _chunk = chunk;
        _entry = entry;
        Resource = chunk.Resource;
    }

    /// <summary>The resource of the record's group (or chunk).</summary>
    public Resource Resource { get; }

    /// <summary>True for a line of a raw file chunk, false for an OTLP record.</summary>
    public bool IsRaw => _chunk is not null;

    public long TimeUnixNano => _record is { } r ? (long)r.TimeUnixNano : Raw.TimeUnixNano;

    /// <summary>When the agent saw the record; for raw lines the chunk's read time, else the line's own time.</summary>
    public long ObservedTimeUnixNano => _record is { } r
        ? (long)r.ObservedTimeUnixNano
        : _chunk!.ObservedTimeUnixNano != 0 ? _chunk.ObservedTimeUnixNano : Raw.TimeUnixNano;

    public SeverityNumber SeverityNumber => _record?.SeverityNumber ?? (SeverityNumber)Raw.SeverityNumber;

    /// <summary>The level as written; a raw record's is decoded into a new string (empty when none).</summary>
    public string SeverityText => _record is { } r ? r.SeverityText : Raw.LevelOffset >= 0 && Raw.LevelLength > 0
        ? Encoding.UTF8.GetString(_chunk!.Field(Raw.LevelOffset, Raw.LevelLength))
        : string.Empty;

    /// <summary>A raw record's text as UTF-8, without a copy; empty for an OTLP record (use <see cref="BodyText"/>).</summary>
    public ReadOnlySpan<byte> RawBody => _chunk is null ? default : _chunk.Line(Raw);

    /// <summary>The body as text: a raw line decoded into a new string, an OTLP string body as is, another OTLP body in its JSON-like form.</summary>
    public string BodyText => _record is { } r
        ? r.Body is null ? string.Empty : r.Body.ValueCase == AnyValue.ValueOneofCase.StringValue ? r.Body.StringValue : r.Body.ToString()
        : Encoding.UTF8.GetString(RawBody);

    /// <summary>True when the record was cut at the source's size limit.</summary>
    public bool Truncated => _record is { } r ? HasTruncatedAttribute(r) : Raw.Truncated;

    /// <summary>How many attributes <see cref="AttributeAt"/> offers.</summary>
    public int AttributeCount => _record?.Attributes.Count ?? (RawIoStream is null ? 0 : 1) + (Raw.Truncated ? 1 : 0);

    /// <summary>
    /// The attribute at <paramref name="index"/>. The values of a raw record are shared: read them, never change
    /// them (copy first).
    /// </summary>
    public KeyValue AttributeAt(int index)
    {
        if (_record is { } r)
        {
            return r.Attributes[index];
        }

        if (RawIoStream is { } stream && index == 0)
        {
            return stream;
        }

        return index == AttributeCount - 1 && Raw.Truncated ? RawLogAttributes.Truncated : throw new ArgumentOutOfRangeException(nameof(index));
    }

    /// <summary>Writes the 16-byte trace id into <paramref name="destination"/>; false when the record has none.</summary>
    public bool TryGetTraceId(Span<byte> destination) => _record is { } r
        ? TryCopyId(r.TraceId, destination, 16)
        : TryParseHexId(_chunk!.Field(Raw.TraceIdOffset, Raw.TraceIdLength), destination, 16);

    /// <summary>Writes the 8-byte span id into <paramref name="destination"/>; false when the record has none.</summary>
    public bool TryGetSpanId(Span<byte> destination) => _record is { } r
        ? TryCopyId(r.SpanId, destination, 8)
        : TryParseHexId(_chunk!.Field(Raw.SpanIdOffset, Raw.SpanIdLength), destination, 8);

    private ref readonly RawLogEntry Raw => ref _chunk!.Entries[_entry];

    private KeyValue? RawIoStream => Raw.Stream switch
    {
        LogStream.Stdout => RawLogAttributes.Stdout,
        LogStream.Stderr => RawLogAttributes.Stderr,
        _ => null,
    };

    private static bool TryCopyId(ByteString? id, Span<byte> destination, int size)
    {
        if (id is null || id.Length != size)
        {
            return false;
        }

        id.Span.CopyTo(destination);
        return true;
    }

    /// <summary>The tailer found the id as hex text in the line (32 or 16 digits, either case).</summary>
    private static bool TryParseHexId(ReadOnlySpan<byte> hex, Span<byte> destination, int size)
    {
        if (hex.Length != size * 2)
        {
            return false;
        }

        Span<char> digits = stackalloc char[32];
        int count = Encoding.ASCII.GetChars(hex, digits);
        return Convert.FromHexString(digits[..count], destination[..size], out _, out int written) == System.Buffers.OperationStatus.Done
            && written == size;
    }

    private static bool HasTruncatedAttribute(LogRecord record)
    {
        foreach (var attribute in record.Attributes)
        {
            if (attribute.Key == RawLogAttributes.TruncatedKey && attribute.Value?.BoolValue == true)
            {
                return true;
            }
        }

        return false;
    }
}
