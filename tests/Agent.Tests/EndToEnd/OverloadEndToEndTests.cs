using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// Issue 12's end-to-end proof of backpressure, on the `agent` binary: with Loki down, a pod log file that keeps
/// growing and OTLP/HTTP clients that keep sending 1 MiB requests, the tailer stops reading, the clients are told to
/// back off (503 with Retry-After), and the process's RSS stays under a bound set by configuration however much
/// the clients send. When Loki is back every line written and every record answered 200 arrives, and within a minute
/// of the load's end RSS gives back at least half of what the burst added.
/// </summary>
public sealed class OverloadEndToEndTests(ITestOutputHelper output)
{
    /// <summary>
    /// The RSS the config below is held to: the memory limiter's 160 MiB of managed heap plus room for what it does
    /// not see (the runtime's code and native memory), as the manifests leave 25 % of the container's limit.
    /// </summary>
    private const int RssLimitMib = 256;

    /// <summary>What the clients send while Loki is down: the RSS limit, so an agent that kept it all would exceed it.</summary>
    private const long ClientBytesDuringOutage = RssLimitMib * 1024L * 1024;

    /// <summary>File bytes the tailer must leave unread: it stopped, since it reads 50 MiB/s when it may.</summary>
    private const long UnreadBytesDuringOutage = 8L * 1024 * 1024;

    private const int RecordsPerRequest = 1000;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_dead_loki_stops_the_tailer_turns_clients_away_and_keeps_rss_bounded_then_everything_accepted_arrives()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        loki.FailNext(10_000_000, 503);
        var container = node.Kubelet.StartContainer("shop", "web-7d9f", "0b8e5c2a-1111-2222-3333-444455556666", "nginx", docker: false);
        int telemetryPort = FakeOtlpBackend.FreePort(), otlpPort = FakeOtlpBackend.FreePort();
        await using var agent = AgentProcess.Start(
            ["run", "--config", WriteConfig(node, loki, telemetryPort, otlpPort), "--shutdown-timeout", "20s"],
            new Dictionary<string, string> { ["AGENT_DATA_DIR"] = Path.Combine(node.Root, "data") });
        await agent.WaitUntilReadyAsync(telemetryPort, TimeSpan.FromSeconds(30));
        long idleRss = ProcessRss.Mib(agent.Id);
        using var peak = new PeakRss(agent.Id);

        // The outage: the file grows, the clients send, until each proof is in.
        var clients = new OtlpLogClients(otlpPort, RecordsPerRequest, recordPadding: 1000);
        using (var load = new CancellationTokenSource())
        {
            var writing = Task.Run(() => WriteUntil(container, load.Token));
            var sending = clients.RunAsync(8, load.Token);
            double unread = await Eventually.ReadUntilAsync(
                () => AgentProcess.MetricSumAsync(telemetryPort, "agent_receiver_unread_bytes"),
                bytes => bytes >= UnreadBytesDuringOutage,
                "the tailer to leave the growing file unread",
                seconds: 90);
            await PodLogsToLokiSetup.EventuallyAsync(
                () => clients.RetryAfterAnswers >= 20 && clients.BytesSent >= ClientBytesDuringOutage,
                () => $"clients to send {ClientBytesDuringOutage >> 20} MiB and be turned away (sent {clients.BytesSent >> 20} MiB, {clients.RetryAfterAnswers} answered 503, others: {string.Join("; ", clients.OtherAnswers.Take(3))})",
                TimeSpan.FromSeconds(120));
            await load.CancelAsync();
            await writing;
            await sending;
            output.WriteLine($"outage: {unread / 1048576:F1} MiB left unread by the tailer; clients sent {clients.BytesSent >> 20} MiB in {clients.Requests} requests: {clients.Accepted.Count} answered 200, {clients.RetryAfterAnswers} answered 503 with Retry-After");
        }

        Assert.Empty(clients.OtherAnswers);
        long outagePeak = peak.Mib;
        output.WriteLine($"RSS: idle {idleRss} MiB, peak during the outage {outagePeak} MiB (bound {RssLimitMib} MiB)");
        Assert.True(outagePeak <= RssLimitMib, $"RSS peaked at {outagePeak} MiB, over the {RssLimitMib} MiB the config allows");

