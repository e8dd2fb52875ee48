using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Agent.Receivers.Scraping;

/// <summary>
/// One source of metrics a scraping receiver reads on its interval (the Collector's <c>scraper.Metrics</c>): the
/// CPU, memory or cgroup scraper of hostmetrics, a scrape target. The <see cref="ScraperController"/> calls it once
/// per interval, never twice at the same time.
/// </summary>
public interface IMetricsScraper
{
    /// <summary>The scraper's name in self-metrics (the <c>scraper</c> label) and logs, e.g. <c>cpu</c>.</summary>
    string Name { get; }

    Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Reads the metrics now. Throw when nothing could be read; return what was read with
    /// <see cref="ScrapeResult.FailedPoints"/> when only part failed. The token fires on the scrape's timeout and on
    /// shutdown.
    /// </summary>
    ValueTask<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken);

    Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <param name="Metrics">What was read, grouped by resource.</param>
/// <param name="FailedPoints">Points that could not be read (a partial failure), counted as errored.</param>
/// <param name="Error">Why they could not, for the log.</param>
public sealed record ScrapeResult(ExportMetricsServiceRequest Metrics, int FailedPoints = 0, string? Error = null);
