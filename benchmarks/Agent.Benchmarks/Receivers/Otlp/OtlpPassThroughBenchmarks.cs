using System.Buffers;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Otlp;
using Agent.Receivers.Otlp;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Benchmarks.Receivers.Otlp;

/// <summary>
/// What a pipeline that only touches resources (otlp receiver → batch → otlp exporter) does with two requests of
/// 512 spans (ten attributes each, as the load harness sends): parse, check, count, merge into one pending batch,
/// split it back at 512 spans and encode both parts as export requests. <see cref="PassThrough"/> keeps the spans
/// as the bytes they arrived in; <see cref="FullPath"/> decodes and encodes them as before. Figures are per span.
/// </summary>
[MemoryDiagnoser]
public class OtlpPassThroughBenchmarks
{
    private const int SpansPerRequest = 512;
    private const int Spans = 2 * SpansPerRequest;

    private static readonly OtlpLimitsOptions Limits = new();
    private readonly PassesEncoded _consumer = new();
    private readonly OtlpRequestEncoder<TracesBatch> _encoder = new(static batch => batch.Message, gzip: false);
    private readonly RequestPartitioner _partitioner = new(1);
    private readonly List<ExportRequest> _requests = new(2);
    private ReadOnlySequence<byte> _first;
    private ReadOnlySequence<byte> _second;

    [GlobalSetup]
    public void Setup()
    {
        _first = new ReadOnlySequence<byte>(Request(seed: 1).ToByteArray());
        _second = new ReadOnlySequence<byte>(Request(seed: 2).ToByteArray());
    }

    /// <summary>Body → WireRequest → clean check and count → merge/split → encode; the spans stay encoded.</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int PassThrough() => MergeSplitEncode(Intake(_first), Intake(_second));

    /// <summary>
    /// The same without the clean check, the batches then counted by a walk of their own (the check counts them on its
    /// way): what the pass-through costs besides <c>OtlpWireCheck</c>, give or take that walk.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int PassThroughWithoutCheck() => MergeSplitEncode(Unchecked(_first), Unchecked(_second));

    private TracesBatch Intake(ReadOnlySequence<byte> body)
    {
        var (request, pooled, spans) = OtlpWireIntake.TryParse(_consumer, body, Signal.Traces, Limits)!.Value;
        return new TracesBatch(request, pooled, spans);
    }

    private static TracesBatch Unchecked(ReadOnlySequence<byte> body)
    {
        var pooled = WireBody.CopyOf(body);
        return new TracesBatch(WireRequestReader.TryRead(pooled)!, pooled);
    }

    /// <summary>Decode, id validation and attribute limits, merge/split, encode: the path every request took before.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Spans)]
    public int FullPath() => MergeSplitEncode(Decoded(_first), Decoded(_second));

    private static TracesBatch Decoded(ReadOnlySequence<byte> body)
    {
        var request = OtlpPayload.ParseProtobuf(ExportTraceServiceRequest.Parser, body);
        OtlpIdValidation.RemoveInvalid(request);
        OtlpAttributeLimits.Apply(request, Limits);
        return new TracesBatch(request);
    }

    private int MergeSplitEncode(TracesBatch pending, TracesBatch next)
    {
        _ = pending.ItemCount;
        pending.Append(next);
        var front = pending.SplitFront(SpansPerRequest);
        _encoder.Encode(front, _partitioner, _requests);
        _encoder.Encode(pending, _partitioner, _requests);
        // As the exporter does once a batch is encoded: the pooled request bodies go back.
        front.ReleaseData();
        pending.ReleaseData();
        // The encoded parts are what the exporter would queue; handing their pooled buffers back ends the round.
        int bytes = _requests[0].Body.Length + _requests[1].Body.Length;
        _requests.ForEach(static request => request.Complete(DeliveryStatus.Delivered));
        _requests.Clear();
        return bytes;
    }

    private static ExportTraceServiceRequest Request(int seed)
    {
        var random = new Random(seed);
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "load-generator", Version = "1.0.0" } };
        for (int i = 0; i < SpansPerRequest; i++)
        {
            var ids = new byte[24];
            random.NextBytes(ids);
            ulong start = 1_700_000_000_000_000_000UL + (ulong)random.Next(1_000_000, 50_000_000);
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(ids, 0, 16),
                SpanId = ByteString.CopyFrom(ids, 16, 8),
                Name = "GET /api/v1/orders/{id}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = start,
                EndTimeUnixNano = start + 5_000_000,
                Attributes =
                {
                    Text("http.request.method", "GET"),
                    Text("http.route", "/api/v1/orders/{id}"),
                    Text("url.path", $"/api/v1/orders/{random.Next(1, 100_000)}"),
                    Text("url.scheme", "http"),
                    Number("http.response.status_code", 200),
                    Text("server.address", "orders.shop.svc"),
                    Number("server.port", 8080),
                    Text("network.protocol.version", "1.1"),
                    Number("load.sequence", i),
                    Number("load.batch", seed),
                },
            });
        }

        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(new ResourceSpans
        {
            Resource = new Resource { Attributes = { Text("service.name", "orders") } },
            ScopeSpans = { scope },
        });
        return request;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    /// <summary>What the receiver sees when everything behind it handles encoded records.</summary>
    private sealed class PassesEncoded : IConsumer<TracesBatch>, IHandlesEncodedRecords
    {
        public bool MutatesData => false;

        public bool HandlesEncodedRecords => true;

        public ValueTask ConsumeAsync(TracesBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
