using System.Globalization;
using Agent.Core.Components;
using Agent.Receivers.HostMetrics.Scrapers;
using Agent.Receivers.Prometheus;
using Agent.Receivers.Prometheus.Discovery;
using Agent.Tests.Exporters.PrometheusRemoteWrite;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// The prometheus receiver and the prometheusremotewrite exporter against the real thing: the agent scrapes Debian's
/// node_exporter and Prometheus' own /metrics (jobs <c>node</c>, <c>prom</c>) and writes into that Prometheus,
/// which scrapes the same targets itself (jobs <c>direct-node</c>, <c>direct-prom</c>). For one instant both must
/// hold the same series, the same <c>up</c> and the same values (counters within the time between scrapes).
/// </summary>
public class ScrapedTargetsInPrometheusTests
{
    // Labels that only the agent's path adds: the scope of the receiver, as every OTLP scope becomes in remote-write.
    private static readonly string[] AgentOnlyLabels = ["job", "otel_scope_name", "otel_scope_version"];

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WhatTheAgentScrapesIsWhatPrometheusScrapes()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await using var node = await NodeExporterServer.StartAsync(FilesystemScraper.DefaultExcludedMountPoints, deadline.Token);
        string nodeAddress = node.MetricsUri.Authority;
        await using var prometheus = await PrometheusServer.StartAsync(
            port => $"""
                  - job_name: direct-node
                    scrape_interval: 2s
                    static_configs: [{"{"}targets: ["{nodeAddress}"]{"}"}]
                  - job_name: direct-prom
                    scrape_interval: 2s
                    static_configs: [{"{"}targets: ["127.0.0.1:{port}"]{"}"}]

                """,
            deadline.Token);
        var (exporter, _) = await RemoteWriteTestData.StartAsync(RemoteWriteTestData.Options(prometheus.WriteUri));
        var options = new PrometheusReceiverOptions
        {
            Config = new PrometheusConfig { ScrapeConfigs = [Job("node", nodeAddress), Job("prom", prometheus.BaseUri.Authority)] },
        };
        var receiver = new PrometheusReceiverFactory().CreateReceiver(
            new TestHost().Context(new ComponentId("prometheus", "e2e"), options),
            new ReceiverConsumers(null, exporter.Metrics, null));
        await receiver.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.ReadUntilAsync(
                // Eight scrapes (16 s) of each target by both, so every instant compared below has data on both sides.
                () => prometheus.QueryAsync("count_over_time(up[30s]) >= 8"),
                up => up.Count == 4,
                "eight scrapes of each target by both",
                seconds: 90);

            // Every sample Prometheus answers for `at` is at most one interval (2 s) old.
            var at = DateTimeOffset.UtcNow.AddSeconds(-5);
            await CompareAsync(prometheus, "node", "direct-node", at, compareLabels: true);
            await CompareAsync(prometheus, "prom", "direct-prom", at, compareLabels: false);

            var memory = await prometheus.QueryAsync("node_memory_MemTotal_bytes", at);
            Assert.Equal(2, memory.Count);
            Assert.Equal(memory[0].Value, memory[1].Value);

            // A counter read by the agent at `at` lies between what Prometheus read 3 s before and 3 s after:
            // node_exporter's count of its own scrapes, which both scrapers move.
            const string Counter = "sum(promhttp_metric_handler_requests_total{{job=\"{0}\"}})";
            double agent = Value(await prometheus.QueryAsync(string.Format(CultureInfo.InvariantCulture, Counter, "node"), at));
            await Eventually.UntilAsync(() => DateTimeOffset.UtcNow > at.AddSeconds(4), "the instant after");
            string direct = string.Format(CultureInfo.InvariantCulture, Counter, "direct-node");
            double before = Value(await prometheus.QueryAsync(direct, at.AddSeconds(-3)));
            double after = Value(await prometheus.QueryAsync(direct, at.AddSeconds(3)));
            Assert.True(before < after, $"the counter did not move: {before}");
            Assert.InRange(agent, before, after);
        }
        finally
        {
            await receiver.ShutdownAsync(CancellationToken.None);
            await exporter.ShutdownAsync(CancellationToken.None);
        }
    }

    private static ScrapeConfig Job(string name, string address) => new()
    {
        JobName = name,
        ScrapeInterval = TimeSpan.FromSeconds(2),
        StaticConfigs = [new StaticConfig { Targets = [address] }],
    };

    private static double Value(IReadOnlyList<PromSample> samples) => Assert.Single(samples).Value;

    /// <summary>The agent's job and Prometheus' own hold the same series (names only, or names and labels) and up.</summary>
    private static async Task CompareAsync(PrometheusServer prometheus, string agentJob, string directJob, DateTimeOffset at, bool compareLabels)
    {
        // target_info carries the resource (server.address, server.port, url.scheme): the agent's only extra series,
        // as with the Collector's prometheus receiver and remote-write exporter.
        var agentSamples = await prometheus.QueryAsync($"{{job=\"{agentJob}\"}}", at);
        Assert.Contains(agentSamples, s => s.Labels["__name__"] == "target_info" && s.Labels["url_scheme"] == "http");
        var agent = Keys(agentSamples.Where(s => s.Labels["__name__"] != "target_info"), compareLabels);
        var direct = Keys(await prometheus.QueryAsync($"{{job=\"{directJob}\"}}", at), compareLabels);
        Assert.True(
            agent.SetEquals(direct),
            $"only the agent's: {string.Join(", ", agent.Except(direct).Take(20))}; only Prometheus': {string.Join(", ", direct.Except(agent).Take(20))}");
        Assert.Equal(1, Value(await prometheus.QueryAsync($"up{{job=\"{agentJob}\"}}", at)));
        Assert.Equal(1, Value(await prometheus.QueryAsync($"up{{job=\"{directJob}\"}}", at)));
    }

    private static HashSet<string> Keys(IEnumerable<PromSample> samples, bool withLabels) =>
    [
        .. samples.Select(sample => withLabels
            ? string.Join(",", sample.Labels.Where(l => !AgentOnlyLabels.Contains(l.Key)).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))
            : sample.Labels["__name__"]),
    ];
}
