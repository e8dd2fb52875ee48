using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Service;

/// <summary>
/// Per receiver and signal, the topology tells the receiver's inputs whether every exporter behind them
/// acknowledges on disk: the fact the <c>otlp</c> receiver's default answer follows.
/// </summary>
public sealed class TopologyAcknowledgementTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-ack-on-disk-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static bool OnDisk(IConsumer<TracesBatch>? input) => Assert.IsAssignableFrom<IAcknowledgesOnDisk>(input).AcknowledgesOnDisk;

    private static bool OnDisk(IConsumer<LogsBatch>? input) => Assert.IsAssignableFrom<IAcknowledgesOnDisk>(input).AcknowledgesOnDisk;

    [Fact]
    public void A_receiver_whose_pipelines_end_only_in_exporters_on_disk_acknowledges_on_disk_through_processors()
    {
        var (_, recorder) = Recorder.Build("""
            receivers:
              manual/in:
            processors:
              tag/x: {tag: x}
            exporters:
              record/a: {on_disk: true}
              record/b: {on_disk: true}
            service:
              pipelines:
                traces/one: {receivers: [manual/in], processors: [tag/x], exporters: [record/a, record/b]}
                traces/two: {receivers: [manual/in], exporters: [record/b]}
            """);

        Assert.True(OnDisk(recorder.Receivers["manual/in"].Consumers.Traces));
    }

    [Fact]
    public void One_exporter_in_memory_in_any_pipeline_of_the_signal_makes_it_answer_at_acceptance()
    {
        var (_, recorder) = Recorder.Build("""
            receivers:
              manual/in:
            exporters:
              record/disk: {on_disk: true}
              record/memory:
            service:
              pipelines:
                traces/one: {receivers: [manual/in], exporters: [record/disk]}
                traces/two: {receivers: [manual/in], exporters: [record/memory]}
                logs: {receivers: [manual/in], exporters: [record/disk]}
            """);

        // Per signal: the logs pipeline alone is all on disk.
        Assert.False(OnDisk(recorder.Receivers["manual/in"].Consumers.Traces));
        Assert.True(OnDisk(recorder.Receivers["manual/in"].Consumers.Logs));
    }

    [Fact]
    public void A_connector_in_between_is_not_counted_on_even_with_every_exporter_on_disk()
    {
        var (_, recorder) = Recorder.Build("""
            receivers:
              manual/in:
              manual/direct:
            exporters:
              record/disk: {on_disk: true}
            connectors:
              forward:
            service:
              pipelines:
                traces/in: {receivers: [manual/in], exporters: [forward]}
                traces/out: {receivers: [forward, manual/direct], exporters: [record/disk]}
            """);

        Assert.False(OnDisk(recorder.Receivers["manual/in"].Consumers.Traces));
        Assert.True(OnDisk(recorder.Receivers["manual/direct"].Consumers.Traces));
    }

    [Theory]
    [InlineData("otlp", "traces", "endpoint: 127.0.0.1:4317", "sending_queue", true)]
    [InlineData("otlphttp", "logs", "endpoint: http://127.0.0.1:4318", "sending_queue", true)]
    [InlineData("loki", "logs", "endpoint: http://127.0.0.1:3100/loki/api/v1/push", "sending_queue", true)]
    [InlineData("prometheusremotewrite", "metrics", "endpoint: http://127.0.0.1:9090/api/v1/write", "remote_write_queue", true)]
    [InlineData("otlp", "traces", "endpoint: 127.0.0.1:4317", "sending_queue", false)]
    [InlineData("loki", "logs", "endpoint: http://127.0.0.1:3100/loki/api/v1/push", "sending_queue", false)]
    [InlineData("prometheusremotewrite", "metrics", "endpoint: http://127.0.0.1:9090/api/v1/write", "remote_write_queue", false)]
    public void The_exporters_with_a_queue_say_they_acknowledge_on_disk_exactly_when_it_has_storage(string type, string signal, string endpoint, string queueKey, bool storage)
    {
        string queue = storage ? $"{queueKey}: {{storage: file_storage}}" : string.Empty;
        var config = new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("exporter.yaml", $$"""
            receivers:
              otlp:
                protocols: {http: {endpoint: "127.0.0.1:0"} }
            exporters:
              {{type}}:
                {{endpoint}}
                {{queue}}
            extensions:
              file_storage:
                directory: {{_directory}}
            service:
              extensions: [file_storage]
              telemetry: {metrics: {level: none} }
              pipelines:
                {{signal}}: {receivers: [otlp], exporters: [{{type}}]}
            """);
        var host = new ComponentHost(NullLoggerFactory.Instance, _directory, new AgentHealth(), SelfMetrics.Registry);
        var exporter = Topology.Build(config, host, NullLogger.Instance).Exporters.Single().Value;

        var consumer = signal switch
        {
            "traces" => (object?)exporter.Traces,
            "metrics" => exporter.Metrics,
            _ => exporter.Logs,
        };
        Assert.Equal(storage, Assert.IsAssignableFrom<IAcknowledgesOnDisk>(consumer).AcknowledgesOnDisk);
    }
}
