using Agent.Receivers.ContainerMetrics;
using Agent.Receivers.Scraping;
using Agent.Tests.Fakes;
using Agent.Tests.Processors.K8sAttributes;
using Microsoft.Extensions.Time.Testing;
using static Agent.Tests.Receivers.ContainerMetrics.CgroupFixture;
using static Agent.Tests.Receivers.ContainerMetrics.CgroupScraperTests;

namespace Agent.Tests.Receivers.ContainerMetrics;

/// <summary>
/// <c>k8s_metadata</c>: pod, namespace and container names and images from the Kubernetes API stand-in, through the
/// real KubernetesClient and the shared cache, over a cgroup tree whose log directories are empty.
/// </summary>
public sealed class ContainerMetricsKubernetesTests : IAsyncDisposable
{
    private const string Image = "registry.example:5000/team/app:1.4.2";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly CgroupFixture _host = new(v2: true);
    private readonly string _pod;
    private K8sTestCluster? _cluster;

    public ContainerMetricsKubernetesTests()
    {
        _pod = PodPath(CgroupDriver.Systemd, "burstable", Uid(5));
        _host.Cgroup(_pod, CgroupSample.Numbered(15));
        _host.Cgroup(ContainerPath(CgroupDriver.Systemd, Runtime.Containerd, _pod, Id(5)), CgroupSample.Numbered(5));
        _host.Cgroup(ContainerPath(CgroupDriver.Systemd, Runtime.Containerd, _pod, Id(9)), CgroupSample.Numbered(9));
    }

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Names_and_image_come_from_the_api_when_the_log_directories_have_nothing()
    {
        var scraper = await StartAsync(MetricNaming.Prometheus);

        var metrics = await ScrapeUntilNamedAsync(scraper, MetricNaming.Prometheus);

        string container = ContainerPath(CgroupDriver.Systemd, Runtime.Containerd, _pod, Id(5));
        Assert.Equal(CgroupSample.Numbered(5).Memory, metrics.Value("container_memory_usage_bytes", ("id", container), ("container", "app"), ("pod", "web-5"), ("namespace", "shop"), ("image", Image)));

        // The pod's own cgroup has no container and no image; the sandbox, unknown to the API, keeps its id.
        Assert.Equal(CgroupSample.Numbered(15).Memory, metrics.Value("container_memory_usage_bytes", ("id", _pod), ("container", string.Empty), ("pod", "web-5"), ("image", string.Empty)));
        Assert.Equal(CgroupSample.Numbered(9).Memory, metrics.Value("container_memory_usage_bytes", ("container", Id(9)), ("pod", "web-5"), ("image", string.Empty)));
        Assert.Equal(0, metrics.Result.FailedPoints);

        await scraper.ShutdownAsync(CancellationToken.None);
        Assert.Equal(0, _cluster!.Caches.Count);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Otel_naming_carries_the_image_name_and_tag_as_resource_attributes()
    {
        var scraper = await StartAsync(MetricNaming.Otel);

        var metrics = await ScrapeUntilNamedAsync(scraper, MetricNaming.Otel);

        var resource = Assert.Single(metrics.Points, p => p.Metric.Name == "container.memory.usage" && p.Resource.GetValueOrDefault("container.id") == Id(5)).Resource;
        Assert.Equal("registry.example:5000/team/app", resource["container.image.name"]);
        Assert.Equal("1.4.2", resource["container.image.tag"]);
        Assert.Equal(("app", "web-5", "shop"), (resource["k8s.container.name"], resource["k8s.pod.name"], resource["k8s.namespace.name"]));
        await scraper.ShutdownAsync(CancellationToken.None);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Without_api_access_the_image_is_empty_and_names_come_from_the_log_directories()
    {
        _host.PodLogs("shop", "web-5", Uid(5), ("app", Id(5), 0));
        var scraper = new CgroupScraper(new ContainerMetricsReceiverOptions { RootPath = _host.RootPath }, _time);
        await scraper.StartAsync(CancellationToken.None);

        var metrics = new ScrapedMetrics(await scraper.ScrapeAsync(CancellationToken.None));

        Assert.Equal(CgroupSample.Numbered(5).Memory, metrics.Value("container_memory_usage_bytes", ("container", "app"), ("pod", "web-5"), ("image", string.Empty)));
        await scraper.ShutdownAsync(CancellationToken.None);
    }

    [Fact]
    public void The_option_binds_under_the_k8sattributes_key_names_and_a_bad_auth_type_is_an_error()
    {
        var (options, errors) = Config.Binding.Bind<ContainerMetricsReceiverOptions>("""
            k8s_metadata:
              enabled: true
              auth_type: kubeConfig
              kube_config_path: /etc/kube/config
              node_from_env_var: K8S_NODE_NAME
            """);

        Assert.Empty(errors);
        Assert.True(options.K8sMetadata.Enabled);
        Assert.Equal(("kubeConfig", "/etc/kube/config", "K8S_NODE_NAME"), (options.K8sMetadata.AuthType, options.K8sMetadata.KubeConfigPath, options.K8sMetadata.NodeFromEnvVar));

        var (_, bad) = Config.Binding.Bind<ContainerMetricsReceiverOptions>("k8s_metadata: {enabled: true, auth_type: token}");
        Assert.Contains(bad, e => e.Contains("x.k8s_metadata.auth_type", StringComparison.Ordinal));
    }

    private async Task<CgroupScraper> StartAsync(MetricNaming naming)
    {
        _cluster = await K8sTestCluster.StartAsync();
        _cluster.Api.Put("pods", KubernetesObjects.Pod("shop", "web-5", Uid(5), image: Image, containerId: Id(5)));
        var options = new ContainerMetricsReceiverOptions { RootPath = _host.RootPath, Naming = naming };
        options.K8sMetadata = new ContainerMetricsK8sMetadataOptions { Enabled = true, AuthType = "none", Endpoint = _cluster.Api.BaseUri.ToString() };
        var scraper = new CgroupScraper(options, _time, _cluster);
        await scraper.StartAsync(CancellationToken.None);
        return scraper;
    }

    /// <summary>
    /// Scrapes until the cache had listed the pod before the scrape began: every cgroup of the scrape named (the
    /// first scrapes may come before the list, and the list may land between two cgroups of one scrape).
    /// </summary>
    private static Task<ScrapedMetrics> ScrapeUntilNamedAsync(CgroupScraper scraper, MetricNaming naming) => Eventually.ReadUntilAsync(
        async () => new ScrapedMetrics(await scraper.ScrapeAsync(CancellationToken.None)),
        metrics => naming == MetricNaming.Prometheus
            ? metrics.LabelValues("container_memory_usage_bytes", "pod") is ["web-5"]
            : metrics.Points.Where(p => p.Metric.Name == "container.memory.usage").ToList() is { Count: > 0 } points
                && points.All(p => p.Resource.GetValueOrDefault("k8s.pod.name") == "web-5"),
        "every cgroup named from the API in one scrape");
}
