using System.Buffers.Text;
using Agent.Exporters.Serialization;

namespace Agent.Exporters.Loki.Encoding;

/// <summary>
/// Writes Loki's JSON push body, for servers or proxies that do not take protobuf:
/// <c>{"streams":[{"stream":{"app":"x"},"values":[["&lt;unix ns&gt;","line",{"metadata":"value"}]]}]}</c>.
/// </summary>
internal sealed class LokiJsonPushWriter : LokiPushWriter
{
    public override string ContentType => "application/json";

    public override bool Compress => false;

    public override void BeginPush(PooledByteBuffer body)
    {
        body.Clear();
        body.WriteBytes("{\"streams\":["u8);
    }

    public override int BeginStream(PooledByteBuffer body, LokiStreamLabels labels, bool firstInPush)
    {
        int start = body.Length;
        if (!firstInPush)
        {
            body.WriteByte((byte)',');
        }

        body.WriteBytes("{\"stream\":{"u8);
        for (int i = 0; i < labels.Labels.Length; i++)
        {
            if (i > 0)
            {
                body.WriteByte((byte)',');
            }

            JsonText.WriteString(body, labels.Labels[i].Key);
            body.WriteByte((byte)':');
            JsonText.WriteString(body, labels.Labels[i].Value);
        }

        body.WriteBytes("},\"values\":["u8);
        return start;
    }

    public override void WriteEntry(PooledByteBuffer body, scoped in LokiEntry entry, bool firstInStream)
    {
        body.WriteBytes(firstInStream ? "[\""u8 : ",[\""u8);
        Utf8Formatter.TryFormat(entry.TimeUnixNano, body.GetSpan(20), out int written);
        body.Advance(written);
        body.WriteBytes("\","u8);
        JsonText.WriteString(body, entry.Line);

        int before = body.Length;
        body.WriteBytes(",{"u8);
        int membersStart = body.Length;
        AppendMembers(body, membersStart, entry.Resource.MetadataJson);
        AppendMember(body, membersStart, "log_iostream"u8, entry.Stream);
        if (entry.MetadataLevel != LokiLevels.None)
        {
            AppendMember(body, membersStart, "level"u8, LokiLevels.NameUtf8(entry.MetadataLevel));
        }

        AppendMember(body, membersStart, "trace_id"u8, entry.TraceId);
        AppendMember(body, membersStart, "span_id"u8, entry.SpanId);
        if (entry.Prepared is { } prepared)
        {
            AppendMembers(body, membersStart, prepared.MetadataJson);
        }

        if (body.Length == membersStart)
        {
            // No metadata: Loki reads a two-element value as well.
            body.Truncate(before);
        }
        else
        {
            body.WriteByte((byte)'}');
        }

        body.WriteByte((byte)']');
    }

    public override void EndStream(PooledByteBuffer body, int streamStart) => body.WriteBytes("]}"u8);

    public override void EndPush(PooledByteBuffer body) => body.WriteBytes("]}"u8);

    private static void AppendMembers(PooledByteBuffer body, int membersStart, ReadOnlySpan<byte> members)
    {
        if (members.IsEmpty)
        {
            return;
        }

        if (body.Length > membersStart)
        {
            body.WriteByte((byte)',');
        }

        body.WriteBytes(members);
    }

    private static void AppendMember(PooledByteBuffer body, int membersStart, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        if (body.Length > membersStart)
        {
            body.WriteByte((byte)',');
        }

        JsonText.WriteString(body, name);
        body.WriteByte((byte)':');
        JsonText.WriteString(body, value);
    }
}
