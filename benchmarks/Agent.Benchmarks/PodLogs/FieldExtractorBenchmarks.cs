using System.Text;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using BenchmarkDotNet.Attributes;

namespace Agent.Benchmarks.PodLogs;

/// <summary>Per-line cost of finding level, trace id and span id in logfmt and JSON lines.</summary>
[MemoryDiagnoser]
public class FieldExtractorBenchmarks
{
    private readonly FieldExtractor _extractor = new(new ExtractOptions());
    private byte[] _logfmt = [];
    private byte[] _json = [];
    private byte[] _logfmtWithoutIds = [];

    [GlobalSetup]
    public void Setup()
    {
        _logfmt = Encoding.UTF8.GetBytes("level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg=\"GET /api/items/00042 200\" took=1.2ms n=42 user=alice region=eu-west-1");
        // The load harness's line: no trace id, so the whole line is scanned, and a long quoted text at the end.
        _logfmtWithoutIds = Encoding.UTF8.GetBytes("level=info msg=\"GET /api/v1/orders/4242 200\" duration_ms=117 seq=0000004242 detail=\"" + new string('a', 96) + "\"");
        _json = Encoding.UTF8.GetBytes("{\"ts\":\"2024-01-01T12:00:00Z\",\"level\":\"info\",\"msg\":\"GET /api/items/00042 200\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\"}");
    }

    [Benchmark]
    public int Logfmt() => Extract(_logfmt);

    [Benchmark]
    public int LogfmtWithoutIds() => Extract(_logfmtWithoutIds);

    [Benchmark]
    public int Json() => Extract(_json);

    private int Extract(byte[] line)
    {
        var entry = new RawLogEntry { LevelOffset = -1, TraceIdOffset = -1, SpanIdOffset = -1 };
        _extractor.Extract(line, 0, ref entry);
        return entry.LevelOffset + entry.TraceIdOffset + entry.SpanIdOffset;
    }
}
