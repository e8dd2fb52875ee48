using System.Net.Http.Headers;
using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Service;
using Agent.Tests.Fakes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// Behind an <c>otlp</c> receiver whose pipelines only touch resources (memory_limiter, k8sattributes, resource,
/// batch) and end in an OTLP exporter, records pass as the bytes they arrived in: the backend gets each scope group
/// exactly as the client sent it, with unknown fields where the client put them (a decode would move them last),
/// and the resource edited. Dirty input still gets the full path's answers.
/// </summary>
public sealed class OtlpPassThroughTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-pass-through-").FullName;
    private readonly int _grpcPort = FakeOtlpBackend.FreePort();
    private readonly int _httpPort = FakeOtlpBackend.FreePort();
    private FakeOtlpBackend _backend = null!;
    private AgentInstance _agent = null!;

    public async Task InitializeAsync()
    {
        _backend = await FakeOtlpBackend.StartAsync();
        _agent = await AgentInstance.StartAsync(Load(Yaml(extraTraceExporter: null)), NullLoggerFactory.Instance, _directory, TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Yaml(string? extraTraceExporter) => $$"""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: "127.0.0.1:{{_grpcPort}}"}
              http: {endpoint: "127.0.0.1:{{_httpPort}}"}
        processors:
          memory_limiter: {check_interval: 1s, limit_percentage: 99, spike_limit_percentage: 1}
          k8sattributes: {passthrough: true}
          resource:
            attributes:
              - {key: deployment.environment, value: test, action: upsert}
          batch: {timeout: 50ms}
        exporters:
          otlphttp: {endpoint: "{{_backend.HttpEndpoint}}"}
        connectors:
          spanmetrics: {metrics_flush_interval: 100ms}
        service:
          telemetry: {metrics: {level: none} }
          pipelines:
            traces: {receivers: [otlp], processors: [memory_limiter, k8sattributes, resource, batch], exporters: [otlphttp{{extraTraceExporter}}]}
            metrics: {receivers: [otlp{{(extraTraceExporter is null ? string.Empty : ", spanmetrics")}}], processors: [memory_limiter, resource, batch], exporters: [otlphttp]}
            logs: {receivers: [otlp], processors: [resource, batch], exporters: [otlphttp]}
        """;

    private static AgentConfig Load(string yaml) => new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("pass-through.yaml", yaml);

    private bool ReceiverPassesEncoded(Signal signal)
    {
        var inputs = _agent.Topology.InputsOf(new ComponentId("otlp"));
        object? consumer = signal switch
        {
            Signal.Traces => inputs.Traces,
            Signal.Metrics => inputs.Metrics,
            _ => inputs.Logs,
        };
        return Assert.IsAssignableFrom<IHandlesEncodedRecords>(consumer).HandlesEncodedRecords;
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(Signal.Traces, "grpc")]
    [InlineData(Signal.Traces, "http")]
    [InlineData(Signal.Metrics, "grpc")]
    [InlineData(Signal.Metrics, "http")]
    [InlineData(Signal.Logs, "grpc")]
    [InlineData(Signal.Logs, "http")]
    public async Task The_backend_gets_each_scope_group_as_the_client_sent_it_with_the_resource_edited(Signal signal, string transport)
    {
        var (body, scope) = signal switch
        {
            Signal.Traces => EncodedBodies.Traces("checkout", spans: 3),
            Signal.Metrics => EncodedBodies.Metrics("checkout"),
            _ => EncodedBodies.Logs("checkout"),
        };
        Assert.True(ReceiverPassesEncoded(signal));
        Assert.NotEqual(scope, Redecoded(signal, scope));

        await SendAsync(signal, transport, body);

        var arrived = await Eventually.ReadUntilAsync(() => Task.FromResult(_backend.HttpBodiesOf(signal)), b => b.Count > 0, "the request at the backend");
        var group = Assert.Single(WireRequest.Parser.ParseFrom(Assert.Single(arrived)).Groups);
        Assert.Equal(scope, Assert.Single(group.Scopes));
        Assert.Contains(group.Resource.Attributes, a => a.Key == "deployment.environment" && a.Value.StringValue == "test");
        Assert.Contains(group.Resource.Attributes, a => a.Key == "service.name" && a.Value.StringValue == "checkout");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_span_with_a_wrong_length_id_is_refused_as_a_partial_success_and_the_rest_passes()
    {
        var request = OtlpSamples.Traces(spans: 2);
        request.ResourceSpans[0].ScopeSpans[0].Spans[1].TraceId = ByteString.CopyFrom(new byte[5]);

        var response = ExportTraceServiceResponse.Parser.ParseFrom(await SendAsync(Signal.Traces, "grpc", request.ToByteArray()));

        Assert.Equal(1, response.PartialSuccess.RejectedSpans);
        Assert.Contains("wrong length", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => _backend.SpanCount == 1, "the valid span at the backend");
        Assert.Equal("span-0", _backend.Traces.Single().ResourceSpans[0].ScopeSpans[0].Spans.Single().Name);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task A_link_with_a_wrong_length_id_is_left_out_counted_on_its_span_and_the_span_passes(string transport)
    {
        var request = OtlpSamples.Traces(spans: 1);
        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.Links.Add(new Span.Types.Link { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]), TraceState = "kept" });
        span.Links.Add(new Span.Types.Link { TraceId = ByteString.CopyFrom(new byte[5]), SpanId = ByteString.CopyFrom(new byte[8]), TraceState = "broken" });

        var response = ExportTraceServiceResponse.Parser.ParseFrom(await SendAsync(Signal.Traces, transport, request.ToByteArray()));

        Assert.Equal(0, response.PartialSuccess.RejectedSpans);
        Assert.Contains("1 links had a trace or span id of the wrong length", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => _backend.SpanCount == 1, "the span at the backend");
        var arrived = _backend.Traces.Single().ResourceSpans[0].ScopeSpans[0].Spans.Single();
        Assert.Equal("kept", Assert.Single(arrived.Links).TraceState);
        Assert.Equal(1u, arrived.DroppedLinksCount);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_exemplar_with_a_wrong_length_id_is_left_out_and_its_point_passes()
    {
        var point = new NumberDataPoint { AsDouble = 2.5, TimeUnixNano = 1_700_000_000_000_000_000 };
        point.Exemplars.Add(new Exemplar { AsDouble = 1, SpanId = ByteString.CopyFrom(new byte[8]), TraceId = ByteString.CopyFrom(new byte[16]) });
        point.Exemplars.Add(new Exemplar { AsDouble = 2, SpanId = ByteString.CopyFrom(new byte[3]) });
        var metric = new Metric { Name = "queue.depth", Gauge = new Gauge { DataPoints = { point } } };
        var request = new ExportMetricsServiceRequest { ResourceMetrics = { new ResourceMetrics { ScopeMetrics = { new ScopeMetrics { Metrics = { metric } } } } } };

        var response = ExportMetricsServiceResponse.Parser.ParseFrom(await SendAsync(Signal.Metrics, "grpc", request.ToByteArray()));

        Assert.Equal(0, response.PartialSuccess.RejectedDataPoints);
        Assert.Contains("1 exemplars had", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => _backend.MetricPointCount == 1, "the point at the backend");
        var arrived = _backend.Metrics.Single().ResourceMetrics[0].ScopeMetrics[0].Metrics.Single().Gauge.DataPoints.Single();
        Assert.Equal(1, Assert.Single(arrived.Exemplars).AsDouble);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Invalid_utf8_in_a_span_is_repaired_as_on_the_full_path()
    {
        var request = OtlpSamples.Traces(spans: 1);
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].Name = "bad-\u00e9";
        byte[] body = request.ToByteArray();

        // "é" is C3 A9 in UTF-8; C3 followed by '!' is not UTF-8.
        int at = body.AsSpan().IndexOf("\u00e9"u8);
        body[at + 1] = (byte)'!';

        var response = ExportTraceServiceResponse.Parser.ParseFrom(await SendAsync(Signal.Traces, "http", body));

        Assert.Null(response.PartialSuccess);
        await Eventually.UntilAsync(() => _backend.SpanCount == 1, "the repaired span at the backend");
        Assert.Equal("bad-\uFFFD!", _backend.Traces.Single().ResourceSpans[0].ScopeSpans[0].Spans.Single().Name);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_span_over_the_attribute_limit_arrives_cut_with_its_dropped_count()
    {
        var request = OtlpSamples.Traces(spans: 1);
        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.Attributes.Add(Enumerable.Range(0, 130).Select(i => new KeyValue { Key = $"k{i}", Value = new AnyValue { IntValue = i } }));

        await SendAsync(Signal.Traces, "grpc", request.ToByteArray());

        await Eventually.UntilAsync(() => _backend.SpanCount == 1, "the cut span at the backend");
        var arrived = _backend.Traces.Single().ResourceSpans[0].ScopeSpans[0].Spans.Single();
        Assert.Equal(128, arrived.Attributes.Count);
        Assert.Equal(2u, arrived.DroppedAttributesCount);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_body_that_is_not_protobuf_gets_the_full_paths_error()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => SendAsync(Signal.Traces, "grpc", [0x0A, 0x05, 0x01]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("ExportTraceServiceRequest", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_reload_adding_spanmetrics_makes_spans_decoded_and_removing_it_passes_them_encoded_again()
    {
        var receiver = _agent.Topology.Receivers.Single().Component;
        Assert.True(ReceiverPassesEncoded(Signal.Traces));

        Assert.True(await _agent.ReloadAsync(Load(Yaml(extraTraceExporter: ", spanmetrics")), CancellationToken.None));
        Assert.Same(receiver, _agent.Topology.Receivers.Single().Component);
        Assert.False(ReceiverPassesEncoded(Signal.Traces));

        // The metrics pipeline now also takes spanmetrics' output, but what the receiver feeds it still passes encoded.
        Assert.True(ReceiverPassesEncoded(Signal.Metrics));

        // Spans still reach the backend, and spanmetrics (which reads every span) makes its metrics from them.
        var (body, scope) = EncodedBodies.Traces("cart", spans: 2);
        await SendAsync(Signal.Traces, "grpc", body);
        await Eventually.UntilAsync(() => _backend.SpanCount == 2, "the spans at the backend");
        var arrived = WireRequest.Parser.ParseFrom(_backend.HttpBodiesOf(Signal.Traces).Single()).Groups.Single().Scopes.Single();
        Assert.NotEqual(scope, arrived);
        Assert.Equal(Redecoded(Signal.Traces, scope), arrived);
        await Eventually.UntilAsync(
            () => _backend.Metrics.SelectMany(r => r.ResourceMetrics).SelectMany(g => g.ScopeMetrics).SelectMany(s => s.Metrics).Any(m => m.Name.StartsWith("traces.span.metrics", StringComparison.Ordinal)),
            "spanmetrics' metrics at the backend");

        Assert.True(await _agent.ReloadAsync(Load(Yaml(extraTraceExporter: null)), CancellationToken.None));

        Assert.Same(receiver, _agent.Topology.Receivers.Single().Component);
        Assert.True(ReceiverPassesEncoded(Signal.Traces));
        Assert.True(ReceiverPassesEncoded(Signal.Metrics));
    }

    private static ByteString Redecoded(Signal signal, ByteString scope) => signal switch
    {
        Signal.Traces => ScopeSpans.Parser.ParseFrom(scope).ToByteString(),
        Signal.Metrics => ScopeMetrics.Parser.ParseFrom(scope).ToByteString(),
        _ => ScopeLogs.Parser.ParseFrom(scope).ToByteString(),
    };

    /// <summary>Sends <paramref name="body"/> as it is over OTLP/gRPC or OTLP/HTTP protobuf; the response body.</summary>
    private async Task<byte[]> SendAsync(Signal signal, string transport, byte[] body)
    {
        string name = signal.ConfigName();
        if (transport == "http")
        {
            using var http = new HttpClient();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{_httpPort}/v1/{name}"), content);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsByteArrayAsync();
        }

        var service = signal switch
        {
            Signal.Traces => "opentelemetry.proto.collector.trace.v1.TraceService",
            Signal.Metrics => "opentelemetry.proto.collector.metrics.v1.MetricsService",
            _ => "opentelemetry.proto.collector.logs.v1.LogsService",
        };
        var bytes = Marshallers.Create(static (byte[] b) => b, static b => b);
        var method = new Method<byte[], byte[]>(MethodType.Unary, service, "Export", bytes, bytes);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpcPort}");
        return await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)), body);
    }
}
