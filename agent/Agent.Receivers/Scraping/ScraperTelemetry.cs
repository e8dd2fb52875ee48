using Agent.Core.Components;
using Agent.Core.Telemetry;

namespace Agent.Receivers.Scraping;

/// <summary>One scraper's own metrics, under the Collector's scraper names and its <c>receiver</c> and <c>scraper</c> labels.</summary>
internal sealed class ScraperTelemetry
{
    private readonly ICounter _scraped;
    private readonly ICounter _errored;
    private readonly ICounter _failed;
    private readonly ICounter _timedOut;
    private readonly ICounter _busy;
    private readonly IGauge _duration;

    public ScraperTelemetry(ITelemetryRegistry registry, ComponentId receiver, string scraper)
    {
        string id = receiver.ToString();
        string[] labels = ["receiver", "scraper"];
        string[] values = [id, scraper];
        _scraped = registry.Counter("otelcol_scraper_scraped_metric_points_total", "Metric points a scraper read.", labels, values);
        _errored = registry.Counter("otelcol_scraper_errored_metric_points_total", "Metric points a scraper could not read.", labels, values);
        _failed = Errors(registry, id, scraper, "failed");
        _timedOut = Errors(registry, id, scraper, "timeout");
        _busy = Errors(registry, id, scraper, "busy");
        _duration = registry.Gauge("agent_scraper_scrape_duration_seconds", "How long the scraper's last scrape took.", labels, values);
    }

    public void Scraped(int points, int failedPoints)
    {
        _scraped.Add(points);
        _errored.Add(failedPoints);
    }

    /// <summary>The scrape threw: nothing was read.</summary>
    public void Failed() => _failed.Add(1);

    /// <summary>The scrape outlived its timeout.</summary>
    public void TimedOut() => _timedOut.Add(1);

    /// <summary>The scrape was skipped: the previous one, which timed out, has still not returned.</summary>
    public void Busy() => _busy.Add(1);

    public void Took(TimeSpan duration) => _duration.Set(duration.TotalSeconds);

    private static ICounter Errors(ITelemetryRegistry registry, string receiver, string scraper, string reason) => registry.Counter(
        "agent_scraper_scrape_errors_total", "Scrapes that produced nothing, by reason (failed, timeout, busy).", ["receiver", "scraper", "reason"], [receiver, scraper, reason]);
}
