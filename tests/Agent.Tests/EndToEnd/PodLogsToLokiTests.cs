using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// The `agent` binary tailing a live /var/log/pods tree into Loki: every line once, with its labels, metadata and
/// own timestamp; through backend failures, SIGTERM and SIGKILL.
/// </summary>
public sealed class PodLogsToLokiTests(ITestOutputHelper output)
{
    private const string PodUid = "0b8e5c2a-1111-2222-3333-444455556666";

    /// <summary>Small batches, so that what may be in flight at a crash is a small, computable number of lines.</summary>
    private const int SmallBatchBytes = 8192;

    /// <summary>Every line of the crash and shutdown runs has this many characters, so a batch holds a known number of them.</summary>
    private const int FixedLineLength = 200;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Lines_of_several_pods_arrive_once_in_order_with_labels_metadata_and_their_own_timestamps()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        await using var agent = await node.StartAgentAsync(loki);
        using var nginx = node.Kubelet.StartContainer("shop", "web-7d9f", PodUid, "nginx", docker: false);
        using var envoy = node.Kubelet.StartContainer("shop", "web-7d9f", PodUid, "envoy", docker: true);
        using var worker = node.Kubelet.StartContainer("jobs", "worker-0", "5f0c1d2e-aaaa-bbbb-cccc-ddddeeeeffff", "worker", docker: false);
        using var cron = node.Kubelet.StartContainer("legacy", "cron-1", "9a8b7c6d-0000-1111-2222-333344445555", "cron", docker: true);
        FakeContainer[] containers = [nginx, envoy, worker, cron];

        for (int i = 0; i < 60; i++)
        {
            foreach (var container in containers)
            {
                // Every third line on stderr; every tenth split by the runtime (CRI P…P F, docker "log" without "\n").
                container.Write(i % 3 == 0 ? LogStream.Stderr : LogStream.Stdout, $"{container.Key.Container} says {i}: GET /cart 200", parts: i % 10 == 7 ? 3 : 1);
            }

            if (i % 15 == 14)
            {
                await Task.Delay(60); // spread the writes over several polls
            }
        }

        var entries = await node.WaitForAllAsync(loki, containers, Deadline);

        var written = node.Kubelet.Written;
        Assert.Equal(written.Count, entries.Count);
        foreach (var lines in written.GroupBy(w => w.Container))
        {
            var key = lines.Key;
            var stream = entries.Where(e => e.Labels.GetValueOrDefault("pod") == key.Pod && e.Labels.GetValueOrDefault("container") == key.Container).ToList();
            Assert.Equal(lines.Select(w => (w.Text, w.TimeUnixNano)), stream.Select(e => (e.Line, e.TimeUnixNano)));
            Assert.Equal(lines.Select(w => w.Stream == LogStream.Stdout ? "stdout" : "stderr"), stream.Select(e => e.MetadataValue("log_iostream")));
            Assert.All(stream, entry =>
            {
                Assert.Equal([("container", key.Container), ("namespace", key.Namespace), ("pod", key.Pod)], entry.Labels.Select(l => (l.Key, l.Value)));
                Assert.Equal(key.Uid, entry.MetadataValue("k8s_pod_uid"));
                Assert.Equal("0", entry.MetadataValue("k8s_container_restart_count"));
            });
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task After_sigkill_a_new_agent_on_the_same_state_loses_nothing_and_repeats_only_what_was_in_flight()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        var containers = StartFourContainers(node.Kubelet);
        const int LinesBeforeKill = 5000, LinesAfterRestart = 1000;

        var first = await node.StartAgentAsync(loki, SmallBatchBytes);
        var writing = Task.Run(() => WriteSteadily(containers, 0, LinesBeforeKill));
        int receivedAtKill;
        try
        {
            await PodLogsToLokiSetup.EventuallyAsync(() => loki.Entries.Count >= 4000, () => $"only {loki.Entries.Count} entries before the kill", Deadline);
            Assert.False(first.HasExited, first.Output);
        }
        finally
        {
            await first.DisposeAsync(); // Process.Kill: SIGKILL, no shutdown, no last checkpoint save
            receivedAtKill = loki.Entries.Count;
        }

        await writing;
        await using var second = await node.StartAgentAsync(loki, SmallBatchBytes);
        WriteSteadily(containers, LinesBeforeKill, LinesBeforeKill + LinesAfterRestart);
        var entries = await node.WaitForAllAsync(loki, containers, Deadline);

        var written = node.Kubelet.Written.Select(w => w.Text).ToList();
        Assert.True(receivedAtKill < LinesBeforeKill * containers.Length, "the kill came after everything had been shipped, so it proves nothing");
        Assert.Empty(written.Except(entries.Select(e => e.Line)));
        Assert.Empty(entries.Select(e => e.Line).Except(written));

        // What a restart can repeat is what was read after the last checkpoint save. Per file that is at most the
        // batches in flight (max_batches_in_flight) plus those acknowledged since the last save; the save runs every
        // poll (50ms), which is shorter than the batch processor's 100ms timeout, so at most one more window of
        // acknowledgements lands between two saves. A batch holds max_batch_bytes of text, plus the line that crosses
        // the limit. Without the checkpoint, all (at least 4000) lines shipped before the kill would come again.
        int linesPerBatch = (SmallBatchBytes / FixedLineLength) + 1;
        int bound = containers.Length * PodLogsToLokiSetup.MaxBatchesInFlight * linesPerBatch * 2;
        int duplicates = entries.Count - entries.Select(e => e.Line).Distinct().Count();
        output.WriteLine($"received at kill: {receivedAtKill} of {LinesBeforeKill * containers.Length}; duplicates after restart: {duplicates} (bound {bound})");
        Assert.InRange(duplicates, 0, bound);
        AssertInOrderPerStream(node.Kubelet.Written, entries.DistinctBy(e => e.Line).ToList());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Loki_answering_429_then_500_for_a_while_loses_nothing_and_stores_each_line_once()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        loki.FailNext(4, 429);
        loki.FailNext(4, 500, after: 2);
        await using var agent = await node.StartAgentAsync(loki, SmallBatchBytes);
        var containers = StartFourContainers(node.Kubelet);

        WriteSteadily(containers, 0, 500);
        var entries = await node.WaitForAllAsync(loki, containers, Deadline);

        var requests = loki.Requests;
        Assert.Equal(4, requests.Count(r => r.Status == 429));
        Assert.Equal(4, requests.Count(r => r.Status == 500));
        var written = node.Kubelet.Written;
        Assert.Equal(written.Count, entries.Count);
        Assert.Equal(written.Select(w => w.Text).Order(), entries.Select(e => e.Line).Order());
        AssertInOrderPerStream(written, entries);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Sigterm_while_shipping_exits_0_and_the_restart_ships_the_rest_without_repeating_a_line()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        var containers = StartFourContainers(node.Kubelet);

        int shippedBeforeStop;
        await using (var first = await node.StartAgentAsync(loki, SmallBatchBytes))
        {
            WriteSteadily(containers, 0, 3000);
            await PodLogsToLokiSetup.EventuallyAsync(() => loki.Entries.Count >= 1000, () => $"only {loki.Entries.Count} entries before SIGTERM", Deadline);
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(Deadline));
            Assert.Contains("Agent stopped", first.Output, StringComparison.Ordinal);
            shippedBeforeStop = loki.Entries.Count;
        }

