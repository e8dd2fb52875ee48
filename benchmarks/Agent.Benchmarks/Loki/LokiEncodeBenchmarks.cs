using System.Text;
using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Loki;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Benchmarks.Loki;

/// <summary>
/// The Loki exporter's hot path without the network: a chunk of 188-byte file lines (one pod, one container)
/// planned into streams, written as logproto protobuf and snappy-compressed, per line. The OTLP case encodes the
/// same lines arriving as OTLP log records, for comparison. Streams are spread over the default ten shards, as the
/// exporter does.
/// </summary>
[MemoryDiagnoser]
public class LokiEncodeBenchmarks
{
    private const int Lines = 1000;
    private const int LineBytes = 188;
    private const long StartTime = 1_700_000_000_000_000_000;

    private static readonly RequestPartitioner Shards = new(new SendingQueueOptions().NumConsumers);

    private readonly LogsBatch _rawBatch = new();
    private readonly LogsBatch _otlpBatch = new();
    private RawLogChunk _chunk = null!;
    private LokiRequestBuilder _protobuf = null!;
    private LokiRequestBuilder _jsonLines = null!;
    private LokiRequestBuilder _jsonPush = null!;

    [GlobalSetup]
    public void Setup()
    {
        var resource = new Resource();
        Add(resource, "k8s.namespace.name", "shop");
        Add(resource, "k8s.pod.name", "checkout-7d9f8b6c5-x2x4k");
        Add(resource, "k8s.container.name", "checkout");
        Add(resource, "k8s.pod.uid", "0b8e5c2a-1111-2222-3333-444455556666");
        Add(resource, "service.name", "checkout");
        Add(resource, "service.namespace", "shop");
        Add(resource, "k8s.node.name", "node-3");

        _chunk = new RawLogChunk(resource, Lines * LineBytes, Lines);
        var scope = new ScopeLogs();
        for (int i = 0; i < Lines; i++)
        {
            string traceId = $"{i:x8}f3577b34da6a3ce929d0e0e4736";
            string text = $"2024-05-01T12:00:00.{i:D6}Z INFO request served method=GET path=/api/v1/cart/{i:D6} status=200 duration_ms=12 trace_id={traceId} user=alice@example.com ";
            text = text.PadRight(LineBytes, 'x')[..LineBytes];
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            int offset = _chunk.Length;
            bytes.CopyTo(_chunk.GetSpan(bytes.Length));
            _chunk.Advance(bytes.Length);
            int traceAt = text.IndexOf(traceId, StringComparison.Ordinal);
            _chunk.Add(new RawLogEntry
            {
                TimeUnixNano = StartTime + (i * 1_000_000L),
                Offset = offset,
                Length = bytes.Length,
                Stream = LogStream.Stdout,
                SeverityNumber = 9,
                LevelOffset = offset + 28,
                LevelLength = 4,
                TraceIdOffset = offset + traceAt,
                TraceIdLength = traceId.Length,
                SpanIdOffset = -1,
            });
            scope.LogRecords.Add(new LogRecord
            {
                TimeUnixNano = (ulong)(StartTime + (i * 1_000_000L)),
                SeverityNumber = SeverityNumber.Info,
                Body = new AnyValue { StringValue = text },
                Attributes = { new KeyValue { Key = "log.iostream", Value = new AnyValue { StringValue = "stdout" } } },
            });
        }

        _rawBatch.Raw.Add(_chunk);
        var group = new ResourceLogs { Resource = resource };
        group.ScopeLogs.Add(scope);
        _otlpBatch.Data.ResourceLogs.Add(group);

        _protobuf = Builder(new LokiExporterOptions());
        _jsonLines = Builder(new LokiExporterOptions { Format = LokiLineFormat.Json });
        _jsonPush = Builder(new LokiExporterOptions { Encoding = LokiEncoding.Json });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _protobuf.Dispose();
        _jsonLines.Dispose();
        _jsonPush.Dispose();
        _chunk.Dispose();
    }

    /// <summary>The default: raw lines, protobuf, snappy.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public int RawLines_Protobuf_Snappy() => EncodeAll(_protobuf, _rawBatch);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int RawLines_JsonLineFormat_Protobuf_Snappy() => EncodeAll(_jsonLines, _rawBatch);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int RawLines_JsonPush() => EncodeAll(_jsonPush, _rawBatch);

    [Benchmark(OperationsPerInvoke = Lines)]
    public int OtlpRecords_Protobuf_Snappy() => EncodeAll(_protobuf, _otlpBatch);

    private static LokiRequestBuilder Builder(LokiExporterOptions options) => new(new LokiLabelMapper(options), options);

    private static int EncodeAll(LokiRequestBuilder builder, LogsBatch batch)
    {
        builder.Plan(batch, Shards);
        int bytes = 0;
        while (builder.TryBuildNext(out var push))
        {
            bytes += push.Body.Length;
        }

        return bytes;
    }

    private static void Add(Resource resource, string key, string value) =>
        resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
}
