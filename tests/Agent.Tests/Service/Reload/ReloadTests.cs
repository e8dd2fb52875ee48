using System.Net;
using System.Net.Sockets;
using Agent.Config;
using Agent.Core.Components;
using Agent.Service;
using Agent.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Service.Reload;

/// <summary>
/// A configuration reload keeps every component whose configuration and downstream did not change running,
/// untouched: its listeners stay open, its queues and tailers keep their state; only what changed is drained and
/// started again, and a configuration that cannot start gives way to the previous one.
/// </summary>
public sealed class ReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-reload-").FullName;
    private readonly int _portA = FakeOtlpBackend.FreePort();
    private readonly int _portB = FakeOtlpBackend.FreePort();

    private static AgentConfig Load(string yaml) => new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("reload.yaml", yaml);

    private Task<AgentInstance> StartAsync(string yaml) =>
        AgentInstance.StartAsync(Load(yaml), NullLoggerFactory.Instance, _directory, TimeSpan.FromSeconds(10), CancellationToken.None);

    private static IComponent Receiver(AgentInstance agent, string id) => agent.Topology.Receivers.Single(r => r.Id.ToString() == id).Component;

    private static IComponent Exporter(AgentInstance agent, string id) => agent.Topology.Exporters.Single(e => e.Key.ToString() == id).Value;

    private static string[] SpanNames(FakeOtlpBackend backend) =>
        [.. backend.Traces.SelectMany(r => r.ResourceSpans).SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name)];

    private static Task WaitForSpansAsync(FakeOtlpBackend backend, IReadOnlyCollection<string> names) =>
        Eventually.UntilAsync(() => SpanNames(backend).Intersect(names).Count() == names.Count, $"{names.Count} spans at the backend");

    /// <summary>Exactly the spans sent, each once.</summary>
    private static void AssertDeliveredOnce(IReadOnlyCollection<string> sent, IEnumerable<string> received) =>
        Assert.Equal(sent.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));

    private static string Exporters(params (string Id, FakeOtlpBackend Backend)[] exporters) => string.Concat(exporters.Select(e => $$"""

          {{e.Id}}:
            endpoint: {{e.Backend.GrpcHostPort}}
            tls: {insecure: true}
        """));

    private string TwoPipelines(FakeOtlpBackend a, FakeOtlpBackend b, int portB) => $$"""
        receivers:
          otlp/a:
            protocols: {grpc: {endpoint: "127.0.0.1:{{_portA}}"} }
          otlp/b:
            protocols: {grpc: {endpoint: "127.0.0.1:{{portB}}"} }
        exporters:{{Exporters(("otlp/a", a), ("otlp/b", b))}}
        service:
          telemetry: {metrics: {level: none} }
          pipelines:
            traces/a: {receivers: [otlp/a], exporters: [otlp/a]}
            traces/b: {receivers: [otlp/b], exporters: [otlp/b]}
        """;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Changing_one_pipelines_exporter_leaves_the_other_pipeline_running_and_keeps_both_receivers_open()
    {
        await using var backendA = await FakeOtlpBackend.StartAsync();
        await using var backendB = await FakeOtlpBackend.StartAsync();
        await using var backendC = await FakeOtlpBackend.StartAsync();
        await using var agent = await StartAsync(TwoPipelines(backendA, backendB, _portB));
        var (receiverA, receiverB, exporterA, exporterB) = (Receiver(agent, "otlp/a"), Receiver(agent, "otlp/b"), Exporter(agent, "otlp/a"), Exporter(agent, "otlp/b"));

        await using var senderA = new SpanSender(_portA, "a");
        await using var senderB = new SpanSender(_portB, "b");
        await senderA.WaitForMoreAsync(20);
        await senderB.WaitForMoreAsync(20);
        Assert.True(await agent.ReloadAsync(Load(TwoPipelines(backendA, backendC, _portB)), CancellationToken.None));
        await senderA.WaitForMoreAsync(20);
        await senderB.WaitForMoreAsync(20);
        var sentA = await senderA.StopAsync();
        var sentB = await senderB.StopAsync();

        // Pipeline a was not touched; b's receiver stayed open while the exporter behind it was replaced.
        Assert.Same(receiverA, Receiver(agent, "otlp/a"));
        Assert.Same(exporterA, Exporter(agent, "otlp/a"));
        Assert.Same(receiverB, Receiver(agent, "otlp/b"));
        Assert.NotSame(exporterB, Exporter(agent, "otlp/b"));
        await WaitForSpansAsync(backendA, sentA);
        AssertDeliveredOnce(sentA, SpanNames(backendA));
        await Eventually.UntilAsync(() => SpanNames(backendB).Length + SpanNames(backendC).Length >= sentB.Count, "every span of b at the old or the new backend");
        AssertDeliveredOnce(sentB, SpanNames(backendB).Concat(SpanNames(backendC)));
        Assert.NotEmpty(SpanNames(backendC));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task An_unchanged_filelog_pipeline_keeps_its_tailer_and_reads_every_line_once()
    {
        string logs = Directory.CreateDirectory(Path.Combine(_directory, "logs")).FullName;
        await using var logBackend = await FakeOtlpBackend.StartAsync();
        await using var before = await FakeOtlpBackend.StartAsync();
        await using var after = await FakeOtlpBackend.StartAsync();
        string Yaml(FakeOtlpBackend traces) => $$"""
            receivers:
              filelog:
                include: ["{{logs}}/*.log"]
                start_at: beginning
                poll_interval: 20ms
              otlp:
                protocols: {grpc: {endpoint: "127.0.0.1:{{_portA}}"} }
            exporters:{{Exporters(("otlp/logs", logBackend), ("otlp/traces", traces))}}
            service:
              telemetry: {metrics: {level: none} }
              pipelines:
                logs: {receivers: [filelog], exporters: [otlp/logs]}
                traces: {receivers: [otlp], exporters: [otlp/traces]}
            """;
        await using var agent = await StartAsync(Yaml(before));
        var tailer = Receiver(agent, "filelog");

        int written = 0;
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            await using var file = new StreamWriter(Path.Combine(logs, "app.log")) { AutoFlush = true };
            while (!stopWriting.IsCancellationRequested)
            {
                await file.WriteLineAsync($"line-{written}");
                Interlocked.Increment(ref written);
                await Task.Yield();
            }
        });
        await logBackend.WaitForLogRecordsAsync(100, TimeSpan.FromSeconds(30));
        Assert.True(await agent.ReloadAsync(Load(Yaml(after)), CancellationToken.None));
        int writtenAtReload = Volatile.Read(ref written);
        await Eventually.UntilAsync(() => Volatile.Read(ref written) >= writtenAtReload + 100, "100 more lines written");
        await stopWriting.CancelAsync();
        await writer;

        Assert.Same(tailer, Receiver(agent, "filelog"));
        await logBackend.WaitForLogRecordsAsync(written, TimeSpan.FromSeconds(30));
        var bodies = logBackend.Logs.SelectMany(r => r.ResourceLogs).SelectMany(g => g.ScopeLogs).SelectMany(s => s.LogRecords).Select(l => l.Body.StringValue).ToList();
        Assert.Equal(Enumerable.Range(0, written).Select(i => $"line-{i}"), bodies.Order(Comparer<string>.Create((x, y) => int.Parse(x[5..]).CompareTo(int.Parse(y[5..])))));

        // The changed pipeline did switch.
        await SpanSender.SendOneAsync(_portA, "after-reload");
        await after.WaitForSpansAsync(1, TimeSpan.FromSeconds(20));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_receiver_shared_by_two_pipelines_stays_open_when_one_pipelines_processor_changes()
    {
        await using var backendA = await FakeOtlpBackend.StartAsync();
        await using var backendB = await FakeOtlpBackend.StartAsync();
        string Yaml(string tagB) => $$"""
            receivers:
              otlp:
                protocols: {grpc: {endpoint: "127.0.0.1:{{_portA}}"} }
            processors:
              resource/a:
                attributes: [{key: tag, value: a, action: upsert}]
              resource/b:
                attributes: [{key: tag, value: {{tagB}}, action: upsert}]
            exporters:{{Exporters(("otlp/a", backendA), ("otlp/b", backendB))}}
            service:
              telemetry: {metrics: {level: none} }
              pipelines:
                traces/a: {receivers: [otlp], processors: [resource/a], exporters: [otlp/a]}
                traces/b: {receivers: [otlp], processors: [resource/b], exporters: [otlp/b]}
            """;
        await using var agent = await StartAsync(Yaml("b1"));
        var (receiver, exporterB) = (Receiver(agent, "otlp"), Exporter(agent, "otlp/b"));

        await using var sender = new SpanSender(_portA, "shared");
        await sender.WaitForMoreAsync(20);
        Assert.True(await agent.ReloadAsync(Load(Yaml("b2")), CancellationToken.None));
        await sender.WaitForMoreAsync(20);
        var sent = await sender.StopAsync();

        Assert.Same(receiver, Receiver(agent, "otlp"));
        Assert.Same(exporterB, Exporter(agent, "otlp/b"));
        await WaitForSpansAsync(backendA, sent);
        await WaitForSpansAsync(backendB, sent);
        AssertDeliveredOnce(sent, SpanNames(backendA));
        AssertDeliveredOnce(sent, SpanNames(backendB));
        var tags = backendB.Traces.SelectMany(r => r.ResourceSpans).Select(g => g.Resource.Attributes.Single(a => a.Key == "tag").Value.StringValue).ToList();
        Assert.Equal("b1", tags[0]);
        Assert.Equal("b2", tags[^1]);
        Assert.All(backendA.Traces.SelectMany(r => r.ResourceSpans), g => Assert.Equal("a", g.Resource.Attributes.Single(a => a.Key == "tag").Value.StringValue));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_changed_receiver_port_closes_the_old_port_and_opens_the_new_one()
    {
        await using var backendA = await FakeOtlpBackend.StartAsync();
        await using var backendB = await FakeOtlpBackend.StartAsync();
        await using var agent = await StartAsync(TwoPipelines(backendA, backendB, _portB));
        var exporterB = Exporter(agent, "otlp/b");
        int newPort = FakeOtlpBackend.FreePort();

        Assert.True(await agent.ReloadAsync(Load(TwoPipelines(backendA, backendB, newPort)), CancellationToken.None));

        using var probe = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, _portB));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await SpanSender.SendOneAsync(newPort, "on-the-new-port");
        await backendB.WaitForSpansAsync(1, TimeSpan.FromSeconds(20));
        Assert.Equal(["on-the-new-port"], SpanNames(backendB));
        Assert.Same(exporterB, Exporter(agent, "otlp/b"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_configuration_that_cannot_start_gives_way_to_the_previous_one_without_interrupting_what_did_not_change()
    {
        await using var backendA = await FakeOtlpBackend.StartAsync();
        await using var backendB = await FakeOtlpBackend.StartAsync();
        await using var backendC = await FakeOtlpBackend.StartAsync();
        await using var agent = await StartAsync(TwoPipelines(backendA, backendB, _portB));
        var (receiverA, exporterA) = (Receiver(agent, "otlp/a"), Exporter(agent, "otlp/a"));
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int heldPort = ((IPEndPoint)holder.LocalEndpoint).Port;

        await using var sender = new SpanSender(_portA, "a");
        await sender.WaitForMoreAsync(20);
        Assert.False(await agent.ReloadAsync(Load(TwoPipelines(backendA, backendC, heldPort)), CancellationToken.None));
        await sender.WaitForMoreAsync(20);
        var sent = await sender.StopAsync();

        Assert.Same(receiverA, Receiver(agent, "otlp/a"));
        Assert.Same(exporterA, Exporter(agent, "otlp/a"));
        await WaitForSpansAsync(backendA, sent);
        AssertDeliveredOnce(sent, SpanNames(backendA));

        // Pipeline b runs as before the reload: its old port, its old backend.
        await SpanSender.SendOneAsync(_portB, "b-after-rollback");
        await backendB.WaitForSpansAsync(1, TimeSpan.FromSeconds(20));
        Assert.Empty(SpanNames(backendC));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
