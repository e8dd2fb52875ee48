using System.Text;
using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Receivers.Prometheus;
using Agent.Receivers.Prometheus.Discovery;
using Agent.Receivers.Prometheus.Exposition;
using Agent.Receivers.Prometheus.Relabeling;
using OpenTelemetry.Proto.Metrics.V1;
using static Agent.Tests.Receivers.Prometheus.ScrapeHarness;

namespace Agent.Tests.Receivers.Prometheus;

/// <summary>Scraping over real HTTP: a kube-state-metrics-shaped fixture target, its failures and its auth.</summary>
public class ScrapeOverHttpTests
{
    private static readonly string[] ReportSeries = ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"];

    private static ScrapeConfig Job(string path = "/metrics") => new()
    {
        JobName = "kube-state-metrics",
        ScrapeInterval = TimeSpan.FromMinutes(1),
        ScrapeTimeout = TimeSpan.FromSeconds(3),
        MetricsPath = path,
    };

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("/metrics", "application/openmetrics-text")]
    [InlineData("/text-only", "text/plain")]
    public async Task KubeStateMetricsIsNegotiatedGzippedAndBecomesOtlp(string path, string served)
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        await using var harness = new ScrapeHarness(Job(path), server.Address);

        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a scrape");

        var request = server.Requests[0];
        Assert.Equal(ExpositionFormats.Accept, request.Accept);
        Assert.Contains("gzip", request.AcceptEncoding, StringComparison.Ordinal);
        Assert.StartsWith(served, request.Served, StringComparison.Ordinal);
        var scrape = Scrapes(harness.Received, server.Address)[0];
        Assert.True(Up(scrape) == 1, harness.Log);
        Assert.Equal("kube-state-metrics", scrape.Resource.Attributes.First(a => a.Key == "service.name").Value.StringValue);
        var phase = Metric(scrape, "kube_pod_status_phase")!.Gauge.DataPoints;
        Assert.Equal(10, phase.Count);
        var running = phase.Single(p => Label(p.Attributes, "pod") == "web-1" && Label(p.Attributes, "phase") == "Running");
        Assert.Equal(1, running.AsDouble);
        Assert.Equal("namespace=shop,phase=Running,pod=web-1,uid=uid-web-1", string.Join(",", running.Attributes.Select(a => a.Key + "=" + a.Value.StringValue)));
        var restarts = Metric(scrape, "kube_pod_container_status_restarts_total")!.Sum;
        Assert.True(restarts.IsMonotonic);
        Assert.Equal([3.0, 3.0], restarts.DataPoints.Select(p => p.AsDouble));
        Assert.Equal(2, Metric(scrape, "kube_deployment_status_replicas_available")!.Gauge.DataPoints[0].AsDouble);
        Assert.Equal(13, Metric(scrape, "scrape_samples_scraped")!.Gauge.DataPoints[0].AsDouble);
        Assert.Equal(13, Metric(scrape, "scrape_series_added")!.Gauge.DataPoints[0].AsDouble);

        // The counter's help is under the family name, which differs between the formats: read in either.
        Assert.Equal("The number of container restarts per container.", Metric(scrape, "kube_pod_container_status_restarts_total")!.Description);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task APodThatGoesAwayGetsStalenessMarkersAndTheNextScrapeAddsNothingOld()
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        await using var harness = new ScrapeHarness(Job(), server.Address);
        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a first scrape");

        server.Pods = ["web-0"];
        await harness.WaitAsync(r => Scrapes(r, server.Address).Any(s => Metric(s, "kube_pod_status_phase")?.Gauge.DataPoints.Count == 5), "a scrape without web-1");

        var shrunk = Scrapes(harness.Received, server.Address).First(s => Metric(s, "kube_pod_status_phase")?.Gauge.DataPoints.Count == 5);
        var stale = Metric(shrunk, "kube_pod_status_phase")!.Gauge.DataPoints.Where(Stale).ToList();
        Assert.Empty(stale);
        var markers = Stale(harness.Received).Where(p => Label(p.Attributes, "pod") == "web-1").ToList();
        Assert.Equal(6, markers.Count);
        Assert.Equal(0, Metric(shrunk, "scrape_series_added")!.Gauge.DataPoints[0].AsDouble);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task ATargetThatTimesOutIsUpZeroWhileTheOtherTargetOfItsJobKeepsItsSchedule()
    {
        await using var fast = await ScrapeFixtureServer.StartAsync();
        await using var slow = await ScrapeFixtureServer.StartAsync();
        slow.Hang = true;
        var config = Job();
        await using var harness = new ScrapeHarness(config, fast.Address, slow.Address);

        // While the slow target's first request hangs (3 s timeout), the fast one is scraped again and again.
        await harness.WaitAsync(r => Scrapes(r, fast.Address).Count >= 3 && slow.Requests.Count > 0, "three scrapes of the fast target");
        Assert.Equal(0, slow.AbortedSlow);
        Assert.Empty(Scrapes(harness.Received, slow.Address));
        Assert.All(Scrapes(harness.Received, fast.Address), s => Assert.Equal(1, Up(s)));

        // Then the scraper gives up on it: up 0, a counted timeout, the request aborted.
        await harness.WaitAsync(r => Scrapes(r, slow.Address).Count > 0, "the slow target's failed scrape", advance: false);
        Assert.Equal(0, Up(Scrapes(harness.Received, slow.Address)[0]));
        Assert.True(harness.Failures("timeout") >= 1, "no timeout counted");
        await Eventually.UntilAsync(() => slow.AbortedSlow > 0, "the slow request aborted");
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("/big", 0, "body_size_limit")]
    [InlineData("/garbage", 0, "invalid_exposition")]
    [InlineData("/metrics", 5, "sample_limit")]
    public async Task ABadAnswerIsUpZeroAndCounted(string path, int sampleLimit, string reason)
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        var config = Job(path);
        config.SampleLimit = sampleLimit;
        config.BodySizeLimit = ByteSize.Parse("1MiB");
        await using var harness = new ScrapeHarness(config, server.Address);

        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a scrape");

        var scrape = Scrapes(harness.Received, server.Address)[0];
        Assert.Equal(0, Up(scrape));
        Assert.Null(Metric(scrape, "kube_pod_status_phase"));
        Assert.True(harness.Failures(reason) >= 1, $"no {reason} failure counted");
        Assert.Equal(0, Metric(scrape, "scrape_samples_post_metric_relabeling")!.Gauge.DataPoints[0].AsDouble);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task ARemovedTargetGetsStalenessMarkersForEverySeries()
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        await using var harness = new ScrapeHarness(Job(), server.Address);
        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a scrape");

        harness.SetTargets();
        await harness.WaitAsync(r => Stale(r).Any(), "the markers of the removed target", advance: false);

        // Every series of the last scrape, and the five report series with it, as Prometheus ends a target.
        var last = harness.Received[^1];
        Assert.Equal(server.Address, Instance(last));
        Assert.Equal(13 + ReportSeries.Length, Stale([last]).Count());
        Assert.Equal(10, Metric(last, "kube_pod_status_phase")!.Gauge.DataPoints.Count(Stale));
        Assert.All(ReportSeries, name => Assert.True(Stale(Metric(last, name)!.Gauge.DataPoints[0]), name));
        ulong lastScrape = Metric(Scrapes(harness.Received, server.Address)[^1], "up")!.Gauge.DataPoints[0].TimeUnixNano;
        Assert.True(Metric(last, "up")!.Gauge.DataPoints[0].TimeUnixNano > lastScrape, "the markers must come after the last sample");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task TheReportSeriesCarryEveryLabelOfTheTargetAfterRelabelling()
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        var config = Job();
        config.RelabelConfigs =
        [
            new RelabelConfig { TargetLabel = "env", Replacement = "prod" },
            new RelabelConfig { SourceLabels = ["__metrics_path__"], TargetLabel = "path" },
        ];
        await using var harness = new ScrapeHarness(config, server.Address);

        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a scrape");

        var scrape = Scrapes(harness.Received, server.Address)[0];
        Assert.True(Up(scrape) == 1, harness.Log);
        foreach (string name in ReportSeries)
        {
            // job and instance travel as the resource (service.name, service.instance.id), the rest as attributes.
            var point = Assert.Single(Metric(scrape, name)!.Gauge.DataPoints);
            Assert.Equal("env=prod,path=/metrics", string.Join(",", point.Attributes.Select(a => a.Key + "=" + a.Value.StringValue)));
        }

        Assert.Equal("kube-state-metrics", scrape.Resource.Attributes.First(a => a.Key == "service.name").Value.StringValue);
        Assert.All(Metric(scrape, "kube_pod_status_phase")!.Gauge.DataPoints, p => Assert.Equal("prod", Label(p.Attributes, "env")));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task AFailedScrapeIsUpZeroAndMakesEveryPreviousSeriesStale()
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        await using var harness = new ScrapeHarness(Job(), server.Address);
        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a good scrape");

        server.Hang = true;
        await harness.WaitAsync(r => Scrapes(r, server.Address).Any(s => Up(s) == 0), "a failed scrape");

        var failed = Scrapes(harness.Received, server.Address).First(s => Up(s) == 0);
        Assert.Equal(13, Stale([failed]).Count());
        Assert.Null(Metric(failed, "kube_pod_status_phase")!.Gauge.DataPoints.FirstOrDefault(p => !Stale(p)));
        Assert.All(ReportSeries, name => Assert.False(Stale(Metric(failed, name)!.Gauge.DataPoints[0]), name));

        // Down and still down: nothing left to mark.
        await harness.WaitAsync(r => Scrapes(r, server.Address).Count(s => Up(s) == 0) >= 2, "a second failed scrape");
        Assert.Empty(Stale([Scrapes(harness.Received, server.Address).Where(s => Up(s) == 0).ElementAt(1)]));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("bearer")]
    [InlineData("basic")]
    public async Task CredentialsReachTheTarget(string kind)
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        var config = Job();
        if (kind == "bearer")
        {
            config.Authorization = new AuthorizationConfig { Credentials = "s3cret" };
        }
        else
        {
            config.BasicAuth = new BasicAuthConfig { Username = "agent", Password = "pass" };
        }

        await using var harness = new ScrapeHarness(config, server.Address);
        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a scrape");

        string expected = kind == "bearer" ? "Bearer s3cret" : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("agent:pass"));
        Assert.Equal(expected, server.Requests[0].Authorization);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task TheReceiverBuiltByItsFactoryScrapesItsStaticTargets()
    {
        await using var server = await ScrapeFixtureServer.StartAsync();
        var options = new PrometheusReceiverOptions
        {
            Config = new PrometheusConfig
            {
                ScrapeConfigs =
                [
                    new ScrapeConfig
                    {
                        JobName = "ksm",
                        ScrapeInterval = TimeSpan.FromSeconds(1),
                        StaticConfigs = [new StaticConfig { Targets = [server.Address], Labels = new() { ["cluster"] = "c1" } }],
                    },
                ],
            },
        };
        var id = new ComponentId("prometheus", "factory");
        var consumer = new RecordingConsumer<MetricsBatch>();
        var receiver = new PrometheusReceiverFactory().CreateReceiver(new TestHost().Context(id, options), new ReceiverConsumers(null, consumer, null));
        await receiver.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.UntilAsync(() => consumer.Count > 0, "a scrape by the receiver");
        }
        finally
        {
            await receiver.ShutdownAsync(CancellationToken.None);
        }

        var scrape = consumer.Received[0].Data.ResourceMetrics[0];
        Assert.Equal(1, Up(scrape));
        Assert.All(Metric(scrape, "kube_pod_status_phase")!.Gauge.DataPoints, p => Assert.Equal("c1", Label(p.Attributes, "cluster")));
    }

    private static string? Label(Google.Protobuf.Collections.RepeatedField<OpenTelemetry.Proto.Common.V1.KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    private static bool Stale(NumberDataPoint point) => (point.Flags & (uint)DataPointFlags.NoRecordedValueMask) != 0;

    private static IEnumerable<NumberDataPoint> Stale(IReadOnlyList<ResourceMetrics> received) =>
        received.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics)
            .SelectMany(m => m.DataCase == OpenTelemetry.Proto.Metrics.V1.Metric.DataOneofCase.Gauge ? m.Gauge.DataPoints : m.DataCase == OpenTelemetry.Proto.Metrics.V1.Metric.DataOneofCase.Sum ? m.Sum.DataPoints : [])
            .Where(Stale);
}
