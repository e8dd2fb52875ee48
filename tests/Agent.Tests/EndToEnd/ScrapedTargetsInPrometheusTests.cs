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
/// hold the same series, the same <c>up</c> and the same values (counters within the time between scrapes); the
/// node target has a static label and a relabelled one, which <c>up</c> and the <c>scrape_*</c> series must carry
/// alike. A kube-state-metrics-shaped fixture (jobs <c>ksm</c>, <c>direct-ksm</c>) drops a pod's series, and the
/// agent's staleness markers must end them in Prometheus at once, as its own scrape does; stopping the receiver
/// must end its targets' <c>up</c> the same way.
/// </summary>
public class ScrapedTargetsInPrometheusTests
{
    // Labels that only the agent's path adds: the scope of the receiver, as every OTLP scope becomes in remote-write.
    private static readonly string[] AgentOnlyLabels = ["job", "otel_scope_name", "otel_scope_version"];

    private static readonly string[] ReportSeries = ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"];

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WhatTheAgentScrapesIsWhatPrometheusScrapes()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        // Both scrape the same node_exporter at different instants: file systems that other tests mount and unmount
        // under the temporary directory meanwhile would differ between them, so they are left out.
        string excluded = $"{FilesystemScraper.DefaultExcludedMountPoints}|^{System.Text.RegularExpressions.Regex.Escape(Path.GetTempPath())}";
        await using var node = await NodeExporterServer.StartAsync(excluded, deadline.Token);
        await using var ksm = await Receivers.Prometheus.ScrapeFixtureServer.StartAsync();
        string nodeAddress = node.MetricsUri.Authority;
        await using var prometheus = await PrometheusServer.StartAsync(
            port => $"""
                  - job_name: direct-node
                    scrape_interval: 2s
                    static_configs: [{"{"}targets: ["{nodeAddress}"], labels: {"{"}env: e2e{"}"}{"}"}]
                    relabel_configs: [{"{"}target_label: tier, replacement: infra{"}"}]
                  - job_name: direct-ksm
                    scrape_interval: 2s
                    static_configs: [{"{"}targets: ["{ksm.Address}"]{"}"}]
                  - job_name: direct-prom
                    scrape_interval: 2s
                    static_configs: [{"{"}targets: ["127.0.0.1:{port}"]{"}"}]

                """,
            deadline.Token);
        var (exporter, _) = await RemoteWriteTestData.StartAsync(RemoteWriteTestData.Options(prometheus.WriteUri));
        var options = new PrometheusReceiverOptions
        {
            Config = new PrometheusConfig { ScrapeConfigs = [NodeJob(nodeAddress), Job("prom", prometheus.BaseUri.Authority), Job("ksm", ksm.Address)] },
        };
        var receiver = new PrometheusReceiverFactory().CreateReceiver(
            new TestHost().Context(new ComponentId("prometheus", "e2e"), options),
            new ReceiverConsumers(null, exporter.Metrics, null));
        await receiver.StartAsync(CancellationToken.None);
        bool stopped = false;
        try
        {
            await Eventually.ReadUntilAsync(
                // Eight scrapes (16 s) of each target by both, so every instant compared below has data on both sides.
                () => prometheus.QueryAsync("count_over_time(up[30s]) >= 8"),
                up => up.Count == 6,
                "eight scrapes of each target by both",
                seconds: 90);

            // Every sample Prometheus answers for `at` is at most one interval (2 s) old.
            var at = DateTimeOffset.UtcNow.AddSeconds(-5);
            await CompareAsync(prometheus, "node", "direct-node", at, compareLabels: true);
            await CompareAsync(prometheus, "prom", "direct-prom", at, compareLabels: false);
            await CompareAsync(prometheus, "ksm", "direct-ksm", at, compareLabels: true);
            foreach (string name in ReportSeries)
            {
                var agentReport = Keys(await prometheus.QueryAsync($"{name}{{job=\"node\"}}", at), withLabels: true);
                Assert.Equal(Keys(await prometheus.QueryAsync($"{name}{{job=\"direct-node\"}}", at), withLabels: true), agentReport);
                Assert.Contains("env=e2e", Assert.Single(agentReport), StringComparison.Ordinal);
                Assert.Contains("tier=infra", agentReport.Single(), StringComparison.Ordinal);
            }

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

            // A pod leaves the fixture's output: its series end in Prometheus within a few scrapes, not after the
            // five minutes of lookback a series without a staleness marker would still answer for.
            const string Gone = "kube_pod_status_phase{{job=\"{0}\",pod=\"web-1\"}}";
            Assert.Equal(5, (await prometheus.QueryAsync(string.Format(CultureInfo.InvariantCulture, Gone, "ksm"))).Count);
            ksm.Pods = ["web-0"];
            var removed = DateTimeOffset.UtcNow;
            await Eventually.ReadUntilAsync(
                () => prometheus.QueryAsync(string.Format(CultureInfo.InvariantCulture, Gone, "ksm")),
                samples => samples.Count == 0,
                "the removed pod's series stale in Prometheus",
                seconds: 30);
            Assert.True(DateTimeOffset.UtcNow - removed < TimeSpan.FromMinutes(1), "ended by lookback, not by a marker");
            Assert.Single(await prometheus.QueryAsync("kube_pod_status_phase{job=\"ksm\",pod=\"web-0\",phase=\"Running\"}"));
            await Eventually.ReadUntilAsync(
                () => prometheus.QueryAsync(string.Format(CultureInfo.InvariantCulture, Gone, "direct-ksm")),
                samples => samples.Count == 0,
                "the same series stale in Prometheus' own scrape",
                seconds: 30);

            // The receiver stops: every target's up (and the rest) ends at once.
            stopped = true;
            await receiver.ShutdownAsync(CancellationToken.None);
            await exporter.ShutdownAsync(CancellationToken.None);
            await Eventually.ReadUntilAsync(
                () => prometheus.QueryAsync("up{job=~\"node|prom|ksm\"} or scrape_series_added{job=~\"node|prom|ksm\"}"),
                samples => samples.Count == 0,
                "the stopped receiver's targets stale in Prometheus",
                seconds: 30);
            Assert.Equal(3, (await prometheus.QueryAsync("up{job=~\"direct-.*\"}")).Count);
        }
        finally
        {
            if (!stopped)
            {
                await receiver.ShutdownAsync(CancellationToken.None);
                await exporter.ShutdownAsync(CancellationToken.None);
            }
        }
    }

    private static ScrapeConfig Job(string name, string address) => new()
    {
        JobName = name,
        ScrapeInterval = TimeSpan.FromSeconds(2),
        StaticConfigs = [new StaticConfig { Targets = [address] }],
    };

    private static ScrapeConfig NodeJob(string address)
    {
        var job = Job("node", address);
        job.StaticConfigs[0].Labels["env"] = "e2e";
        job.RelabelConfigs = [new Agent.Receivers.Prometheus.Relabeling.RelabelConfig { TargetLabel = "tier", Replacement = "infra" }];
        return job;
    }

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
