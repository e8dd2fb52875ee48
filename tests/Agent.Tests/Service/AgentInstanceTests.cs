using System.Net;
using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Extensions.FileStorage;
using Agent.Extensions.HealthCheck;
using Agent.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Service;

public sealed class AgentInstanceTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("agent-instance-").FullName;
    private readonly HttpClient _http = new();

    private static string Yaml(string storage) => $"""
        receivers:
          manual:
        exporters:
          record:
        extensions:
          health_check:
            endpoint: 127.0.0.1:0
            path: /health/status
          file_storage:
            directory: {storage}
            create_directory: true
        service:
          extensions: [health_check, file_storage]
          telemetry:
            metrics:
              address: 127.0.0.1:0
          pipelines:
            logs:
              receivers: [manual]
              exporters: [record]
        """;

    private async Task<(AgentInstance Agent, Recorder Recorder)> StartAsync()
    {
        var recorder = new Recorder();
        var registry = new ComponentRegistry(
            [new ManualReceiverFactory(recorder)], [], [new RecordingExporterFactory(recorder)], [new HealthCheckFactory(), new FileStorageFactory()]);
        var config = new ConfigLoader(registry, _ => null).Load("instance.yaml", Yaml(Path.Combine(_dataDirectory, "storage")));
        var agent = await AgentInstance.StartAsync(config, NullLoggerFactory.Instance, _dataDirectory, TimeSpan.FromSeconds(5), CancellationToken.None);
        return (agent, recorder);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Serves_metrics_health_and_readiness_while_running()
    {
        var (agent, recorderOf) = await StartAsync();
        await using var running = agent;
        await recorderOf.Receivers["manual"].Consumers.Logs!.ConsumeAsync(Agent.Tests.Core.Model.TestBatches.Logs(("svc", 3)), CancellationToken.None);

        string metrics = await _http.GetStringAsync($"http://127.0.0.1:{agent.TelemetryPort}/metrics");
        var healthz = await _http.GetAsync(new Uri($"http://127.0.0.1:{agent.TelemetryPort}/healthz"));
        var readyz = await _http.GetAsync(new Uri($"http://127.0.0.1:{agent.TelemetryPort}/readyz"));
        var missing = await _http.GetAsync(new Uri($"http://127.0.0.1:{agent.TelemetryPort}/nothing"));

        Assert.Contains("# TYPE otelcol_exporter_sent_log_records_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("otelcol_exporter_sent_log_records_total{exporter=\"record\"} 3", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Equal("ready\n", await readyz.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_health_check_extension_answers_like_the_collectors()
    {
        var (agent, _) = await StartAsync();
        await using var _ = agent;
        var extension = (HealthCheckExtension)agent.Topology.Extensions.Single(e => e.Id.Type == "health_check").Component;

        var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{extension.Port}/health/status"));
        var elsewhere = await _http.GetAsync(new Uri($"http://127.0.0.1:{extension.Port}/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"Server available\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Stopping_turns_readiness_off_and_closes_the_telemetry_port()
    {
        var (agent, _) = await StartAsync();
        int port = agent.TelemetryPort!.Value;

        await agent.StopAsync();

        Assert.Equal(AgentState.Stopping, agent.Health.Current);
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz")));
    }

    [Fact]
    public void File_storage_gives_each_component_its_own_directory()
    {
        var storage = (IStorageExtension)new FileStorageFactory().CreateExtension(new ComponentContext(
            new ComponentId("file_storage"),
            new FileStorageOptions { Directory = Path.Combine(_dataDirectory, "fs"), CreateDirectory = true },
            new ComponentHost(NullLoggerFactory.Instance, _dataDirectory, new AgentHealth(), SelfMetrics.Registry)));

        string pods = storage.GetDirectory(ComponentKind.Receiver, new ComponentId("filelog", "pods"));
        string odd = storage.GetDirectory(ComponentKind.Exporter, new ComponentId("otlp", "a/b"));

        Assert.Equal(Path.Combine(_dataDirectory, "fs", "receiver_filelog_pods"), pods);
        Assert.True(Directory.Exists(pods));
        Assert.Equal(Path.Combine(_dataDirectory, "fs", "exporter_otlp_a~b"), odd);
    }

    [Fact]
    public void File_storage_without_a_directory_lives_in_the_agents_data_directory()
    {
        var storage = (IStorageExtension)new FileStorageFactory().CreateExtension(new ComponentContext(
            new ComponentId("file_storage", "ckpt"),
            new FileStorageOptions(),
            new ComponentHost(NullLoggerFactory.Instance, _dataDirectory, new AgentHealth(), SelfMetrics.Registry)));

        Assert.Equal(
            Path.Combine(_dataDirectory, "file_storage", "ckpt", "receiver_filelog"),
            storage.GetDirectory(ComponentKind.Receiver, new ComponentId("filelog")));
    }

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
