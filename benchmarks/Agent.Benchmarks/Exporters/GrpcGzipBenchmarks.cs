using System.IO.Compression;
using Agent.Exporters.Otlp;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Grpc.Net.Compression;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Benchmarks.Exporters;

/// <summary>
/// One gzip-compressed export message the way Grpc.Net.Client makes it (a new MemoryStream, the provider's stream
/// over it, one write, disposal), with gRPC's own gzip provider and with the exporter's pooled one. The message is an
/// encoded trace request of 2,000 HTTP server spans, what the batch processor sends at 10,000 spans/s.
/// </summary>
[MemoryDiagnoser]
public class GrpcGzipBenchmarks
{
    private static readonly string[] Routes = ["/api/v1/orders/{id}", "/api/v1/carts/{id}/items", "/api/v1/products", "/healthz"];

    private readonly ICompressionProvider _grpcGzip = new GzipCompressionProvider(CompressionLevel.Fastest);
    private readonly ICompressionProvider _pooledGzip = new PooledGzipCompression();
    private byte[] _message = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "load" } };
        for (int i = 0; i < 2000; i++)
        {
            var span = new Span
            {
                TraceId = ByteString.CopyFrom(RandomBytes(random, 16)),
                SpanId = ByteString.CopyFrom(RandomBytes(random, 8)),
                Name = "GET " + Routes[i % Routes.Length],
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                EndTimeUnixNano = 1_700_000_000_000_500_000UL + (ulong)i,
            };
            span.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = Routes[i % Routes.Length] } });
            span.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 + (i % 3) } });
            span.Attributes.Add(new KeyValue { Key = "user_agent.original", Value = new AnyValue { StringValue = "Mozilla/5.0 (X11; Linux x86_64)" } });
            scope.Spans.Add(span);
        }

        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans { ScopeSpans = { scope } });
        _message = request.ToByteArray();
    }

    [Benchmark(Baseline = true)]
    public long GrpcProvider() => Compress(_grpcGzip);

    [Benchmark]
    public long PooledProvider() => Compress(_pooledGzip);

    private long Compress(ICompressionProvider provider)
    {
        var output = new MemoryStream();
        using (var compression = provider.CreateCompressionStream(output, CompressionLevel.Fastest))
        {
            compression.Write(_message);
        }

        return output.Length;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
