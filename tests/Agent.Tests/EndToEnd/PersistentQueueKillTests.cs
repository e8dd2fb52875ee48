using Agent.Tests.EndToEnd.FaultTable;
using Agent.Tests.Fakes;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// The `agent` binary tailing pod logs into a Loki that is down, with the persistent sending queue: the tailer's
/// checkpoints move as soon as lines are in the queue, so after a SIGKILL those lines exist only there.
/// </summary>
public sealed class PersistentQueueKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Lines_acknowledged_into_the_queue_while_loki_is_down_all_arrive_after_sigkill_and_restart()
    {
        using var node = new PodLogsToLokiSetup();
        await using var down = await FakeLoki.StartAsync();
        down.FailNext(1_000_000, 503);
        var containers = node.StartTwoContainers();

        var first = await node.StartAgentAsync(down, maxBatchBytes: 8192, persistentQueue: true);
        var peak = new PeakRss(first.Id);
        var writing = Task.Run(() => PodLogsToLokiSetup.WriteSteadily(containers, 3000, pauseMs: 5));
        double queuedAtKill;
        try
        {
            // The positive signal that lines were acknowledged with Loki down: requests wait in the queue.
            queuedAtKill = await Eventually.ReadUntilAsync(() => AgentProcess.MetricSumAsync(node.TelemetryPort, "agent_exporter_queue_requests"), queued => queued >= 20, "requests in the persistent queue");
            Assert.False(first.HasExited, first.Output);
        }
        finally
        {
            await first.DisposeAsync(); // SIGKILL: no shutdown, no last flush
            peak.Dispose();
        }

        await writing;
        Assert.Empty(down.Entries);
        await using var up = await FakeLoki.StartAsync();
        await using var second = await node.StartAgentAsync(up, maxBatchBytes: 8192, persistentQueue: true);
        var entries = await node.WaitForAllAsync(up, containers, Deadline);

        var written = node.Kubelet.Written.Select(w => w.Text).ToList();
        var received = entries.Select(e => e.Line).ToList();
        output.WriteLine($"queued requests at the kill: {queuedAtKill}");
        var row = FaultRow.Of("SIGKILL, pod logs, persistent queue (Loki down)", written, written, received, await FaultRow.DroppedAsync(node.TelemetryPort), peak.Mib);
        row.WriteTo(output);
        Assert.Equal(0, row.AcknowledgedLost);
    }
}
