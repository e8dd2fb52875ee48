using Agent.Receivers.Scraping;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// Options of the <c>hostmetrics</c> receiver, in the Collector's shape: <c>collection_interval</c> (15 s here,
/// node_exporter's usual scrape interval), <c>root_path</c> and <c>scrapers</c>, plus <c>naming</c>.
/// </summary>
public sealed class HostMetricsReceiverOptions() : ScraperControllerOptions(TimeSpan.FromSeconds(15))
{
    /// <summary>Where the host's <c>/</c> is: a DaemonSet mounts it at <c>/hostfs</c>. Every /proc and /sys path is read under it.</summary>
    public string RootPath { get; set; } = "/";

    /// <summary><c>prometheus</c>: node_exporter's names; <c>otel</c>: the semantic conventions'.</summary>
    public MetricNaming Naming { get; set; } = MetricNaming.Prometheus;

    public HostScrapersOptions Scrapers { get; set; } = new();

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        if (!Path.IsPathFullyQualified(RootPath))
        {
            yield return ("root_path", $"\"{RootPath}\" must be an absolute path");
        }

        if (!Scrapers.Enabled().Any())
        {
            yield return ("scrapers", "must specify at least one scraper (cpu, memory, disk, filesystem, network, load, paging, processes, process)");
        }

        // Names of the other naming are a likely mistake when switching modes: say so instead of ignoring them.
        string prefix = Naming == MetricNaming.Prometheus ? "node_" : "system.";
        // The process scraper's names are the same in both namings; it checks them itself.
        foreach (var (key, scraper) in Scrapers.Enabled().Where(entry => entry.Key != "process"))
        {
            foreach (string name in scraper.Metrics.Keys.Where(name => !name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                yield return ($"scrapers.{key}.metrics.{name}", $"is not a metric of naming {Naming.ToString().ToLowerInvariant()} (its names start with \"{prefix}\")");
            }
        }
    }
}
