using Agent.Core.Model;
using Agent.Exporters.Serialization;
using Google.Protobuf;
using OpenTelemetry.Proto.Logs.V1;

namespace Agent.Exporters.Loki.Encoding;

/// <summary>
/// The line Loki stores for a record under <c>format</c>: the body itself (raw), or a JSON object / logfmt pairs
/// with <c>body</c>, <c>severity</c>, <c>trace_id</c>, <c>span_id</c> and the record's attributes. Raw file lines
/// are formatted into a reused scratch buffer, so the hot path allocates nothing.
/// </summary>
internal static class LokiLineFormatter
{
    private static readonly byte[] Stdout = "stdout"u8.ToArray();
    private static readonly byte[] Stderr = "stderr"u8.ToArray();

    /// <summary>The line of a raw file entry; <paramref name="scratch"/> holds it unless the format is raw.</summary>
    public static ReadOnlySpan<byte> Format(LokiLineFormat format, PooledByteBuffer scratch, RawLogChunk chunk, in RawLogEntry entry, int level)
    {
        var body = chunk.Line(entry);
        if (format == LokiLineFormat.Raw)
        {
            return body;
        }

        var severity = level != LokiLevels.None ? LokiLevels.NameUtf8(level) : Field(chunk, entry.LevelOffset, entry.LevelLength);
        var traceId = Field(chunk, entry.TraceIdOffset, entry.TraceIdLength);
        var spanId = Field(chunk, entry.SpanIdOffset, entry.SpanIdLength);
        var stream = StreamName(entry.Stream);
        scratch.Clear();
        if (format == LokiLineFormat.Json)
        {
            scratch.WriteBytes("{\"body\":"u8);
            JsonText.WriteString(scratch, body);
            WriteJsonField(scratch, "severity"u8, severity);
            WriteJsonField(scratch, "trace_id"u8, traceId);
            WriteJsonField(scratch, "span_id"u8, spanId);
            if (!stream.IsEmpty)
            {
                scratch.WriteBytes(",\"attributes\":{\"log.iostream\":"u8);
                JsonText.WriteString(scratch, stream);
                scratch.WriteByte((byte)'}');
            }

            scratch.WriteByte((byte)'}');
        }
        else
        {
            LogfmtText.WritePair(scratch, "body"u8, body);
            WriteLogfmtField(scratch, "severity"u8, severity);
            WriteLogfmtField(scratch, "trace_id"u8, traceId);
            WriteLogfmtField(scratch, "span_id"u8, spanId);
            WriteLogfmtField(scratch, "log.iostream"u8, stream);
        }

        return scratch.WrittenSpan;
    }

    /// <summary>The line of an OTLP record (this path may allocate: OTLP records are objects already).</summary>
    public static byte[] Format(LokiLineFormat format, LogRecord record, int level)
    {
        if (format == LokiLineFormat.Raw)
        {
            return System.Text.Encoding.UTF8.GetBytes(AnyValueText.ToText(record.Body));
        }

        string severity = !string.IsNullOrEmpty(record.SeverityText) ? record.SeverityText : LokiLevels.Name(level);
        string traceId = Hex(record.TraceId);
        string spanId = Hex(record.SpanId);
        using var line = new PooledByteBuffer(256);
        if (format == LokiLineFormat.Json)
        {
            line.WriteBytes("{\"body\":"u8);
            AnyValueText.WriteJson(line, record.Body);
            WriteJsonField(line, "severity"u8, Utf8(severity));
            WriteJsonField(line, "trace_id"u8, Utf8(traceId));
            WriteJsonField(line, "span_id"u8, Utf8(spanId));
            if (record.Attributes.Count > 0)
            {
                line.WriteBytes(",\"attributes\":"u8);
                AnyValueText.WriteJsonObject(line, record.Attributes);
            }

            line.WriteByte((byte)'}');
        }
        else
        {
            LogfmtText.WritePair(line, "body"u8, Utf8(AnyValueText.ToText(record.Body)));
            WriteLogfmtField(line, "severity"u8, Utf8(severity));
            WriteLogfmtField(line, "trace_id"u8, Utf8(traceId));
            WriteLogfmtField(line, "span_id"u8, Utf8(spanId));
            foreach (var attribute in record.Attributes)
            {
                string key = LogfmtKey(attribute.Key);
                WriteLogfmtField(line, Utf8(key), Utf8(AnyValueText.ToText(attribute.Value)));
            }
        }

        return line.WrittenSpan.ToArray();
    }

    public static ReadOnlySpan<byte> StreamName(LogStream stream) => stream switch
    {
        LogStream.Stdout => Stdout,
        LogStream.Stderr => Stderr,
        _ => default,
    };

    /// <summary>A trace or span id as lowercase hex; empty when the record has none.</summary>
    public static string Hex(ByteString id) => id.IsEmpty ? string.Empty : Convert.ToHexStringLower(id.Span);

    private static ReadOnlySpan<byte> Field(RawLogChunk chunk, int offset, int length) =>
        offset >= 0 && length > 0 ? chunk.Field(offset, length) : default;

    private static void WriteJsonField(PooledByteBuffer output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        output.WriteByte((byte)',');
        JsonText.WriteString(output, name);
        output.WriteByte((byte)':');
        JsonText.WriteString(output, value);
    }

    private static void WriteLogfmtField(PooledByteBuffer output, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            LogfmtText.WritePair(output, key, value);
        }
    }

    /// <summary>Attribute keys with dots stay readable in logfmt; keys a logfmt reader would split are sanitized.</summary>
    private static string LogfmtKey(string key) =>
        key.Length > 0 && key.All(c => c > ' ' && c != '=' && c != '"' && c < 0x7f) ? key : LokiLabelNames.Sanitize(key) ?? "_";

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
