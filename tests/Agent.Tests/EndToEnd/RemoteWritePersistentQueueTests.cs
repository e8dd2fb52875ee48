using System.Collections.Concurrent;
using System.Net;
using Agent.Tests.Fakes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using Xunit.Abstractions;
using static Agent.Tests.Exporters.PrometheusRemoteWrite.RemoteWriteTestData;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// The `agent` binary taking OTLP metrics with end-to-end acknowledgements into <c>prometheusremotewrite</c> with
/// <c>remote_write_queue.storage</c>, while the remote-write endpoint answers 503: a request is answered 200 once
/// its samples are in the queue on disk, so after the agent stops they exist only there.
/// </summary>
public sealed class RemoteWritePersistentQueueTests(ITestOutputHelper output) : IDisposable
{
    private const int Series = 4;
    private const int AcknowledgedBeforeStop = 150;
    private const long StaleNaN = 0x7ff0000000000002;

    private readonly string _root = Directory.CreateTempSubdirectory("agent-e2e-rwqueue-").FullName;
    private readonly int _otlpPort = FakeOtlpBackend.FreePort();
    private int _telemetryPort;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Samples_acknowledged_while_the_endpoint_is_down_all_arrive_in_order_after_sigkill_and_restart()
    {
        await using var down = await FakeRemoteWrite.StartAsync();
        down.FailNext(1_000_000, 503);
        var client = new MetricsClient(_otlpPort);
        var first = await StartAgentAsync(down);
        using var stop = new CancellationTokenSource();
        var sending = client.RunAsync(stop.Token);
        try
        {
            await Eventually.UntilAsync(() => client.Acknowledged.Count >= AcknowledgedBeforeStop, "requests answered 200 with the endpoint down");
            double queued = await AgentProcess.MetricSumAsync(_telemetryPort, "agent_exporter_queue_requests");
            output.WriteLine($"requests in the persistent queue before the kill: {queued}");
            Assert.True(queued > 0, first.Output);
        }
        finally
        {
            // SIGKILL while the client is still sending: no shutdown, no last flush, no staleness markers.
            await first.DisposeAsync();
            await stop.CancelAsync();
            await sending;
        }

        Assert.DoesNotContain(down.Writes, write => write.Status == 204);
        await using var up = await FakeRemoteWrite.StartAsync();
        await using var second = await StartAgentAsync(up);
        var samples = await WaitForAcknowledgedAsync(up, client);

        foreach (var (series, values) in samples)
        {
            // Resent (at least once) is allowed; out of order or missing is not.
            Assert.True(values.Zip(values.Skip(1)).All(pair => pair.First <= pair.Second), $"series {series} out of order: {string.Join(",", values)}");
        }

        Assert.Empty(client.OtherAnswers);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task After_a_graceful_stop_the_queued_samples_and_then_the_staleness_markers_arrive_at_the_next_start()
    {
        await using var down = await FakeRemoteWrite.StartAsync();
        down.FailNext(1_000_000, 503);
        var client = new MetricsClient(_otlpPort);
        await using (var first = await StartAgentAsync(down))
        {
            using var stop = new CancellationTokenSource();
            var sending = client.RunAsync(stop.Token);
            await Eventually.UntilAsync(() => client.Acknowledged.Count >= AcknowledgedBeforeStop, "requests answered 200 with the endpoint down");
            await stop.CancelAsync();
            await sending;
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.Empty(client.OtherAnswers);

        await using var up = await FakeRemoteWrite.StartAsync();
        await using var second = await StartAgentAsync(up);
        await Eventually.UntilAsync(
            () => up.Series.Count(s => NameOf(s) == "queue_e2e" && s.Samples.Any(sample => BitConverter.DoubleToInt64Bits(sample.Value) == StaleNaN)) == Series,
            "the first run's staleness marker of every series");
        var samples = await WaitForAcknowledgedAsync(up, client);

        // The marker, stamped when the first run stopped, comes after every sample of the series.
        foreach (var (series, values) in samples)
        {
            Assert.Equal(Enumerable.Range(0, client.Acknowledged.Max() + 1).Select(i => (double)i), values.Where(v => !double.IsNaN(v)));
            Assert.True(double.IsNaN(values[^1]), $"series {series} does not end with its marker");
        }
    }

    /// <summary>Waits until every acknowledged request's samples arrived; returns each series' values in arrival order.</summary>
    private async Task<Dictionary<string, List<double>>> WaitForAcknowledgedAsync(FakeRemoteWrite sink, MetricsClient client)
    {
        var acknowledged = client.Acknowledged.Select(i => (double)i).ToHashSet();
        Dictionary<string, List<double>> received = [];
        await Eventually.UntilAsync(
            () =>
            {
                received = sink.Series.Where(s => NameOf(s) == "queue_e2e")
                    .GroupBy(s => LabelsOf(s)["s"])
                    .ToDictionary(g => g.Key, g => g.SelectMany(s => s.Samples).Select(sample => sample.Value).ToList());
                return received.Count == Series && received.Values.All(values => acknowledged.IsSubsetOf(values));
            },
            $"the {acknowledged.Count} acknowledged requests' samples at the endpoint",
            seconds: 90);
        output.WriteLine($"acknowledged {acknowledged.Count} requests; received {received.Values.Sum(v => v.Count)} samples of {Series} series");
        return received;
    }

    private Task<AgentProcess> StartAgentAsync(FakeRemoteWrite sink)
    {
        _telemetryPort = FakeOtlpBackend.FreePort();
        string config = Path.Combine(_root, "agent.yaml");
        File.WriteAllText(config, $$"""
            receivers:
              otlp:
                acknowledgements: true
                protocols:
                  http:
                    endpoint: 127.0.0.1:{{_otlpPort}}
            exporters:
              prometheusremotewrite:
                endpoint: {{sink.WriteUri}}
                retry_on_failure: {initial_interval: 100ms, max_interval: 300ms, max_elapsed_time: 0}
                remote_write_queue: {num_consumers: 3, storage: file_storage}
            extensions:
              file_storage:
                directory: {{Path.Combine(_root, "queue")}}
                create_directory: true
            service:
              extensions: [file_storage]
              telemetry:
                metrics:
                  address: 127.0.0.1:{{_telemetryPort}}
              pipelines:
                metrics:
                  receivers: [otlp]
                  exporters: [prometheusremotewrite]
            """);
        return AgentProcess.StartReadyAsync(
            ["run", "--config", config, "--shutdown-timeout", "20s"],
            new Dictionary<string, string> { ["AGENT_DATA_DIR"] = Path.Combine(_root, "data") },
            _telemetryPort);
    }

    /// <summary>
    /// One OTLP/HTTP client sending request after request: request <c>i</c> holds value <c>i</c> of each series, 10 ms
    /// after the previous one. It remembers which requests were answered 200, and stops when the agent is gone.
    /// </summary>
    private sealed class MetricsClient(int port)
    {
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
        private readonly ConcurrentQueue<int> _acknowledged = new();
        private readonly ConcurrentQueue<string> _other = new();
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;

        public IReadOnlyList<int> Acknowledged => [.. _acknowledged];

        public IReadOnlyList<string> OtherAnswers => [.. _other];

        public Task RunAsync(CancellationToken stop) => Task.Run(() => SendUntilAsync(stop), CancellationToken.None);

        private async Task SendUntilAsync(CancellationToken stop)
        {
            for (int i = Acknowledged.Count; !stop.IsCancellationRequested; i++)
            {
                using var content = new ByteArrayContent(Request(i).ToByteArray());
                content.Headers.ContentType = new("application/x-protobuf");
                HttpResponseMessage answer;
                try
                {
                    // Not cancelled by stop: a request sent is answered, so what was answered 200 is known exactly.
                    answer = await _http.PostAsync(new Uri($"http://127.0.0.1:{port}/v1/metrics"), content, CancellationToken.None);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    return; // the agent is gone
                }

                using (answer)
                {
                    Record(i, answer);
                }
            }
        }

        private void Record(int request, HttpResponseMessage answer)
        {
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                _acknowledged.Enqueue(request);
            }
            else
            {
                _other.Enqueue($"request {request}: {(int)answer.StatusCode}");
            }
        }

        private ExportMetricsServiceRequest Request(int i)
        {
            var points = Enumerable.Range(0, Series).Select(s => Point(i, _start.AddMilliseconds(10 * i), Attr("s", $"{s}"))).ToArray();
            var resource = new ResourceMetrics { Resource = ServiceResource("shop") };
            resource.ScopeMetrics.Add(new ScopeMetrics { Metrics = { Gauge("queue_e2e", string.Empty, points) } });
            return new ExportMetricsServiceRequest { ResourceMetrics = { resource } };
        }
    }
}