        Assert.True(shippedBeforeStop < node.Kubelet.Written.Count, "everything was shipped before SIGTERM, so the restart proves nothing");
        Assert.Equal(shippedBeforeStop, loki.Entries.Select(e => e.Line).Distinct().Count());

        await using var second = await node.StartAgentAsync(loki, SmallBatchBytes);
        WriteSteadily(containers, 3000, 3200);
        var entries = await node.WaitForAllAsync(loki, containers, Deadline);

        var written = node.Kubelet.Written;
        output.WriteLine($"shipped before SIGTERM: {shippedBeforeStop} of {written.Count - 800}; after the restart: {entries.Count - shippedBeforeStop}");
        Assert.Equal(written.Count, entries.Count);
        Assert.Equal(written.Select(w => w.Text).Order(), entries.Select(e => e.Line).Order());
        AssertInOrderPerStream(written, entries);
    }

    private static FakeContainer[] StartFourContainers(FakeKubelet kubelet) =>
    [
        kubelet.StartContainer("shop", "web-7d9f", PodUid, "nginx", docker: false),
        kubelet.StartContainer("shop", "web-7d9f", PodUid, "envoy", docker: true),
        kubelet.StartContainer("jobs", "worker-0", "5f0c1d2e-aaaa-bbbb-cccc-ddddeeeeffff", "worker", docker: false),
        kubelet.StartContainer("legacy", "cron-1", "9a8b7c6d-0000-1111-2222-333344445555", "cron", docker: true),
    ];

    /// <summary>Lines <paramref name="from"/> to <paramref name="to"/> of each container, in bursts of 50 a few milliseconds apart, like a busy node.</summary>
    private static void WriteSteadily(FakeContainer[] containers, int from, int to)
    {
        for (int i = from; i < to; i += 50)
        {
            foreach (var container in containers)
            {
                for (int n = i; n < Math.Min(i + 50, to); n++)
                {
                    string text = $"{container.Key.Container} line {n:D6} ";
                    container.Write(n % 4 == 0 ? LogStream.Stderr : LogStream.Stdout, text.PadRight(FixedLineLength, (char)('a' + (n % 26))));
                }
            }

            Thread.Sleep(5);
        }
    }

    private static void AssertInOrderPerStream(IReadOnlyList<ExpectedLine> written, IReadOnlyList<FakeLokiEntry> entries)
    {
        foreach (var lines in written.GroupBy(w => (w.Container.Pod, w.Container.Container)))
        {
            var stream = entries.Where(e => e.Labels["pod"] == lines.Key.Pod && e.Labels["container"] == lines.Key.Container);
            Assert.Equal(lines.Select(w => (w.Text, w.TimeUnixNano)), stream.Select(e => (e.Line, e.TimeUnixNano)));
        }
    }
}
