using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace Agent.Core.Model;

/// <summary>
/// Turns raw file lines into OTLP log records, for exporters that speak OTLP. It reads each line through
/// <see cref="LogRecordView"/>, so the record carries exactly what the view shows: times, severity, body, trace and
/// span ids, and every attribute, <c>log.record.truncated</c> included.
/// </summary>
public static class RawLogConversion
{
    public const string IoStreamAttribute = RawLogAttributes.IoStreamKey;

    /// <summary>Set to <c>true</c> on a record that was cut at the source's size limit; absent otherwise.</summary>
    public const string TruncatedAttribute = RawLogAttributes.TruncatedKey;

    public static ResourceLogs ToResourceLogs(RawLogChunk chunk)
    {
        var scope = new ScopeLogs();
        Span<byte> id = stackalloc byte[16];
        for (int i = 0; i < chunk.Count; i++)
        {
            var view = new LogRecordView(chunk, i);
            var record = new LogRecord
            {
                TimeUnixNano = (ulong)view.TimeUnixNano,
                ObservedTimeUnixNano = (ulong)view.ObservedTimeUnixNano,
                SeverityNumber = view.SeverityNumber,
                SeverityText = view.SeverityText,
                Body = new AnyValue { StringValue = view.BodyText },
            };
            for (int a = 0; a < view.AttributeCount; a++)
            {
                record.Attributes.Add(view.AttributeAt(a).Clone());
            }

            if (view.TryGetTraceId(id))
            {
                record.TraceId = ByteString.CopyFrom(id[..16]);
            }

            if (view.TryGetSpanId(id))
            {
                record.SpanId = ByteString.CopyFrom(id[..8]);
            }

            scope.LogRecords.Add(record);
        }

        var group = new ResourceLogs { Resource = chunk.Resource.Clone() };
        group.ScopeLogs.Add(scope);
        return group;
    }
}
