using System.Buffers;
using System.Net.Http.Headers;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.Otlp.Grpc;
using Agent.Receivers.Otlp;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Benchmarks.Receivers.Otlp;

/// <summary>
/// The OTLP receiver on one request of <see cref="Spans"/> spans: decoding alone (protobuf and OTLP/JSON), and a
/// full export round trip over gRPC and HTTP/protobuf through a real Kestrel on loopback, with a pipeline that
/// acknowledges at once. Spans per second = Spans / mean time. Also the attribute limits' check alone, on a request
/// within them.
/// </summary>
[MemoryDiagnoser]
public class OtlpReceiverBenchmarks
{
    private static readonly OtlpLimitsOptions DefaultLimits = new();
    private static readonly OtlpLimitsOptions LengthLimits = new() { MaxAttributeValueLength = 65536 };

    private byte[] _protobuf = [];
    private byte[] _json = [];
    private ExportTraceServiceRequest _request = new();
    private IComponent _receiver = null!;
    private GrpcChannel _channel = null!;
    private TraceService.TraceServiceClient _grpc = null!;
    private HttpClient _http = null!;
    private Uri _httpTraces = null!;

    [Params(512)]
    public int Spans { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _request = Request(Spans);
        _protobuf = _request.ToByteArray();
        _json = System.Text.Encoding.UTF8.GetBytes(JsonWithHexIds(_request));

        var options = new OtlpReceiverOptions();
        options.Protocols.Grpc!.Endpoint = "127.0.0.1:0";
        options.Protocols.Http!.Endpoint = "127.0.0.1:0";
        var receiver = (OtlpReceiver)new OtlpReceiverFactory().CreateReceiver(
            new ComponentContext(new ComponentId("otlp", "bench"), options, new BenchmarkHost()),
            new ReceiverConsumers(new Acknowledging(), null, null));
        await receiver.StartAsync(CancellationToken.None);
        _receiver = receiver;
        _channel = GrpcChannel.ForAddress($"http://{receiver.GrpcEndPoints[0]}");
        _grpc = new TraceService.TraceServiceClient(_channel);
        _http = new HttpClient();
        _httpTraces = new Uri($"http://{receiver.HttpEndPoints[0]}/v1/traces");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _http.Dispose();
        _channel.Dispose();
        await _receiver.ShutdownAsync(CancellationToken.None);
    }

    [Benchmark]
    public ExportTraceServiceRequest DecodeProtobuf() =>
        OtlpPayload.Decode(ExportTraceServiceRequest.Parser, OtlpJsonIds.Fix, new ReadOnlySequence<byte>(_protobuf), OtlpEncoding.Protobuf);

    [Benchmark]
    public ExportTraceServiceRequest DecodeJson() =>
        OtlpPayload.Decode(ExportTraceServiceRequest.Parser, OtlpJsonIds.Fix, new ReadOnlySequence<byte>(_json), OtlpEncoding.Json);

    /// <summary>The receiver's default attribute limits on a request within them: only reads, allocates nothing.</summary>
    [Benchmark]
    public int LimitAttributesDefaults() => OtlpAttributeLimits.Apply(_request, DefaultLimits).Dropped;

    /// <summary>The same with a value length limit too, so every string value is looked at.</summary>
    [Benchmark]
    public int LimitAttributesWithLength() => OtlpAttributeLimits.Apply(_request, LengthLimits).Truncated;

    [Benchmark]
    public async Task<ExportTraceServiceResponse> ExportOverGrpc() => await _grpc.ExportAsync(_request);

    [Benchmark]
    public async Task<int> ExportOverHttpProtobuf()
    {
        var content = new ByteArrayContent(_protobuf);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await _http.PostAsync(_httpTraces, content);
        return (int)response.StatusCode;
    }

    private static ExportTraceServiceRequest Request(int spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "bench", Version = "1.0" } };
        var random = new Random(7);
        for (int i = 0; i < spans; i++)
        {
            var ids = new byte[24];
            random.NextBytes(ids);
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(ids, 0, 16),
                SpanId = ByteString.CopyFrom(ids, 16, 8),
                Name = "GET /api/orders/{id}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i,
                EndTimeUnixNano = 1_700_000_000_005_000_000UL + (ulong)i,
                Attributes =
                {
                    new KeyValue { Key = "http.request.method", Value = new AnyValue { StringValue = "GET" } },
                    new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } },
                    new KeyValue { Key = "url.path", Value = new AnyValue { StringValue = $"/api/orders/{i}" } },
                },
            });
        }

        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "orders" } } } },
            ScopeSpans = { scope },
        });
        return request;
    }

    /// <summary>The OTLP/JSON form: the protobuf JSON mapping with ids as hex instead of base64.</summary>
    private static string JsonWithHexIds(ExportTraceServiceRequest request)
    {
        var copy = request.Clone();
        foreach (var span in copy.ResourceSpans.SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans))
        {
            // Store the hex text's base64 reading, so the formatter prints the hex text back.
            span.TraceId = ByteString.FromBase64(Convert.ToHexStringLower(span.TraceId.Span));
            span.SpanId = ByteString.FromBase64(Convert.ToHexStringLower(span.SpanId.Span));
        }

        return new JsonFormatter(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true)).Format(copy);
    }

    private sealed class Acknowledging : IConsumer<TracesBatch>
    {
        public bool MutatesData => false;

        public ValueTask ConsumeAsync(TracesBatch batch, CancellationToken cancellationToken)
        {
            batch.Complete(DeliveryStatus.Delivered);
            return ValueTask.CompletedTask;
        }
    }
}
