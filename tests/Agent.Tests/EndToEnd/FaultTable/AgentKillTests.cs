using Agent.Tests.Fakes;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd.FaultTable;

/// <summary>How the OTLP receiver answers, and where the exporter keeps what it has not sent yet.</summary>
public enum OtlpDelivery
{
    /// <summary>The default with the sending queue in memory: answered once the pipeline took the data.</summary>
    AtAcceptance,

    /// <summary><c>acknowledgements: true</c>: answered once the exporter delivered; the queue in memory.</summary>
    Acknowledgements,

    /// <summary>
    /// The default with the exporter's queue on disk (<c>sending_queue.storage</c>): answered once the data is
    /// written there, so a killed process loses nothing it answered for.
    /// </summary>
    PersistentQueue,

    /// <summary><c>acknowledgements: true</c> with the queue on disk: answered once the data is written there.</summary>
    PersistentQueueAcknowledged,

    /// <summary>
    /// <c>acknowledgements: false</c> with the queue on disk: answered once the batch processor took the data, so
    /// what it holds when the process is killed is lost.
    /// </summary>
    PersistentQueueAtAcceptance,
}

/// <summary>
/// The fault table's SIGKILL rows: the `agent` binary killed under load and started again, with its sources'
/// acknowledgements checked against what the backend holds afterwards.
/// </summary>
public sealed class AgentKillTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Pod_logs_without_a_persistent_queue_lose_no_line_over_a_sigkill_under_load()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        var containers = node.StartTwoContainers();

        var first = await node.StartAgentAsync(loki, maxBatchBytes: 8192);
        var peak = new PeakRss(first.Id);
        var writing = Task.Run(() => PodLogsToLokiSetup.WriteSteadily(containers, 4000, pauseMs: 20));
        try
        {
            // Killed while lines are being written, read and sent: the checkpoints lag behind what Loki got.
            await Eventually.UntilAsync(() => loki.Entries.Count >= 1000, "Loki to receive lines while they are written");
        }
        finally
        {
            await first.DisposeAsync(); // SIGKILL: no shutdown, no last flush
            peak.Dispose();
        }

        await writing;
        await using var second = await node.StartAgentAsync(loki, maxBatchBytes: 8192);
        var received = (await node.WaitForAllAsync(loki, containers, TimeSpan.FromSeconds(60))).Select(e => e.Line).ToList();

        // A file keeps every line: all of them are the tailer's to deliver.
        var written = node.Kubelet.Written.Select(w => w.Text).ToList();
        var row = FaultRow.Of("SIGKILL, pod logs, no persistent queue", written, written, received, await FaultRow.DroppedAsync(node.TelemetryPort), peak.Mib);
        row.WriteTo(output);
        Assert.Equal(0, row.AcknowledgedLost);
    }

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData(OtlpDelivery.Acknowledgements)]
    [InlineData(OtlpDelivery.PersistentQueueAcknowledged)]
    [InlineData(OtlpDelivery.PersistentQueue)]
    [InlineData(OtlpDelivery.PersistentQueueAtAcceptance)]
    [InlineData(OtlpDelivery.AtAcceptance)]
    public async Task Otlp_clients_over_a_sigkill_under_load_lose_only_what_the_delivery_guarantee_allows(OtlpDelivery delivery)
    {
        using var node = new PodLogsToLokiSetup();
        await using var backend = await FakeOtlpBackend.StartAsync();
        int otlpPort = FakeOtlpBackend.FreePort();

        // A slow backend: exports wait there, so the killed agent holds data it has answered for in default mode.
        backend.StallNext(30, TimeSpan.FromMilliseconds(300));
        var clients = new OtlpLogClients(otlpPort, recordsPerRequest: 50, recordPadding: 200);
        var first = await node.StartAgentAsync(telemetry => WriteOtlpConfig(node, delivery, otlpPort, backend, telemetry));
        var peak = new PeakRss(first.Id);
        string droppedBeforeKill;
        using (var load = new CancellationTokenSource())
        {
            var sending = clients.RunAsync(4, load.Token);
            try
            {
                await Eventually.UntilAsync(() => clients.Accepted.Count >= 20, "the agent to answer 20 requests 200");
                droppedBeforeKill = await FaultRow.DroppedAsync(node.TelemetryPort);
            }
            finally
            {
                await first.DisposeAsync(); // SIGKILL while the clients send
                peak.Dispose();
                await load.CancelAsync();
                await sending;
            }
        }

        await using var second = await node.StartAgentAsync(telemetry => WriteOtlpConfig(node, delivery, otlpPort, backend, telemetry));

        // The restarted agent delivers a last request: for the memory queue, the sign that nothing more comes.
        await Eventually.ReadUntilAsync(clients.SendOneAsync, answered => answered, "the restarted agent to answer a request 200");
        var markerBodies = clients.Bodies(clients.Accepted[^1]).ToHashSet(StringComparer.Ordinal);
        await Eventually.UntilAsync(() => markerBodies.IsSubsetOf(Received(backend)), "the last request in the backend", seconds: 60);
        bool guaranteed = delivery is OtlpDelivery.Acknowledgements or OtlpDelivery.PersistentQueue or OtlpDelivery.PersistentQueueAcknowledged;
        bool onDisk = OnDisk(delivery);
        if (guaranteed)
        {
            var acknowledged = clients.AcceptedBodies().ToHashSet(StringComparer.Ordinal);
            await PodLogsToLokiSetup.EventuallyAsync(
                () => acknowledged.IsSubsetOf(Received(backend)),
                () => $"every acknowledged record in the backend; missing: {string.Join(", ", clients.Accepted.Where(r => !clients.Bodies(r).All(Received(backend).Contains)))} of requests answered {string.Join(", ", clients.Accepted)}",
                TimeSpan.FromSeconds(60));
        }

        if (onDisk)
        {
            // The queue on disk is empty: nothing of the killed process's is left to arrive.
            await Eventually.ReadUntilAsync(() => AgentProcess.MetricSumAsync(node.TelemetryPort, "agent_exporter_queue_requests"), queued => queued == 0, "the persistent queue to drain", seconds: 60);
        }

        var sent = Enumerable.Range(0, clients.Requests).SelectMany(clients.Bodies).ToHashSet(StringComparer.Ordinal);
        string dropped = $"before the kill: {droppedBeforeKill}; after the restart: {await FaultRow.DroppedAsync(node.TelemetryPort)}";
        var row = FaultRow.Of($"SIGKILL, OTLP clients, {delivery}", sent, clients.AcceptedBodies(), Received(backend), dropped, peak.Mib);
        row.WriteTo(output);
        output.WriteLine($"requests: {clients.Requests}, answered 200: {clients.Accepted.Count}, 503: {clients.RetryAfterAnswers}, no answer: {clients.Unanswered}");
        if (guaranteed)
        {
            Assert.Equal(0, row.AcknowledgedLost);
        }
        else
        {
            // The documented guarantee of an answer at acceptance: what the killed process had answered and not sent
            // (the batch processor's contents, and the memory queue's) is lost; what the restarted one answered is
            // delivered (the last request, checked above). With the queue on disk only the batch processor's.
            Assert.InRange(row.AcknowledgedLost, 0, row.Acknowledged);
        }
    }

    private static List<string> Received(FakeOtlpBackend backend) =>
        backend.Logs.SelectMany(r => r.ResourceLogs).SelectMany(g => g.ScopeLogs).SelectMany(s => s.LogRecords).Select(r => r.Body.StringValue).ToList();

    private static bool OnDisk(OtlpDelivery delivery) =>
        delivery is OtlpDelivery.PersistentQueue or OtlpDelivery.PersistentQueueAcknowledged or OtlpDelivery.PersistentQueueAtAcceptance;

    private static string WriteOtlpConfig(PodLogsToLokiSetup node, OtlpDelivery delivery, int otlpPort, FakeOtlpBackend backend, int telemetryPort)
    {
        string queue = OnDisk(delivery) ? "\n    sending_queue: {storage: file_storage/queue}" : string.Empty;

        // The defaults leave the key out: unset is what the receiver decides by itself.
        string acknowledgements = delivery switch
        {
            OtlpDelivery.Acknowledgements or OtlpDelivery.PersistentQueueAcknowledged => "\n    acknowledgements: true",
            OtlpDelivery.PersistentQueueAtAcceptance => "\n    acknowledgements: false",
            _ => string.Empty,
        };
        return node.WriteFile("otlp.yaml", $$"""
            receivers:
              otlp:{{acknowledgements}}
                protocols:
                  http:
                    endpoint: 127.0.0.1:{{otlpPort}}
            processors:
              batch:
                timeout: 100ms
            exporters:
              otlp:
                endpoint: {{backend.GrpcHostPort}}
                tls: {insecure: true}
                retry_on_failure:
                  initial_interval: 100ms
                  max_interval: 300ms
                  max_elapsed_time: 0{{queue}}
            extensions:
              file_storage/queue:
                directory: {{Path.Combine(node.Root, "queue")}}
                create_directory: true
            service:
              extensions: [file_storage/queue]
              telemetry:
                metrics:
                  address: 127.0.0.1:{{telemetryPort}}
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [otlp]
            """);
    }
}
