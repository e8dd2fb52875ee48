using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Receivers.ContainerMetrics;
using Agent.Receivers.Scraping;
using Agent.Tests.Config;

namespace Agent.Tests.Receivers.ContainerMetrics;

/// <summary>The receiver as the agent builds it: options bound from YAML, the factory, the scraper controller, a pipeline consumer.</summary>
public sealed class ContainerMetricsReceiverTests : IDisposable
{
    private readonly CgroupFixture _host = new(v2: true);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_collection_goes_through_the_pipeline_and_is_counted_as_scraped_and_accepted()
    {
        var paths = CgroupScraperTests.WriteThreePods(_host, CgroupDriver.Systemd);
        var (options, errors) = Binding.Bind<ContainerMetricsReceiverOptions>($"{{root_path: \"{_host.RootPath}\", initial_delay: 0s, collection_interval: 1h}}");
        Assert.Empty(errors);
        var id = new ComponentId("containermetrics", Guid.NewGuid().ToString("N"));
        var consumer = new RecordingConsumer<MetricsBatch>();
        var receiver = new ContainerMetricsReceiverFactory().CreateReceiver(new TestHost().Context(id, options), new ReceiverConsumers(null, consumer, null));

        await receiver.StartAsync(CancellationToken.None);
        try
        {
            await consumer.FirstBatch;
        }
        finally
        {
            await receiver.ShutdownAsync(CancellationToken.None);
        }

        var batch = Assert.Single(consumer.Received);
        var metrics = new ScrapedMetrics(new ScrapeResult(batch.Data));
        Assert.Equal(CgroupSample.Numbered(2).Memory, metrics.Value("container_memory_usage_bytes", ("id", paths[2].Container), ("pod", "web-2"), ("container", "app")));

        // 6 cgroups × (12 values + 4 I/O series of one device).
        Assert.Equal(6 * 16, batch.ItemCount);
        Assert.Equal(6 * 16, SelfMetrics.Value("otelcol_scraper_scraped_metric_points_total", ("receiver", id.ToString()), ("scraper", "cgroup")));
        Assert.Equal(0, SelfMetrics.Value("otelcol_scraper_errored_metric_points_total", ("receiver", id.ToString()), ("scraper", "cgroup")));
        Assert.Equal(6 * 16, SelfMetrics.AcceptedValue(id.ToString(), string.Empty, Signal.Metrics));
    }

    [Fact]
    public void Options_default_to_prometheus_names_every_15_seconds_under_the_hosts_root()
    {
        var defaults = new ContainerMetricsReceiverOptions();
        Assert.Equal(TimeSpan.FromSeconds(15), defaults.CollectionInterval);
        Assert.Equal(MetricNaming.Prometheus, defaults.Naming);
        Assert.Equal(("/", "/var/log/pods", "/var/log/containers"), (defaults.RootPath, defaults.PodLogsPath, defaults.ContainerLogsPath));
        Assert.Empty(defaults.Validate());

        var (otel, errors) = Binding.Bind<ContainerMetricsReceiverOptions>("{root_path: /hostfs, naming: otel, collection_interval: 30s}");
        Assert.Empty(errors);
        Assert.Equal((MetricNaming.Otel, "/hostfs", TimeSpan.FromSeconds(30)), (otel.Naming, otel.RootPath, otel.CollectionInterval));
        Assert.Equal("/hostfs/var/log/pods", otel.OnHost(otel.PodLogsPath));
        Assert.Equal("/var/log/pods", defaults.OnHost(defaults.PodLogsPath));
    }

    [Fact]
    public void Relative_paths_an_unknown_naming_and_a_zero_interval_are_refused_by_key()
    {
        var (_, errors) = Binding.Bind<ContainerMetricsReceiverOptions>("{root_path: hostfs, pod_logs_path: var/log/pods, naming: cadvisor, collection_interval: 0s}");

        Assert.Contains(errors, e => e.Contains("x.root_path", StringComparison.Ordinal) && e.Contains("absolute", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("x.pod_logs_path", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("x.naming", StringComparison.Ordinal) && e.Contains("prometheus, otel", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("x.collection_interval", StringComparison.Ordinal));
    }

    public void Dispose() => _host.Dispose();
}
