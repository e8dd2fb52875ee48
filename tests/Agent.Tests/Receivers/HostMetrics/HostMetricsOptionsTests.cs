using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;
using Agent.Tests.Config;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>The Collector's hostmetrics configuration, bound and validated as users write it.</summary>
public sealed class HostMetricsOptionsTests
{
    [Fact]
    public void A_collector_config_binds_with_node_exporters_interval_by_default()
    {
        var (options, errors) = Binding.Bind<HostMetricsReceiverOptions>("""
            root_path: /hostfs
            scrapers:
              cpu:
              disk:
                include: {devices: ["^sd", "^nvme"], match_type: regexp}
              filesystem:
                exclude_mount_points: {mount_points: [/boot], match_type: strict}
                include_virtual_filesystems: true
              network:
                exclude: {interfaces: [lo]}
              load:
                metrics:
                  node_load15: {enabled: false}
            """);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(15), options.CollectionInterval);
        Assert.Equal(MetricNaming.Prometheus, options.Naming);
        Assert.Equal("/hostfs", options.RootPath);
        Assert.Equal(["cpu", "disk", "filesystem", "network", "load"], options.Scrapers.Enabled().Select(s => s.Key));
        Assert.Equal(NameMatch.Regexp, options.Scrapers.Disk!.Include!.MatchType);
        Assert.Equal(["lo"], options.Scrapers.Network!.Exclude!.Interfaces);
        Assert.True(options.Scrapers.Filesystem!.IncludeVirtualFilesystems);
        Assert.False(options.Scrapers.Load!.Metrics["node_load15"].Enabled);
    }

    [Fact]
    public void No_scraper_is_an_error_as_in_the_collector()
    {
        var (_, errors) = Binding.Bind<HostMetricsReceiverOptions>("collection_interval: 30s");

        Assert.Equal(["inline.yaml: x.scrapers: must specify at least one scraper (cpu, memory, disk, filesystem, network, load, paging, processes, process)"], errors);
    }

    [Fact]
    public void Bad_values_name_their_key()
    {
        var (_, errors) = Binding.Bind<HostMetricsReceiverOptions>("""
            root_path: hostfs
            naming: otel
            scrapers:
              disk:
                include: {devices: ["(unclosed"], match_type: regexp}
              network:
                exclude: {interfaces: []}
              cpu:
                metrics:
                  node_cpu_seconds_total: {enabled: false}
            """);

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("x.root_path: \"hostfs\" must be an absolute path", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("x.scrapers.disk.include.devices: \"(unclosed\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("x.scrapers.network.exclude.interfaces: must list at least one name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("x.scrapers.cpu.metrics.node_cpu_seconds_total: is not a metric of naming otel", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_scraper_is_refused()
    {
        var (_, errors) = Binding.Bind<HostMetricsReceiverOptions>("scrapers: {cpus: {}}");

        Assert.Contains(errors, e => e.Contains("x.scrapers.cpus", StringComparison.Ordinal));
    }
}
