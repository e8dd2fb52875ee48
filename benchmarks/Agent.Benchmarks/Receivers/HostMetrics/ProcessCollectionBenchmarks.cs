using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;
using BenchmarkDotNet.Attributes;

namespace Agent.Benchmarks.Receivers.HostMetrics;

/// <summary>
/// One <c>process</c> scrape of this machine's every process (root <c>/</c>, the default metrics, errors muted as a
/// DaemonSet without <c>CAP_SYS_PTRACE</c> would): once warm, what a pid costs when its identity is known.
/// </summary>
[MemoryDiagnoser]
public class ProcessCollectionBenchmarks
{
    private IMetricsScraper _scraper = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new HostMetricsReceiverOptions();
        options.Scrapers.Process = new ProcessScraperOptions { MuteProcessExeError = true, MuteProcessIoError = true, MuteProcessUserError = true };
        _scraper = HostScrapers.Create(options, TimeProvider.System)[0];
    }

    /// <summary>Returns the processes reported, so nothing is optimised away.</summary>
    [Benchmark]
    public async Task<int> Collect() => (await _scraper.ScrapeAsync(CancellationToken.None)).Metrics.ResourceMetrics.Count;
}