        // Loki is back: nothing the agent acknowledged (a line it checkpointed past, a record it answered 200) is lost.
        loki.StopFailing();
        var written = node.Kubelet.Written.Select(w => w.Text).ToHashSet(StringComparer.Ordinal);
        var answered = clients.AcceptedBodies().ToHashSet(StringComparer.Ordinal);
        await Eventually.UntilAsync(
            () => written.IsSubsetOf(loki.Entries.Select(e => e.Line)) && answered.IsSubsetOf(loki.Entries.Select(e => e.Line)),
            () => MissingFromLoki(loki, written, answered, telemetryPort),
            seconds: 120);

        // The load is over: the idle trimmer hands at least half of what the burst added back. Not all of it: the
        // shared array pools keep the buffers the burst used until their own trimming (see the issue's notes).
        long halfway = idleRss + ((outagePeak - idleRss) / 2);
        var readings = new List<long>();
        await PodLogsToLokiSetup.EventuallyAsync(
            () => { readings.Add(ProcessRss.Mib(agent.Id)); return readings[^1] <= halfway; },
            () => $"RSS to fall to {halfway} MiB, halfway from its {outagePeak} MiB peak back to its idle {idleRss} MiB; read every 25 ms: {string.Join(", ", readings.Where((_, i) => i % 200 == 0))} MiB",
            TimeSpan.FromSeconds(60));
        long settled = readings[^1];
        output.WriteLine($"after the load: RSS {settled} MiB (idle {idleRss} MiB); peak over the whole run {peak.Mib} MiB");
        Assert.False(agent.HasExited, agent.Output);
    }

    /// <summary>What Loki lacks when the wait ends, told apart by source, with the agent's own counts beside it.</summary>
    private static string MissingFromLoki(FakeLoki loki, HashSet<string> written, HashSet<string> answered, int telemetryPort)
    {
        var held = loki.Entries.Select(e => e.Line).ToHashSet(StringComparer.Ordinal);
        var missingLines = written.Where(line => !held.Contains(line)).ToList();
        var missingRecords = answered.Where(record => !held.Contains(record)).ToList();
        string Metric(string name) => AgentProcess.MetricSumAsync(telemetryPort, name).GetAwaiter().GetResult().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"Loki to hold every line written and every record answered 200: it lacks {missingLines.Count} of {written.Count} lines "
            + $"(first: {missingLines.FirstOrDefault()?[..24]}) and {missingRecords.Count} of {answered.Count} records; the agent read all but "
            + $"{Metric("agent_receiver_unread_bytes")} bytes, sent {Metric("otelcol_exporter_sent_log_records_total")} records, "
            + $"failed to queue {Metric("otelcol_exporter_enqueue_failed_log_records_total")}, dropped {Metric("otelcol_processor_dropped_log_records_total")} in processors";
    }

    private static string WriteConfig(PodLogsToLokiSetup node, FakeLoki loki, int telemetryPort, int otlpPort)
    {
        string path = Path.Combine(node.Root, "overload.yaml");
        File.WriteAllText(path, $$"""
            receivers:
              filelog:
                include: ["{{node.Kubelet.PodsDirectory}}/*/*/*.log"]
                start_at: beginning
                storage: file_storage
                operators: [{type: container}]
                poll_interval: 50ms
                max_batch_bytes: 65536
                retry_backoff: 100ms
              otlp:
                max_in_flight_bytes_mib: 16
                backpressure_timeout: 250ms
                protocols:
                  http:
                    endpoint: 127.0.0.1:{{otlpPort}}
            processors:
              memory_limiter:
                check_interval: 100ms
                limit_mib: 160
                spike_limit_mib: 40
              batch:
                timeout: 100ms
            exporters:
              loki:
                endpoint: {{loki.PushUri}}
                retry_on_failure:
                  initial_interval: 100ms
                  max_interval: 300ms
                  max_elapsed_time: 0
                sending_queue:
                  queue_size: 16
            extensions:
              file_storage:
                directory: {{Path.Combine(node.Root, "state")}}
                create_directory: true
            service:
              extensions: [file_storage]
              telemetry:
                metrics:
                  address: 127.0.0.1:{{telemetryPort}}
              pipelines:
                logs:
                  receivers: [filelog, otlp]
                  processors: [memory_limiter, batch]
                  exporters: [loki]
            """);
        return path;
    }

    private static void WriteUntil(FakeContainer container, CancellationToken stop)
    {
        for (int n = 0; !stop.IsCancellationRequested; n++)
        {
            container.Write(LogStream.Stdout, $"file line {n:D8} {new string((char)('a' + (n % 26)), 250)}");
        }
    }
}
