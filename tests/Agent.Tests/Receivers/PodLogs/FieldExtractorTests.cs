using System.Text;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class FieldExtractorTests
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Span = "00f067aa0ba902b7";

    public static TheoryData<string, string?, byte, string?, string?> Lines => new()
    {
        { $$"""{"level":"info","trace_id":"{{Trace}}","span_id":"{{Span}}","msg":"ok"}""", "info", 9, Trace, Span },
        { $$"""{"msg":"a \"level\":\"fake\" inside","severity":"WARNING","traceId":"{{Trace}}"}""", "WARNING", 13, Trace, null },
        { $$"""  { "lvl" : "dbg", "spanId" : "{{Span}}" }""", "dbg", 5, null, Span },
        { """{"level":"custom"}""", "custom", 0, null, null },
        { """{"level":30,"msg":"pino numbers are not levels we map"}""", null, 0, null, null },
        { $$"""{"trace_id":"{{Trace}}x","span_id":"{{Span[..15]}}"}""", null, 0, null, null },
        { $"level=error trace_id={Trace} span_id={Span} msg=\"boom\"", "error", 17, Trace, Span },
        { $"ts=2024-01-01T12:00:00Z msg=\"level=info is not a key here\" level=fatal traceid={Trace}", "fatal", 21, Trace, null },
        { "level=\"trace\" x=1", "trace", 1, null, null },
        // Quoted values longer than one vector, with escaped quotes and backslashes inside and at the end.
        { $"msg=\"a message longer than thirty-two bytes with an \\\" escaped quote\" level=warn trace_id={Trace}", "warn", 13, Trace, null },
        { $"msg=\"ends in an escaped backslash, and is long enough to be searched by vector \\\\\" span_id={Span}", null, 0, null, Span },
        { $"level=info msg=\"never closed, so nothing after it counts: trace_id={Trace} \\", "info", 9, null, null },
        { "mylevel=info", null, 0, null, null },
        { "plain text without fields", null, 0, null, null },
        { string.Empty, null, 0, null, null },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Finds_level_trace_and_span_in_json_and_logfmt(string line, string? level, byte severity, string? traceId, string? spanId)
    {
        var entry = Extract(new ExtractOptions(), line, out var bytes);

        Assert.Equal(level, Text(bytes, entry.LevelOffset, entry.LevelLength));
        Assert.Equal(severity, entry.SeverityNumber);
        Assert.Equal(traceId, Text(bytes, entry.TraceIdOffset, entry.TraceIdLength));
        Assert.Equal(spanId, Text(bytes, entry.SpanIdOffset, entry.SpanIdLength));
    }

    [Fact]
    public void Keys_and_fields_are_configurable()
    {
        var options = new ExtractOptions { LevelKeys = ["loglevel"], TraceId = false };
        var entry = Extract(options, $"loglevel=warn level=error trace_id={Trace}", out var bytes);

        Assert.Equal("warn", Text(bytes, entry.LevelOffset, entry.LevelLength));
        Assert.Equal(-1, entry.TraceIdOffset);
    }

    [Fact]
    public void Offsets_are_relative_to_the_chunk_not_the_line()
    {
        var extractor = new FieldExtractor(new ExtractOptions());
        var entry = new RawLogEntry { LevelOffset = -1, TraceIdOffset = -1, SpanIdOffset = -1 };
        extractor.Extract("level=info"u8, 100, ref entry);

        Assert.Equal(106, entry.LevelOffset);
    }

    private static RawLogEntry Extract(ExtractOptions options, string line, out byte[] bytes)
    {
        bytes = Encoding.UTF8.GetBytes(line);
        var entry = new RawLogEntry { LevelOffset = -1, TraceIdOffset = -1, SpanIdOffset = -1 };
        new FieldExtractor(options).Extract(bytes, 0, ref entry);
        return entry;
    }

    private static string? Text(byte[] bytes, int offset, int length) =>
        offset < 0 ? null : Encoding.UTF8.GetString(bytes, offset, length);
}
