using System.Text;
using Agent.Core.Model;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Model;

/// <summary>One view over raw lines and OTLP records: a record reads the same before and after conversion.</summary>
public class LogRecordViewTests
{
    private const string TraceHex = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanHex = "00f067aa0ba902b7";

    /// <summary>A chunk with a cut stderr line carrying a level and ids, and a plain line without a stream.</summary>
    private static RawLogChunk Chunk()
    {
        var chunk = new RawLogChunk(ResourceOf("file"), bufferSize: 512) { ObservedTimeUnixNano = 5_000 };
        string first = $"{{\"level\":\"warn\",\"trace_id\":\"{TraceHex}\",\"span_id\":\"{SpanHex}\",\"msg\":\"dis";
        int start = Write(chunk, first);
        chunk.Add(new RawLogEntry
        {
            TimeUnixNano = 1_000,
            Offset = start,
            Length = Encoding.UTF8.GetByteCount(first),
            Stream = LogStream.Stderr,
            SeverityNumber = 13,
            Truncated = true,
            LevelOffset = start + first.IndexOf("warn", StringComparison.Ordinal),
            LevelLength = 4,
            TraceIdOffset = start + first.IndexOf(TraceHex, StringComparison.Ordinal),
            TraceIdLength = 32,
            SpanIdOffset = start + first.IndexOf(SpanHex, StringComparison.Ordinal),
            SpanIdLength = 16,
        });
        int second = Write(chunk, "plain é");
        chunk.Add(new RawLogEntry { TimeUnixNano = 2_000, Offset = second, Length = Encoding.UTF8.GetByteCount("plain é"), LevelOffset = -1, TraceIdOffset = -1, SpanIdOffset = -1 });
        return chunk;
    }

    private static int Write(RawLogChunk chunk, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        int offset = chunk.Length;
        bytes.CopyTo(chunk.GetSpan(bytes.Length));
        chunk.Advance(bytes.Length);
        return offset;
    }

    /// <summary>Everything a view shows, as plain values, so raw and OTLP forms can be compared field by field.</summary>
    private static List<string> Describe(LogsBatch batch)
    {
        var lines = new List<string>();
        Span<byte> id = stackalloc byte[16];
        foreach (var record in batch.Records)
        {
            var attributes = new List<string>();
            for (int i = 0; i < record.AttributeCount; i++)
            {
                attributes.Add(record.AttributeAt(i).ToString());
            }

            string trace = record.TryGetTraceId(id) ? Convert.ToHexStringLower(id[..16]) : "-";
            string span = record.TryGetSpanId(id) ? Convert.ToHexStringLower(id[..8]) : "-";
            lines.Add($"{record.Resource.Attributes[0].Value.StringValue}|{record.TimeUnixNano}|{record.ObservedTimeUnixNano}|{record.SeverityNumber}|{record.SeverityText}|{record.BodyText}|{record.Truncated}|{trace}|{span}|{string.Join(";", attributes)}");
        }

        return lines;
    }

    [Fact]
    public void Raw_lines_read_as_records_with_every_field()
    {
        var batch = new LogsBatch();
        batch.Raw.Add(Chunk());

        var lines = Describe(batch);

        Assert.Equal(2, lines.Count);
        Assert.StartsWith($"file|1000|5000|Warn|warn|{{\"level\":\"warn\"", lines[0], StringComparison.Ordinal);
        Assert.EndsWith($"|True|{TraceHex}|{SpanHex}|{{ \"key\": \"log.iostream\", \"value\": {{ \"stringValue\": \"stderr\" }} }};{{ \"key\": \"log.record.truncated\", \"value\": {{ \"boolValue\": true }} }}", lines[0], StringComparison.Ordinal);
        Assert.Equal("file|2000|5000|Unspecified||plain é|False|-|-|", lines[1]);
    }

    [Fact]
    public void A_converted_chunk_reads_exactly_as_the_raw_one_truncation_and_attributes_included()
    {
        var raw = new LogsBatch();
        raw.Raw.Add(Chunk());

        var converted = new LogsBatch(raw.ToOtlp());

        Assert.Empty(converted.Raw);
        Assert.Equal(Describe(raw), Describe(converted));
        var record = converted.Data.ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Assert.True(record.Attributes.Single(a => a.Key == RawLogConversion.TruncatedAttribute).Value.BoolValue);
        Assert.Equal("stderr", record.Attributes.Single(a => a.Key == RawLogConversion.IoStreamAttribute).Value.StringValue);
        Assert.DoesNotContain(converted.Data.ResourceLogs[0].ScopeLogs[0].LogRecords[1].Attributes, a => a.Key == RawLogConversion.TruncatedAttribute);
    }

    [Fact]
    public void Otlp_records_come_first_then_raw_lines_and_non_string_bodies_read_as_text()
    {
        var batch = Logs(("a", 2), ("b", 1));
        batch.Data.ResourceLogs[1].ScopeLogs[0].LogRecords[0].Body = new AnyValue { IntValue = 42 };
        batch.Data.ResourceLogs[0].ScopeLogs[0].LogRecords[1].TraceId = ByteString.CopyFrom(Convert.FromHexString(TraceHex));
        batch.Data.ResourceLogs[0].ScopeLogs.Add(new ScopeLogs()); // an empty scope is skipped
        batch.Raw.Add(RawChunk("file", 2));
        Span<byte> trace = stackalloc byte[16];

        var bodies = new List<string>();
        var traced = new List<bool>();
        foreach (var record in batch.Records)
        {
            bodies.Add(record.BodyText);
            traced.Add(record.TryGetTraceId(trace));
        }

        Assert.Equal(["a-0", "a-1", "{ \"intValue\": \"42\" }", "file-0", "file-1"], bodies);
        Assert.Equal([false, true, false, false, false], traced);
        Assert.Equal(TraceHex, Convert.ToHexStringLower(trace));
    }
}
