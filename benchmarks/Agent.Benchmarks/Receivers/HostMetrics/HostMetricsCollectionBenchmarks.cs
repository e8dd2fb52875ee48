using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;
using BenchmarkDotNet.Attributes;

namespace Agent.Benchmarks.Receivers.HostMetrics;

/// <summary>
/// One full <c>hostmetrics</c> collection of this machine (all eight scrapers, root <c>/</c>): every /proc and /sys
/// file read and parsed, every file system statfs'd, every point built into OTLP, in each naming.
/// </summary>
[MemoryDiagnoser]
public class HostMetricsCollectionBenchmarks
{
    private IReadOnlyList<IMetricsScraper> _scrapers = [];

    [Params(MetricNaming.Prometheus, MetricNaming.Otel)]
    public MetricNaming Naming { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new HostMetricsReceiverOptions { Naming = Naming };
        options.Scrapers.Cpu = new();
        options.Scrapers.Memory = new();
        options.Scrapers.Disk = new();
        options.Scrapers.Filesystem = new();
        options.Scrapers.Network = new();
        options.Scrapers.Load = new();
        options.Scrapers.Paging = new();
        options.Scrapers.Processes = new();
        _scrapers = HostScrapers.Create(options, TimeProvider.System);
    }

    /// <summary>Returns the metrics read, so nothing is optimised away.</summary>
    [Benchmark]
    public async Task<int> Collect()
    {
        int points = 0;
        foreach (var scraper in _scrapers)
        {
            var result = await scraper.ScrapeAsync(CancellationToken.None);
            var scopes = result.Metrics.ResourceMetrics[0].ScopeMetrics;
            for (int i = 0; i < scopes.Count; i++)
            {
                points += scopes[i].Metrics.Count;
            }
        }

        return points;
    }
}
