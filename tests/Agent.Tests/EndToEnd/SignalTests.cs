using Agent.Exporters.Otlp.Grpc;
using Agent.Tests.Fakes;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.EndToEnd;

/// <summary>`agent run` and the signals an operator sends: SIGUSR1/SIGUSR2 are ignored, SIGHUP reloads the configuration.</summary>
public sealed class SignalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-signals-").FullName;
    private readonly int _grpc = FakeOtlpBackend.FreePort();
    private readonly int _telemetry = FakeOtlpBackend.FreePort();

    private string ConfigPath => Path.Combine(_directory, "agent.yaml");

    private void WriteConfig(FakeOtlpBackend backend) => File.WriteAllText(ConfigPath, $$"""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:{{_grpc}}
        exporters:
          otlp:
            endpoint: {{backend.GrpcHostPort}}
            tls:
              insecure: true
            retry_on_failure:
              initial_interval: 100ms
              max_interval: 200ms
        service:
          telemetry:
            metrics:
              address: 127.0.0.1:{{_telemetry}}
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [otlp]
        """);

    private async Task<AgentProcess> StartAsync(FakeOtlpBackend backend, bool hangupIgnored = false)
    {
        WriteConfig(backend);
        var agent = AgentProcess.Start(["run", "--config", ConfigPath, "--shutdown-timeout", "20s"], new Dictionary<string, string> { ["AGENT_DATA_DIR"] = _directory }, hangupIgnored);
        await agent.WaitUntilReadyAsync(_telemetry, TimeSpan.FromSeconds(30));
        return agent;
    }

    private async Task SendAsync(string name)
    {
        var span = new Span { TraceId = Google.Protobuf.ByteString.CopyFrom(new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }), SpanId = Google.Protobuf.ByteString.CopyFrom(new byte[8] { 1, 2, 3, 4, 5, 6, 7, 8 }), Name = name };
        var request = new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = new(), ScopeSpans = { new ScopeSpans { Spans = { span } } } } } };
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpc}");
        await new TraceService.TraceServiceClient(channel).ExportAsync(request, deadline: DateTime.UtcNow.AddSeconds(20));
    }

    private static string[] SpanNames(FakeOtlpBackend backend) =>
        [.. backend.Traces.SelectMany(r => r.ResourceSpans).SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name).Order()];

    private static Task WaitForOutputAsync(AgentProcess agent, string text, int occurrences = 1) =>
        Eventually.UntilAsync(
            () => Occurrences(agent.Output, text) >= occurrences || agent.HasExited,
            () => $"\"{text}\" in the agent's output; it wrote:\n{agent.Output}");

    private static int Occurrences(string output, string text) => (output.Length - output.Replace(text, string.Empty, StringComparison.Ordinal).Length) / text.Length;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Sigusr1_and_sigusr2_are_logged_and_leave_the_agent_running()
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        await using var agent = await StartAsync(tempo);

        agent.Signal("USR1");
        await WaitForOutputAsync(agent, "the agent does not use it and keeps running");
        agent.Signal("USR2");
        await WaitForOutputAsync(agent, "the agent does not use it and keeps running", occurrences: 2);
        Assert.Contains("SIGUSR1", agent.Output, StringComparison.Ordinal);
        Assert.Contains("SIGUSR2", agent.Output, StringComparison.Ordinal);

        Assert.False(agent.HasExited, agent.Output);
        await SendAsync("after-usr");
        await tempo.WaitForSpansAsync(1, TimeSpan.FromSeconds(20));
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Sighup_reloads_even_when_the_agent_was_started_with_it_ignored_as_nohup_does()
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        await using var agent = await StartAsync(tempo, hangupIgnored: true);
        await WaitForOutputAsync(agent, "started with SIGHUP ignored");

        agent.Signal("HUP");
        await WaitForOutputAsync(agent, "has not changed, nothing to do");
        Assert.False(agent.HasExited, agent.Output);
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Sighup_with_a_broken_file_keeps_the_running_configuration_and_says_why()
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        await using var agent = await StartAsync(tempo);

        File.WriteAllText(ConfigPath, File.ReadAllText(ConfigPath).Replace("receivers: [otlp]", "receivers: [nope]", StringComparison.Ordinal));
        agent.Signal("HUP");
        await WaitForOutputAsync(agent, "Configuration reload refused");

        Assert.False(agent.HasExited, agent.Output);
        Assert.Contains("service.pipelines.traces.receivers[0]: receiver", agent.Output, StringComparison.Ordinal);
        Assert.Contains("is not defined in receivers", agent.Output, StringComparison.Ordinal);
        await SendAsync("still-running");
        await tempo.WaitForSpansAsync(1, TimeSpan.FromSeconds(20));
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Sighup_with_a_new_exporter_endpoint_drains_the_old_pipelines_and_sends_new_data_to_the_new_endpoint()
    {
        await using var before = await FakeOtlpBackend.StartAsync();
        await using var after = await FakeOtlpBackend.StartAsync();
        await using var agent = await StartAsync(before);

        // Unchanged: nothing restarts.
        agent.Signal("HUP");
        await WaitForOutputAsync(agent, "has not changed, nothing to do");

        // The old backend refuses a few attempts, so a span is still being retried when the reload comes.
        before.FailNext(3, StatusCode.Unavailable);
        await SendAsync("accepted-before-reload");
        await before.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20));
        WriteConfig(after);
        agent.Signal("HUP");
        await WaitForOutputAsync(agent, "Configuration reload applied");
        Assert.False(agent.HasExited, agent.Output);

        await SendAsync("sent-after-reload");
        await after.WaitForSpansAsync(1, TimeSpan.FromSeconds(20));
        Assert.Equal(["accepted-before-reload"], SpanNames(before));
        Assert.Equal(["sent-after-reload"], SpanNames(after));
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
