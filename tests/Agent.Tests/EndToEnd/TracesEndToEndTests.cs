using System.Diagnostics;
using System.Text.Json;
using Agent.Tests.Fakes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Status = OpenTelemetry.Proto.Trace.V1.Status;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// Real SDK clients → agent (otlp receiver → resource → batch → otlp exporter) → an in-process OTLP server standing
/// in for Tempo: what the client sent arrives unchanged, plus what the resource processor added.
/// </summary>
public class TracesEndToEndTests
{
    private static readonly DateTime Start = new(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    internal static string Pipeline(FakeOtlpBackend tempo) => $$"""
        receivers:
          otlp:
            protocols:
              grpc: {endpoint: 127.0.0.1:0}
              http: {endpoint: 127.0.0.1:0}
        processors:
          batch: {timeout: 50ms}
          resource:
            attributes:
              - {key: k8s.cluster.name, value: test-cluster, action: upsert}
              - {key: deployment.environment, value: overwritten, action: insert}
        exporters:
          otlp:
            endpoint: {{tempo.GrpcHostPort}}
            tls: {insecure: true}
            retry_on_failure: {initial_interval: 50ms, max_interval: 200ms}
        service:
          telemetry:
            metrics: {level: none}
          pipelines:
            traces:
              receivers: [otlp]
              processors: [resource, batch]
              exporters: [otlp]
        """;

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Spans_from_the_dotnet_sdk_reach_tempo_unchanged(OtlpExportProtocol protocol)
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        await using var agent = await RunningAgent.StartAsync(Pipeline(tempo));
        using var source = new ActivitySource("e2e." + Guid.NewGuid().ToString("N"), "7.8.9");
        var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var sent = new List<Activity>();

        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout").AddAttributes([new("deployment.environment", "prod")]))
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.Grpc ? agent.GrpcAddress : new Uri(agent.HttpAddress, "/v1/traces");
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            var server = source.StartActivity(
                "POST /pay",
                ActivityKind.Server,
                parentContext: default,
                tags: [new("http.request.method", "POST"), new("http.response.status_code", 502L), new("weight", 1.5), new("retried", false)],
                links: [new ActivityLink(linked, new ActivityTagsCollection { ["link.reason"] = "batch" })],
                startTime: Start)!;
            server.AddEvent(new ActivityEvent("exception", Start.AddMilliseconds(3), new ActivityTagsCollection { ["exception.message"] = "bad gateway" }));
            var client = source.StartActivity("call bank", ActivityKind.Client, server.Context, startTime: Start.AddMilliseconds(1))!;
            client.SetStatus(ActivityStatusCode.Ok);
            client.SetEndTime(Start.AddMilliseconds(2));
            client.Stop();
            server.SetStatus(ActivityStatusCode.Error, "bank unreachable");
            server.SetEndTime(Start.AddMilliseconds(9));
            server.Stop();
            sent.AddRange([client, server]);
            Assert.True(provider.ForceFlush(10_000));
        }

