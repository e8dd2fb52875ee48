using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd.FaultTable;

/// <summary>
/// The fault table's full-disk row: the Loki exporter's persistent queue on a 3 MiB file system, Loki down, a pod
/// log that keeps growing. The queue's writes fail for want of space; the agent must keep running, refuse the
/// batches so the tailer keeps its checkpoint and retries (backpressure), say so in its log once each time the disk fills, and go on as soon
/// as space is freed, losing nothing.
/// </summary>
public sealed partial class QueueDiskFullTests(ITestOutputHelper output)
{
    private const string QueueWriteError = "cannot write to its sending queue";
    private const string QueueWriteRecovery = "writes to its sending queue again";

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_full_queue_disk_holds_the_tailer_back_logs_it_once_and_loses_nothing_once_space_is_freed()
    {
        using var node = new PodLogsToLokiSetup();
        using var disk = SmallDisk.Mount(Path.Combine(node.Root, "queue"), sizeMib: 3);
        string filler = disk.Fill("filler", (3 * 1024 * 1024) - (512 * 1024)); // another tenant of the disk: the queue gets the rest
        await using var loki = await FakeLoki.StartAsync();
        loki.FailNext(1_000_000, 503);
        var container = node.Kubelet.StartContainer("shop", "web-7d9f", "0b8e5c2a-1111-2222-3333-444455556666", "nginx", docker: false);

        await using var agent = await node.StartAgentAsync(loki, new PodLogsAgentOptions { MaxBatchBytes = 8192, QueueDirectory = disk.Path });
        var peak = new PeakRss(agent.Id);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int port = node.TelemetryPort;
        double bytesWhenFull, refusedWhenFull;
        using (var load = new CancellationTokenSource())
        {
            var writing = Task.Run(() => WriteUntil(container, load.Token));
            refusedWhenFull = await Eventually.ReadUntilAsync(
                () => AgentProcess.MetricSumAsync(port, "otelcol_exporter_enqueue_failed_log_records_total"), refused => refused > 0, "the queue to refuse a batch for want of space");
            bytesWhenFull = await AgentProcess.MetricSumAsync(port, "agent_exporter_queue_bytes");
            output.WriteLine($"{clock.Elapsed}: full at {bytesWhenFull} bytes");

            // Backpressure: the tailer keeps its checkpoint and leaves the growing file unread while the disk is full.
            await Eventually.ReadUntilAsync(
                () => AgentProcess.MetricSumAsync(port, "agent_receiver_unread_bytes"), unread => unread >= 1024 * 1024, "the tailer to leave 1 MiB of the file unread");
            output.WriteLine($"{clock.Elapsed}: 1 MiB unread, {await AgentProcess.MetricSumAsync(port, "otelcol_exporter_enqueue_failed_log_records_total")} records refused");
            Assert.False(agent.HasExited, agent.Output);

            // Space is freed: the queue takes more, with Loki still down.
            File.Delete(filler);
            await Eventually.ReadUntilAsync(
                () => AgentProcess.MetricSumAsync(port, "agent_exporter_queue_bytes"), bytes => bytes >= bytesWhenFull + (512 * 1024), "the queue to take more once space was freed");
            output.WriteLine($"{clock.Elapsed}: more taken");
            await load.CancelAsync();
            await writing;
        }

        output.WriteLine($"{clock.Elapsed}: Loki back; {node.Kubelet.Written.Count} lines written");
        loki.StopFailing();
        List<string> received;
        try
        {
            received = (await node.WaitForAllAsync(loki, [container], TimeSpan.FromSeconds(60))).Select(e => e.Line).ToList();
        }
        catch
        {
            output.WriteLine(agent.Output);
            throw;
        }

        peak.Dispose();
        Assert.False(agent.HasExited, agent.Output);

        var written = node.Kubelet.Written.Select(w => w.Text).ToList();
        double refused = await AgentProcess.MetricSumAsync(port, "otelcol_exporter_enqueue_failed_log_records_total");
        int errorLines = QueueWriteErrors().Count(agent.Output);
        int recoveryLines = QueueWriteRecoveries().Count(agent.Output);
        output.WriteLine($"queue bytes when the disk was full: {bytesWhenFull / 1024:F0} KiB; records refused: {refusedWhenFull} at the first sign, {refused} in all; '{QueueWriteError}' logged {errorLines} times");
        var row = FaultRow.Of("queue directory full (3 MiB tmpfs), pod logs", written, written, received, await FaultRow.DroppedAsync(port), peak.Mib);
        row.WriteTo(output);
        Assert.Equal(0, row.AcknowledgedLost);

        // Logged once per time the disk was full, not per failed write, with its recovery. The queue may fill the
        // freed space too before the writer stops, which makes two such times.
        Assert.InRange(errorLines, 1, 2);
        Assert.Equal(errorLines, recoveryLines);
    }

    private static void WriteUntil(FakeContainer container, CancellationToken stop)
    {
        for (int n = 0; !stop.IsCancellationRequested; n++)
        {
            // Random hex: the queue holds compressed pushes, and repeated text would take ages to fill it.
            container.Write(LogStream.Stdout, $"line {n:D7} {Convert.ToHexString(RandomNumberGenerator.GetBytes(96))}");
            if (n % 30 == 29)
            {
                Thread.Sleep(10);
            }
        }
    }

    [GeneratedRegex(QueueWriteError)]
    private static partial Regex QueueWriteErrors();

    [GeneratedRegex(QueueWriteRecovery)]
    private static partial Regex QueueWriteRecoveries();
}
