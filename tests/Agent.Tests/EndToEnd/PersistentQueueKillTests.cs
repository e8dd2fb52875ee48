using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
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
        FakeContainer[] containers =
        [
            node.Kubelet.StartContainer("shop", "web-7d9f", "0b8e5c2a-1111-2222-3333-444455556666", "nginx", docker: false),
            node.Kubelet.StartContainer("jobs", "worker-0", "5f0c1d2e-aaaa-bbbb-cccc-ddddeeeeffff", "worker", docker: true),
        ];

        var first = await node.StartAgentAsync(down, maxBatchBytes: 8192, persistentQueue: true);
        var writing = Task.Run(() => WriteSteadily(containers, 3000));
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
        }

        await writing;
        Assert.Empty(down.Entries);
        await using var up = await FakeLoki.StartAsync();
        await using var second = await node.StartAgentAsync(up, maxBatchBytes: 8192, persistentQueue: true);
        var entries = await node.WaitForAllAsync(up, containers, Deadline);

        var written = node.Kubelet.Written.Select(w => w.Text).ToList();
        var received = entries.Select(e => e.Line).ToList();
        output.WriteLine($"queued requests at the kill: {queuedAtKill}; lines written {written.Count}, received {received.Count} ({received.Count - received.Distinct().Count()} duplicates)");
        Assert.Empty(written.Except(received));
        Assert.Empty(received.Except(written));
    }

    /// <summary>Lines 0 to <paramref name="count"/> of each container, in bursts of 50, like a busy node.</summary>
    private static void WriteSteadily(FakeContainer[] containers, int count)
    {
        for (int i = 0; i < count; i += 50)
        {
            foreach (var container in containers)
            {
                for (int n = i; n < i + 50; n++)
                {
                    container.Write(LogStream.Stdout, $"{container.Key.Container} line {n:D6} {new string((char)('a' + (n % 26)), 150)}");
                }
            }

            Thread.Sleep(5);
        }
    }
}
