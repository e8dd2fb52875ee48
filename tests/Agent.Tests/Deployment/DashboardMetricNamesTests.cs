using System.Diagnostics;
using System.Text.RegularExpressions;
using Agent.Tests.EndToEnd;
using Agent.Tests.Receivers.ContainerMetrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Agent.Tests.Deployment;

/// <summary>
/// Every metric a dashboard reads is one the agent really emits: its own <c>/metrics</c>, scraped from a running
/// agent that carries all three signals and fails to deliver some, and the hostmetrics and containermetrics
/// names, as a real Prometheus stores them from the agent's remote-write.
/// </summary>
public sealed partial class DashboardMetricNamesTests : IDisposable
{
    private readonly CgroupFixture _cgroups = new(v2: true);
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-dashboard-names-").FullName;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Every_metric_name_in_the_dashboards_is_one_the_agent_emits()
    {
        CgroupScraperTests.WriteThreePods(_cgroups, CgroupDriver.Systemd);
        await File.WriteAllTextAsync(Path.Combine(_directory, "app.log"), "one line for the logs pipeline\n");
        await using var prometheus = await PrometheusServer.StartAsync();
        int grpc = PrometheusServer.FreePort(), telemetry = PrometheusServer.FreePort();
        string config = Path.Combine(_directory, "agent.yaml");
        await File.WriteAllTextAsync(config, $$$"""
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: "127.0.0.1:{{{grpc}}}"
              filelog: {include: ["{{{_directory}}}/*.log"], start_at: beginning}
              hostmetrics:
                collection_interval: 1s
                initial_delay: 0s
                scrapers: {cpu: , memory: , load: , disk: , filesystem: , network: , paging: , processes: }
              containermetrics: {root_path: "{{{_cgroups.RootPath}}}", collection_interval: 1s, initial_delay: 0s}
            processors:
              batch: {timeout: 100ms}
            exporters:
              prometheusremotewrite: {endpoint: "{{{prometheus.WriteUri}}}"}
              debug: {}
              otlp/unreachable:
                endpoint: "127.0.0.1:1"
                tls: {insecure: true}
                retry_on_failure: {enabled: false}
                sending_queue: {enabled: false}
            service:
              telemetry: {metrics: {address: "127.0.0.1:{{{telemetry}}}"}}
              pipelines:
                traces: {receivers: [otlp], processors: [batch], exporters: [debug, otlp/unreachable]}
                metrics: {receivers: [hostmetrics, containermetrics], processors: [batch], exporters: [prometheusremotewrite, otlp/unreachable]}
                logs: {receivers: [filelog], processors: [batch], exporters: [debug, otlp/unreachable]}
            """);
        await using var agent = AgentProcess.Start(["run", "--config", config]);
        await agent.WaitUntilReadyAsync(telemetry, TimeSpan.FromSeconds(60));
        SendOneSpan(grpc);

        using var http = new HttpClient();
        string scrape = await Eventually.ReadUntilAsync(
            () => http.GetStringAsync(new Uri($"http://127.0.0.1:{telemetry}/metrics")),
            text => new[] { "spans", "metric_points", "log_records" }.All(items =>
                text.Contains($"otelcol_exporter_send_failed_{items}_total{{", StringComparison.Ordinal)
                && text.Contains($"otelcol_exporter_sent_{items}_total{{", StringComparison.Ordinal)),
            "the agent's /metrics to count all three signals, sent and failed",
            seconds: 60);
        // Each collection's series leave in several remote-write requests (one per shard), so wait until every host
        // and container name the dashboards use is stored, not only the first one seen.
        var used = DashboardTests.MetricNames();
        var fromCollections = used.Where(name => name.StartsWith("node_", StringComparison.Ordinal) || name.StartsWith("container_", StringComparison.Ordinal)).ToList();
        var stored = await Eventually.ReadUntilAsync(
            () => prometheus.SeriesAsync("{__name__=~\"node_.+|container_.+\"}"),
            series => fromCollections.All(name => series.Any(s => s["__name__"] == name)),
            $"Prometheus to store every host and container metric the dashboards use ({string.Join(", ", fromCollections)})",
            seconds: 60);

        var emitted = ScrapedNames(scrape).Concat(stored.Select(s => s["__name__"])).ToHashSet();
        Assert.True(used.Count > 20, $"only {used.Count} names found in the dashboards");
        var unknown = used.Where(name => !emitted.Contains(name) && !OnlyOnFailure(name, emitted)).ToList();
        Assert.True(unknown.Count == 0, $"not emitted by the agent: {string.Join(", ", unknown)}");
    }

    public void Dispose()
    {
        _cgroups.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static IEnumerable<string> ScrapedNames(string scrape) =>
        scrape.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(line => line[..line.IndexOfAny(['{', ' '])]);

    // Refusals, enqueue failures and processor drops appear in /metrics only once one happens. Such a name is
    // accepted when its success twin for the same items was scraped (refused ⇐ accepted, enqueue failed ⇐ sent)
    // or, for a processor's drops, when that processor's own metrics were.
    private static bool OnlyOnFailure(string name, IReadOnlySet<string> emitted)
    {
        var match = FailureName().Match(name);
        if (!match.Success)
        {
            return false;
        }

        string items = match.Groups["items"].Value;
        return match.Groups["family"].Value switch
        {
            "receiver_refused" => emitted.Contains($"otelcol_receiver_accepted_{items}_total"),
            "exporter_enqueue_failed" => emitted.Contains($"otelcol_exporter_sent_{items}_total"),
            _ => emitted.Contains($"otelcol_receiver_accepted_{items}_total") && emitted.Contains("otelcol_processor_batch_timeout_trigger_send_total"),
        };
    }

    private static void SendOneSpan(int port)
    {
        using var source = new ActivitySource("deployment-dashboards");
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.Grpc;
                o.Endpoint = new Uri($"http://127.0.0.1:{port}");
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
        source.StartActivity("dashboard-check")?.Dispose();
    }

    [GeneratedRegex(@"^otelcol_(?<family>receiver_refused|exporter_enqueue_failed|processor_dropped)_(?<items>spans|metric_points|log_records)_total$")]
    private static partial Regex FailureName();
}
