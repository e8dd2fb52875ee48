using Agent.Receivers.HostMetrics.ProcFs;
using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// The shared part of the hostmetrics scrapers: paths under <c>root_path</c>, the naming, one reused file buffer
/// and name cache per scraper, and the wrapping of one scrape's points into its result. A scraper writes
/// <see cref="Scrape"/> alone; it reads synchronously, as /proc and /sys reads do not wait on devices.
/// </summary>
internal abstract class HostScraper(string name, HostScraperSettings settings, HostScraperOptions options) : IMetricsScraper
{
    private readonly IReadOnlySet<string> _disabled = options.DisabledMetrics();
    private readonly string _scope = "agent/hostmetrics/" + name;

    public string Name => name;

    protected bool Prometheus => settings.Naming == MetricNaming.Prometheus;

    protected ProcFileReader Files { get; } = new();

    protected Utf8Strings Strings { get; } = new();

    public ValueTask<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken) =>
        MayHang ? new ValueTask<ScrapeResult>(Task.Run(Collect, CancellationToken.None)) : ValueTask.FromResult(Collect());

    /// <summary>
    /// True for a scraper whose system calls can hang (statfs on an unreachable NFS server): it runs on the thread
    /// pool, so the controller's <c>timeout</c> can give up on it instead of stalling the receiver.
    /// </summary>
    protected virtual bool MayHang => false;

    private ScrapeResult Collect()
    {
        var writer = new HostMetricWriter(_scope, _disabled, Files, settings.Clock.BootTimeUnixNano, settings.Clock.NowUnixNano());
        Scrape(writer);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(writer.Finish());
        return new ScrapeResult(request, writer.FailedPoints, writer.FirstError);
    }

    /// <summary>Reads the scraper's files into <paramref name="writer"/>.</summary>
    internal abstract void Scrape(HostMetricWriter writer);
}

/// <summary>What the receiver's scrapers share.</summary>
internal sealed record HostScraperSettings(string RootPath, MetricNaming Naming, HostClock Clock)
{
    /// <summary>A path under <c>root_path</c>, e.g. <c>proc/stat</c>.</summary>
    public string PathOf(string relative) => Path.Join(RootPath, relative);
}
