using System.Net;
using Agent.Exporters.Otlp.Grpc;
using Agent.Tests.Fakes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using static Agent.Tests.EndToEnd.TracesEndToEndTests;

namespace Agent.Tests.EndToEnd;

/// <summary>`agent run` as a process: real ports, real signals.</summary>
public sealed class AgentRunTests : IDisposable
{
    private static readonly string[] InterLinkSpans =
    [
        "CreateHttpCall", "DeleteHttpCall", "StatusHttpCall", "LogHttpCall", "PingHttpCall",
        "CreatePodVK", "DeletePodVK", "UpdatePodVK", "GetPodVK", "GetPodStatusVK", "GetPodsVK",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("agent-run-").FullName;

    private string Config(string grpcEndpoint, FakeOtlpBackend tempo, int telemetryPort)
    {
        string path = Path.Combine(_directory, "agent.yaml");
        File.WriteAllText(path, $$"""
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: {{grpcEndpoint}}
            processors:
              batch:
                timeout: 100ms
            exporters:
              otlp:
                endpoint: {{tempo.GrpcHostPort}}
                tls:
                  insecure: true
                retry_on_failure:
                  initial_interval: 100ms
                  max_interval: 200ms
            service:
              telemetry:
                metrics:
                  address: 127.0.0.1:{{telemetryPort}}
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [otlp]
            """);
        return path;
    }

    private static ExportTraceServiceRequest Spans(IEnumerable<string> names, Func<string, int, IEnumerable<KeyValue>> attributes)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "interlink" } };
        int i = 0;
        foreach (string name in names)
        {
            var span = new Span
            {
                TraceId = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
                SpanId = ByteString.CopyFrom(BitConverter.GetBytes(0x1000L + i)),
                Name = name,
                Kind = Span.Types.SpanKind.Internal,
                StartTimeUnixNano = 1_720_000_000_000_000_000UL + (ulong)i,
                EndTimeUnixNano = 1_720_000_000_500_000_000UL + (ulong)i,
            };
            span.Attributes.AddRange(attributes(name, i));
            scope.Spans.Add(span);
            i++;
        }

        var group = new ResourceSpans { Resource = new() };
        group.Resource.Attributes.Add(Text("service.name", "interlink-vk"));
        group.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(group);
        return request;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task The_interlink_virtual_kubelet_spans_sent_over_plain_grpc_to_4317_reach_tempo_intact()
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        int telemetry = FakeOtlpBackend.FreePort();
        await using var agent = AgentProcess.Start(["run", "--config", Config("127.0.0.1:4317", tempo, telemetry)], new Dictionary<string, string> { ["AGENT_DATA_DIR"] = _directory });
        await agent.WaitUntilReadyAsync(telemetry, TimeSpan.FromSeconds(30));
        var request = Spans(InterLinkSpans, (name, i) =>
        [
            Text("pod.name", $"pod-{i}"),
            Text("pod.namespace", "interlink"),
            Number("start.timestamp", 1_720_000_000 + i),
            Number("end.timestamp", 1_720_000_001 + i),
            Number("duration", 500 + i),
            Number("exitc.code", name.StartsWith("Delete", StringComparison.Ordinal) ? 1 : 0),
        ]);

        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:4317");
        await new TraceService.TraceServiceClient(channel).ExportAsync(request, deadline: DateTime.UtcNow.AddSeconds(20));

        await tempo.WaitForSpansAsync(InterLinkSpans.Length, TimeSpan.FromSeconds(20));
        var arrived = tempo.Traces.SelectMany(r => r.ResourceSpans).SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).ToList();
        var sent = request.ResourceSpans[0].ScopeSpans[0].Spans;
        Assert.Equal(InterLinkSpans.Order(), arrived.Select(s => s.Name).Order());
        foreach (var span in sent)
        {
            Assert.Equal(span, Assert.Single(arrived, s => s.Name == span.Name));
        }

        Assert.All(tempo.Traces.SelectMany(r => r.ResourceSpans), g => Assert.Equal("interlink-vk", Attribute(g.Resource.Attributes, "service.name").StringValue));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Sigterm_drains_what_was_accepted_then_exits_0()
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        int telemetry = FakeOtlpBackend.FreePort();
        int grpc = FakeOtlpBackend.FreePort();
        await using var agent = AgentProcess.Start(["run", "--config", Config($"127.0.0.1:{grpc}", tempo, telemetry), "--shutdown-timeout", "20s"], new Dictionary<string, string> { ["AGENT_DATA_DIR"] = _directory });
        await agent.WaitUntilReadyAsync(telemetry, TimeSpan.FromSeconds(30));

        // Tempo refuses the first attempts, so the batch is still in the agent's hands when SIGTERM arrives.
        tempo.FailNext(3, StatusCode.Unavailable);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
        var export = new TraceService.TraceServiceClient(channel)
            .ExportAsync(Spans(["drained-1", "drained-2", "drained-3"], (_, _) => []), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
        await tempo.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20));
        agent.Terminate();

        await export; // the client hears success only once Tempo has the spans
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["drained-1", "drained-2", "drained-3"], tempo.Traces.SelectMany(r => r.ResourceSpans).SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).Order());
        Assert.Contains("Agent stopped", agent.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task The_readme_command_runs_the_embedded_default_and_stops_cleanly()
    {
        int grpc = FakeOtlpBackend.FreePort(), http = FakeOtlpBackend.FreePort(), health = FakeOtlpBackend.FreePort(), telemetry = FakeOtlpBackend.FreePort();
        await using var agent = AgentProcess.Start(["run"], new Dictionary<string, string>
        {
            ["AGENT_OTLP_GRPC_ENDPOINT"] = $"127.0.0.1:{grpc}",
            ["AGENT_OTLP_HTTP_ENDPOINT"] = $"127.0.0.1:{http}",
            ["AGENT_HEALTH_ENDPOINT"] = $"127.0.0.1:{health}",
            ["AGENT_METRICS_ADDRESS"] = $"127.0.0.1:{telemetry}",
            ["AGENT_DATA_DIR"] = _directory,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = string.Empty,
            ["KUBERNETES_SERVICE_HOST"] = string.Empty,
        });
        await agent.WaitUntilReadyAsync(telemetry, TimeSpan.FromSeconds(30));

        using var http1 = new HttpClient();
        var healthCheck = await http1.GetAsync(new Uri($"http://127.0.0.1:{health}/"));
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
        await new TraceService.TraceServiceClient(channel).ExportAsync(Spans(["hello"], (_, _) => []), deadline: DateTime.UtcNow.AddSeconds(20));
        // The client is answered once the pipeline took the span; the export follows.
        const string Sent = "otelcol_exporter_sent_spans_total{exporter=\"debug\"} 1";
        string metrics = await Eventually.ReadUntilAsync(
            () => http1.GetStringAsync(new Uri($"http://127.0.0.1:{telemetry}/metrics")), m => m.Contains(Sent, StringComparison.Ordinal), "the span to be exported");
        agent.Terminate();

        Assert.Equal(HttpStatusCode.OK, healthCheck.StatusCode);
        Assert.Contains("otelcol_receiver_accepted_spans_total{receiver=\"otlp\",transport=\"grpc\"} 1", metrics, StringComparison.Ordinal);
        // What the GC costs, beside the process metrics: a started agent has allocated, and its pause total is a number.
        Assert.Matches(@"\ndotnet_gc_allocated_bytes_total [1-9][0-9.e+]*\n", metrics);
        Assert.Matches(@"\ndotnet_gc_pause_seconds_total [0-9][0-9.e+-]*\n", metrics);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("embedded:standalone.yaml", agent.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
