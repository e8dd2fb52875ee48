using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace Agent.Core.Model;

/// <summary>Turns raw file lines into OTLP log records, for exporters that speak OTLP.</summary>
public static class RawLogConversion
{
    public const string IoStreamAttribute = "log.iostream";

    public static ResourceLogs ToResourceLogs(RawLogChunk chunk)
    {
        var scope = new ScopeLogs();
        foreach (ref readonly var entry in chunk.Entries)
        {
            var record = new LogRecord
            {
                TimeUnixNano = (ulong)entry.TimeUnixNano,
                ObservedTimeUnixNano = (ulong)(chunk.ObservedTimeUnixNano != 0 ? chunk.ObservedTimeUnixNano : entry.TimeUnixNano),
                SeverityNumber = (SeverityNumber)entry.SeverityNumber,
                Body = new AnyValue { StringValue = Encoding.UTF8.GetString(chunk.Line(entry)) },
            };
            if (entry.LevelOffset >= 0 && entry.LevelLength > 0)
            {
                record.SeverityText = Encoding.UTF8.GetString(chunk.Field(entry.LevelOffset, entry.LevelLength));
            }

            if (entry.Stream != LogStream.Unknown)
            {
                record.Attributes.Add(new KeyValue
                {
                    Key = IoStreamAttribute,
                    Value = new AnyValue { StringValue = entry.Stream == LogStream.Stdout ? "stdout" : "stderr" },
                });
            }

            if (TryHex(chunk.Field(entry.TraceIdOffset, entry.TraceIdLength), 16, out var traceId))
            {
                record.TraceId = traceId;
            }

            if (TryHex(chunk.Field(entry.SpanIdOffset, entry.SpanIdLength), 8, out var spanId))
            {
                record.SpanId = spanId;
            }

            scope.LogRecords.Add(record);
        }

        var group = new ResourceLogs { Resource = chunk.Resource.Clone() };
        group.ScopeLogs.Add(scope);
        return group;
    }

    private static bool TryHex(ReadOnlySpan<byte> text, int size, out ByteString value)
    {
        value = ByteString.Empty;
        if (text.Length != size * 2)
        {
            return false;
        }

        var bytes = new byte[size];
        var status = Convert.FromHexString(Encoding.ASCII.GetString(text), bytes, out _, out int written);
        if (status != System.Buffers.OperationStatus.Done || written != size)
        {
            return false;
        }

        value = ByteString.CopyFrom(bytes);
        return true;
    }
}
