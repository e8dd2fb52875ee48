using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Benchmarks.PodLogs;

/// <summary>
/// Per-line cost of the pod log parsers on 188-byte lines: framing only (CRI, docker), and the whole decode of a
/// line into a chunk (split, parse, UTF-8 check, copy, field extraction). Results are per line.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const int Lines = 1000;

    private byte[] _cri = [];
    private byte[] _docker = [];
    private byte[] _scratch = [];
    private RawLogChunk _chunk = null!;
    private LineDecoder _criDecoder = null!;
    private LineDecoder _dockerDecoder = null!;
    private LineDecoder _criPlainDecoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cri = PodLogLines.Block(PodLogLines.Cri, Lines);
        _docker = PodLogLines.Block(PodLogLines.Docker, Lines);
        _scratch = new byte[PodLogLines.LineSize];
        _chunk = new RawLogChunk(new Resource(), 512 * 1024, 2 * Lines);
        var extractor = new FieldExtractor(new ExtractOptions());
        _criDecoder = new LineDecoder(LogFormat.Cri, 1 << 20, extractor, new BenchmarkHost().Context().ReceiverTelemetry());
        _dockerDecoder = new LineDecoder(LogFormat.Docker, 1 << 20, extractor, new BenchmarkHost().Context().ReceiverTelemetry());
        _criPlainDecoder = new LineDecoder(LogFormat.Cri, 1 << 20, new FieldExtractor(new ExtractOptions { Level = false, TraceId = false, SpanId = false }), new BenchmarkHost().Context().ReceiverTelemetry());
        if (_cri.Length != Lines * PodLogLines.LineSize || _docker.Length != Lines * PodLogLines.LineSize ||
            DecodeInto(_criDecoder, _cri) != Lines || DecodeInto(_dockerDecoder, _docker) != Lines ||
            _chunk.Entries[0].TraceIdOffset < 0)
        {
            throw new InvalidOperationException("The benchmark lines do not decode as expected.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _chunk.Dispose();
        _criDecoder.Dispose();
        _dockerDecoder.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public long CriParse()
    {
        long sum = 0;
        ReadOnlySpan<byte> rest = _cri;
        while (LineSplitter.TryReadLine(rest, out var line, out int used))
        {
            CriParser.TryParse(line, out var cri);
            sum += cri.TimeUnixNano + cri.Content.Length;
            rest = rest[used..];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public long DockerParse()
    {
        long sum = 0;
        ReadOnlySpan<byte> rest = _docker;
        while (LineSplitter.TryReadLine(rest, out var line, out int used))
        {
            DockerParser.TryParse(line, _scratch, out var docker);
            sum += docker.TimeUnixNano + docker.ContentLength;
            rest = rest[used..];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int CriDecodeIntoChunk() => DecodeInto(_criDecoder, _cri);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int CriDecodeNoFields() => DecodeInto(_criPlainDecoder, _cri);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int DockerDecodeIntoChunk() => DecodeInto(_dockerDecoder, _docker);

    private int DecodeInto(LineDecoder decoder, byte[] block)
    {
        _chunk.Reset();
        decoder.Reset(TailPosition.Start);
        decoder.Decode(block, _chunk, 0);
        return _chunk.Count;
    }
}