        await tempo.WaitForSpansAsync(2, TimeSpan.FromSeconds(20));
        var groups = tempo.Traces.SelectMany(r => r.ResourceSpans).ToList();
        Assert.All(groups, g =>
        {
            Assert.Equal("checkout", Attribute(g.Resource.Attributes, "service.name").StringValue);
            Assert.Equal("test-cluster", Attribute(g.Resource.Attributes, "k8s.cluster.name").StringValue);
            Assert.Equal("prod", Attribute(g.Resource.Attributes, "deployment.environment").StringValue);
        });
        var spans = groups.SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).ToList();
        Assert.Equal(2, spans.Count);
        foreach (var activity in sent)
        {
            var span = Assert.Single(spans, s => s.Name == activity.DisplayName);
            Assert.Equal(activity.TraceId.ToHexString(), Convert.ToHexStringLower(span.TraceId.Span));
            Assert.Equal(activity.SpanId.ToHexString(), Convert.ToHexStringLower(span.SpanId.Span));
            Assert.Equal(UnixNanos(activity.StartTimeUtc), span.StartTimeUnixNano);
            Assert.Equal(UnixNanos(activity.StartTimeUtc + activity.Duration), span.EndTimeUnixNano);
        }

        var pay = spans.Single(s => s.Name == "POST /pay");
        var bank = spans.Single(s => s.Name == "call bank");
        Assert.Equal(Span.Types.SpanKind.Server, pay.Kind);
        Assert.Equal(Span.Types.SpanKind.Client, bank.Kind);
        Assert.Equal(pay.SpanId, bank.ParentSpanId);
        Assert.Equal("POST", Attribute(pay.Attributes, "http.request.method").StringValue);
        Assert.Equal(502, Attribute(pay.Attributes, "http.response.status_code").IntValue);
        Assert.Equal(1.5, Attribute(pay.Attributes, "weight").DoubleValue);
        Assert.False(Attribute(pay.Attributes, "retried").BoolValue);
        var @event = Assert.Single(pay.Events);
        Assert.Equal("exception", @event.Name);
        Assert.Equal(UnixNanos(Start.AddMilliseconds(3)), @event.TimeUnixNano);
        Assert.Equal("bad gateway", Attribute(@event.Attributes, "exception.message").StringValue);
        var link = Assert.Single(pay.Links);
        Assert.Equal(linked.TraceId.ToHexString(), Convert.ToHexStringLower(link.TraceId.Span));
        Assert.Equal(linked.SpanId.ToHexString(), Convert.ToHexStringLower(link.SpanId.Span));
        Assert.Equal("batch", Attribute(link.Attributes, "link.reason").StringValue);
        Assert.Equal(Status.Types.StatusCode.Error, pay.Status.Code);
        Assert.Equal("bank unreachable", pay.Status.Message);
        Assert.Equal(Status.Types.StatusCode.Ok, bank.Status.Code);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Spans_from_the_javascript_sdk_over_http_json_reach_tempo_unchanged()
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        await using var agent = await RunningAgent.StartAsync(Pipeline(tempo));

        var sent = await JsClient.SendSpansAsync(new Uri(agent.HttpAddress, "/v1/traces"));

        await tempo.WaitForSpansAsync(2, TimeSpan.FromSeconds(20));
        var groups = tempo.Traces.SelectMany(r => r.ResourceSpans).ToList();
        Assert.All(groups, g => Assert.Equal("js-client", Attribute(g.Resource.Attributes, "service.name").StringValue));
        Assert.All(groups, g => Assert.Equal("test-cluster", Attribute(g.Resource.Attributes, "k8s.cluster.name").StringValue));
        var spans = groups.SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).ToList();
        Assert.Equal(2, spans.Count);
        foreach (var expected in sent.RootElement.GetProperty("spans").EnumerateArray())
        {
            var span = Assert.Single(spans, s => s.Name == expected.GetProperty("name").GetString());
            Assert.Equal(expected.GetProperty("traceId").GetString(), Convert.ToHexStringLower(span.TraceId.Span));
            Assert.Equal(expected.GetProperty("spanId").GetString(), Convert.ToHexStringLower(span.SpanId.Span));
            Assert.Equal(expected.GetProperty("parentSpanId").GetString(), Convert.ToHexStringLower(span.ParentSpanId.Span));
            Assert.Equal(expected.GetProperty("kind").GetInt32(), (int)span.Kind);
        }

        var parent = spans.Single(s => s.Name == "GET /orders");
        Assert.Equal(1_700_000_000_123_456_789UL, parent.StartTimeUnixNano);
        Assert.Equal(1_700_000_003_000_000_001UL, parent.EndTimeUnixNano);
        Assert.Equal(200, Attribute(parent.Attributes, "http.status_code").IntValue);
        Assert.Equal(0.5, Attribute(parent.Attributes, "retry.ratio").DoubleValue);
        Assert.True(Attribute(parent.Attributes, "cache.hit").BoolValue);
        Assert.Equal(["a", "b"], Attribute(parent.Attributes, "tags").ArrayValue.Values.Select(v => v.StringValue));
        Assert.Equal(Status.Types.StatusCode.Ok, parent.Status.Code);
        var child = spans.Single(s => s.Name == "SELECT orders");
        var rows = Assert.Single(child.Events);
        Assert.Equal(1_700_000_001_000_000_500UL, rows.TimeUnixNano);
        Assert.Equal(42, Attribute(rows.Attributes, "rows").IntValue);
        Assert.Equal(parent.SpanId, Assert.Single(child.Links).SpanId);
        Assert.Equal(Status.Types.StatusCode.Error, child.Status.Code);
        Assert.Equal("timeout", child.Status.Message);
    }

    internal static AnyValue Attribute(IEnumerable<KeyValue> attributes, string key) =>
        Assert.Single(attributes, a => a.Key == key).Value;

    private static ulong UnixNanos(DateTime time) => (ulong)(time - DateTime.UnixEpoch).Ticks * 100;
}
