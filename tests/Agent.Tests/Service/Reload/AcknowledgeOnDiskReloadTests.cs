using Agent.Config;
using Agent.Core.Components;
using Agent.Service;
using Agent.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Service.Reload;

/// <summary>
/// The <c>otlp</c> receiver's default answer follows a reload: behind a kept receiver, switching the exporter's queue
/// to storage makes clients wait until their data is on disk, and switching it back answers them at acceptance.
/// A batch processor that sends only every second span shows the difference: a lone span waits in it, answered at
/// once when the queue is in memory, and only once the second span flushes the batch to disk when it has storage.
/// </summary>
public sealed class AcknowledgeOnDiskReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-reload-ack-").FullName;
    private readonly int _port = FakeOtlpBackend.FreePort();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Yaml(FakeOtlpBackend backend, bool storage) => $$"""
        receivers:
          otlp:
            protocols: {grpc: {endpoint: "127.0.0.1:{{_port}}"} }
        processors:
          batch: {send_batch_size: 2, timeout: 1h}
        exporters:
          otlp:
            endpoint: {{backend.GrpcHostPort}}
            tls: {insecure: true}
            {{(storage ? "sending_queue: {storage: file_storage}" : string.Empty)}}
        extensions:
          file_storage:
            directory: {{Path.Combine(_directory, "queue")}}
            create_directory: true
        service:
          extensions: [file_storage]
          telemetry: {metrics: {level: none} }
          pipelines:
            traces: {receivers: [otlp], processors: [batch], exporters: [otlp]}
        """;

    private static AgentConfig Load(string yaml) => new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("reload.yaml", yaml);

    private static double Accepted(AgentInstance agent) =>
        SelfMetrics.Value(agent.Metrics, "otelcol_receiver_accepted_spans_total", ("receiver", "otlp"));

    private static IComponent Receiver(AgentInstance agent) => agent.Topology.Receivers.Single().Component;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Switching_the_queue_to_storage_and_back_switches_the_answer_to_on_disk_and_back_to_acceptance()
    {
        await using var backend = await FakeOtlpBackend.StartAsync();
        await using var agent = await AgentInstance.StartAsync(Load(Yaml(backend, storage: false)), NullLoggerFactory.Instance, _directory, TimeSpan.FromSeconds(10), CancellationToken.None);
        var receiver = Receiver(agent);

        // Memory queue: answered while the span waits in the batch processor.
        await SpanSender.SendOneAsync(_port, "memory-1");

        Assert.True(await agent.ReloadAsync(Load(Yaml(backend, storage: true)), CancellationToken.None));
        Assert.Same(receiver, Receiver(agent));
        double before = Accepted(agent);
        var lone = SpanSender.SendOneAsync(_port, "disk-1");
        await Eventually.UntilAsync(() => Accepted(agent) > before, "the pipeline to take the lone span");

        // Taken but not on disk (the batch processor holds it for an hour or a second span): no answer yet.
        Assert.False(lone.IsCompleted);
        await SpanSender.SendOneAsync(_port, "disk-2");
        await lone;

        // Everything answered reaches the backend (the reload flushed the batch holding memory-1); the queue on disk
        // is sent before the next reload, which leaves what a retired persistent queue holds for its next start.
        var names = new[] { "memory-1", "disk-1", "disk-2" };
        await Eventually.UntilAsync(() => names.All(SpanNames(backend).Contains), "the answered spans at the backend");

        Assert.True(await agent.ReloadAsync(Load(Yaml(backend, storage: false)), CancellationToken.None));
        Assert.Same(receiver, Receiver(agent));
        await SpanSender.SendOneAsync(_port, "memory-2");
    }

    private static string[] SpanNames(FakeOtlpBackend backend) =>
        [.. backend.Traces.SelectMany(r => r.ResourceSpans).SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name)];
}
