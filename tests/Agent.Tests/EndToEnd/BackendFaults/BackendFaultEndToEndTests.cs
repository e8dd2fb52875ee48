using System.Buffers.Binary;
using System.Globalization;
using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>
/// Issue 12's fault table, backends that fail: the `agent` binary under steady load, with a <see cref="FaultyProxy"/>
/// in front of each stand-in backend, goes through refused connections, resets mid-request, slow chunks and the
/// backend's own 503 / UNAVAILABLE with a retry delay, 2 s each, then the backend heals. Every item the agent
/// acknowledged must arrive; items refused to a client must have been refused retryably and must not arrive;
/// duplicates are allowed (at least once) and counted. Each test prints its rows of the README's table.
/// </summary>
public sealed class BackendFaultEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const int DeliverySeconds = 90;

    /// <summary>Items in every OTLP request of the load, so requests turned away unread count as that many items.</summary>
    private const int ItemsPerRequest = 20;
    private readonly string _root = Directory.CreateTempSubdirectory("agent-backend-faults-").FullName;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Pod_logs_to_loki_lose_no_line_through_refusals_resets_delays_and_503s()
    {
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        await using var proxy = FaultyProxy.Start(loki.BaseUri.Port);
        var container = node.Kubelet.StartContainer("shop", "web-7d9f", "0b8e5c2a-1111-2222-3333-444455556666", "nginx", docker: false);
        await using var agent = await node.StartAgentAsync(loki, endpoint: new Uri($"http://127.0.0.1:{proxy.Port}/loki/api/v1/push"));
        var unavailable = Switch(() => loki.FailNext(100_000, 503, retryAfter: "1"), loki.StopFailing);

        IReadOnlyList<long> Delivered() => loki.Entries.Select(e => long.Parse(e.Line.AsSpan(6, 8), CultureInfo.InvariantCulture)).ToList();
        await RunAsync("filelog → loki", agent, node.TelemetryPort, proxy, unavailable, (ledger, stop) => Task.Run(() => WriteLines(container, ledger, stop), CancellationToken.None), "log_records", Delivered);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Otlp_traces_to_an_otlp_grpc_backend_lose_no_acknowledged_span_through_refusals_resets_delays_and_unavailable()
    {
        await using var tempo = await FakeOtlpBackend.StartAsync();
        await using var proxy = FaultyProxy.Start(tempo.GrpcPort);
        var (agent, telemetryPort, otlpPort) = await StartAgentAsync("traces", $$"""
            exporters:
              otlp:
                endpoint: 127.0.0.1:{{proxy.Port}}
                tls: {insecure: true}
                retry_on_failure: {initial_interval: 100ms, max_interval: 1s}
                sending_queue: {queue_size: 20}
            """);
        await using var _ = agent;
        var unavailable = Switch(() => tempo.FailNext(100_000, Grpc.Core.StatusCode.Unavailable, TimeSpan.FromSeconds(1)), tempo.StopFailing);

        IReadOnlyList<long> Delivered() => tempo.Traces.SelectMany(r => r.ResourceSpans).SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans)
            .Select(s => BinaryPrimitives.ReadInt64BigEndian(s.SpanId.Span) - 1).ToList();
        await RunAsync("OTLP traces → otlp (gRPC)", agent, telemetryPort, proxy, unavailable, (ledger, stop) => new OtlpLoad(new Uri($"http://127.0.0.1:{otlpPort}/v1/traces"), ItemsPerRequest, (first, count) => FaultLoadRequests.Spans(first, count).ToByteArray(), ledger).RunAsync(2, stop), "spans", Delivered);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Otlp_metrics_to_remote_write_lose_no_acknowledged_point_through_refusals_resets_delays_and_503s()
    {
        await using var prometheus = await FakeRemoteWrite.StartAsync();
        await using var proxy = FaultyProxy.Start(prometheus.WriteUri.Port);
        var (agent, telemetryPort, otlpPort) = await StartAgentAsync("metrics", $$"""
            exporters:
              prometheusremotewrite:
                endpoint: http://127.0.0.1:{{proxy.Port}}/api/v1/write
                target_info: {enabled: false}
                stale_markers: {enabled: false}
                retry_on_failure: {initial_interval: 100ms, max_interval: 1s}
                remote_write_queue: {queue_size: 20}
            """);
        await using var _ = agent;
        var unavailable = Switch(() => prometheus.FailNext(100_000, 503, "unavailable", retryAfter: "1"), prometheus.StopFailing);

        IReadOnlyList<long> Delivered() => prometheus.Series
            .Select(s => long.Parse(s.Labels.Single(l => l.Name == "seq").Value, CultureInfo.InvariantCulture)).ToList();
        await RunAsync("OTLP metrics → prometheusremotewrite", agent, telemetryPort, proxy, unavailable, (ledger, stop) => new OtlpLoad(new Uri($"http://127.0.0.1:{otlpPort}/v1/metrics"), ItemsPerRequest, (first, count) => FaultLoadRequests.Points(first, count).ToByteArray(), ledger).RunAsync(2, stop), "metric_points", Delivered);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The backend's own unavailability as a switch: on fails every request until switched off.</summary>
    private static Action<bool> Switch(Action fail, Action heal) => down => (down ? fail : heal)();

    /// <summary>
    /// Starts the load, waits for its first items at the backend, runs the fault phases and a healed one, stops the
    /// load, waits until every acknowledged item arrived, and reports the table's rows.
    /// </summary>
    private async Task RunAsync(
        string path,
        AgentProcess agent,
        int telemetryPort,
        FaultyProxy proxy,
        Action<bool> unavailable,
        Func<FaultLedger, CancellationToken, Task> startLoad,
        string items,
        Func<IReadOnlyList<long>> delivered)
    {
        var ledger = new FaultLedger();
        using var recorder = new PhaseRecorder(agent, telemetryPort, ledger);
        await recorder.BeginAsync("warm-up");
        using var stop = new CancellationTokenSource();
        var load = startLoad(ledger, stop.Token);
        await Eventually.UntilAsync(() => delivered().Count > 0, $"the first items at the backend ({path})");
        await FaultPhases.RunAsync(FaultPhases.Standard(proxy, unavailable), recorder, agent, proxy, unavailable);
        await Task.Delay(FaultPhases.Length); // the healed phase: load goes on against a healthy backend
        await stop.CancelAsync();
        await load;

        IReadOnlyList<long> arrived = [];
        await Eventually.UntilAsync(() => ledger.MissingFrom(arrived = delivered()) == 0, $"every acknowledged item at the backend ({path})", DeliverySeconds);
        await recorder.EndAsync();
        output.WriteLine($"{path}: {proxy.Accepted} connections through the proxy, {proxy.Resets} reset by it");
        FaultTable.Report(output, path, ledger, arrived, recorder.Observations);
        Assert.False(agent.HasExited, agent.Output);
        await AssertCountsAgreeAsync(recorder, items, ledger.Count(arrived));
    }

    /// <summary>
    /// The agent's own counts tell the same story as the clients': each item taken is counted accepted once and
    /// sent once (retries and resets do not count it again), and each item refused to a client is counted refused.
    /// </summary>
    private async Task AssertCountsAgreeAsync(PhaseRecorder recorder, string items, IReadOnlyList<PhaseCount> counts)
    {
        int acknowledged = counts.Sum(c => c.Acknowledged), refused = counts.Sum(c => c.Refused);
        double sent = await Eventually.ReadUntilAsync(() => recorder.ReadAsync($"otelcol_exporter_sent_{items}_total"), n => n >= acknowledged, $"the exporter to count {acknowledged} {items} sent");
        double accepted = await recorder.ReadAsync($"otelcol_receiver_accepted_{items}_total");
        double refusedByAgent = await recorder.ReadAsync($"otelcol_receiver_refused_{items}_total");

        // A request turned away before its body was read (a full pipeline, the in-flight budget) is counted as a request.
        double turnedAway = await recorder.ReadAsync("agent_receiver_requests_rejected_total");
        output.WriteLine($"agent's counts: {accepted} accepted, {refusedByAgent} refused, {turnedAway} requests turned away unread, {sent} sent; clients': {acknowledged} acknowledged, {refused} refused");
        Assert.Equal(acknowledged, sent);
        Assert.Equal(acknowledged, accepted);
        Assert.Equal(refused, refusedByAgent + (turnedAway * ItemsPerRequest));
    }

    /// <summary>Writes the signal's pipeline (otlp receiver over HTTP, batch, <paramref name="exporters"/>) and starts `agent run` on it.</summary>
    private async Task<(AgentProcess Agent, int TelemetryPort, int OtlpPort)> StartAgentAsync(string signal, string exporters)
    {
        int telemetryPort = FakeOtlpBackend.FreePort(), otlpPort = FakeOtlpBackend.FreePort();
        string exporter = exporters.Split('\n')[1].Trim().TrimEnd(':');
        string config = Path.Combine(_root, $"{signal}.yaml");
        File.WriteAllText(config, $$"""
            receivers:
              otlp:
                backpressure_timeout: 250ms
                protocols:
                  http: {endpoint: 127.0.0.1:{{otlpPort}}}
            processors:
              batch: {timeout: 100ms}
            {{exporters}}
            service:
              telemetry:
                metrics: {address: 127.0.0.1:{{telemetryPort}}}
              pipelines:
                {{signal}}:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [{{exporter}}]
            """);
        var agent = AgentProcess.Start(["run", "--config", config], new Dictionary<string, string> { ["AGENT_DATA_DIR"] = Path.Combine(_root, "data") });
        try
        {
            await agent.WaitUntilReadyAsync(telemetryPort, TimeSpan.FromSeconds(30));
            return (agent, telemetryPort, otlpPort);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>Numbered lines in bursts of 20 every 20 ms (about 1,000 lines/s); a line written is acknowledged.</summary>
    private static void WriteLines(FakeContainer container, FaultLedger ledger, CancellationToken stop)
    {
        const int Burst = 20;
        while (!stop.IsCancellationRequested)
        {
            long first = ledger.Reserve(Burst);
            string phase = ledger.Phase;
            for (long n = first; n < first + Burst; n++)
            {
                container.Write(LogStream.Stdout, string.Create(CultureInfo.InvariantCulture, $"fault {n:D8} {phase} {new string((char)('a' + (n % 26)), 100)}"));
            }

            ledger.Record(first, Burst, phase, ItemOutcome.Acknowledged);
            Thread.Sleep(20);
        }
    }
}
