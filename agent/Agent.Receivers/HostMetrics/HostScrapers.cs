using Agent.Receivers.HostMetrics.Scrapers;
using Agent.Receivers.Scraping;

namespace Agent.Receivers.HostMetrics;

/// <summary>The scrapers a <c>hostmetrics</c> configuration asks for, in the order of its <c>scrapers</c> keys.</summary>
internal static class HostScrapers
{
    public static IReadOnlyList<IMetricsScraper> Create(HostMetricsReceiverOptions options, TimeProvider time)
    {
        var settings = new HostScraperSettings(options.RootPath, options.Naming, new HostClock(options.RootPath, time));
        return [.. options.Scrapers.Enabled().Select(entry => Create(entry.Key, entry.Options, settings))];
    }

    private static HostScraper Create(string key, HostScraperOptions options, HostScraperSettings settings) => key switch
    {
        "cpu" => new CpuScraper(settings, options),
        "memory" => new MemoryScraper(settings, options),
        "disk" => new DiskScraper(settings, (DiskScraperOptions)options),
        "filesystem" => new FilesystemScraper(settings, (FilesystemScraperOptions)options),
        "network" => new NetworkScraper(settings, (NetworkScraperOptions)options),
        "load" => new LoadScraper(settings, options),
        "paging" => new PagingScraper(settings, options),
        "processes" => new ProcessesScraper(settings, options),
        "process" => new ProcessScraper(settings, (ProcessScraperOptions)options),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a hostmetrics scraper"),
    };
}
