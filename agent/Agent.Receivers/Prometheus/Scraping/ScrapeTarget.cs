namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>
/// A target after relabelling: where to scrape and the labels its series get (<c>job</c>, <c>instance</c> and the
/// rest, without the <c>__</c> ones). Two targets with the same key are the same target.
/// </summary>
internal sealed record ScrapeTarget(Uri Url, string Job, string Instance, IReadOnlyDictionary<string, string> Labels, string Key);
