using Agent.Receivers.HostMetrics.ProcFs;
using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Agent.Receivers.HostMetrics;

/// <summary>
/// The shared part of the hostmetrics scrapers: paths under <c>root_path</c>, the naming, one pooled file buffer
/// and name cache per scraper, and the wrapping of one scrape's points into its result. A scraper writes
/// <see cref="Scrape"/> alone; it reads synchronously, as /proc and /sys reads do not block on devices.
/// </summary>
internal abstract class HostScraper(string name, HostScraperSettings settings, HostScraperOptions options) : IMetricsScraper, IDisposable
{
    private readonly IReadOnlySet<string> _disabled = options.DisabledMetrics();

    public string Name => name;

    protected bool Prometheus => settings.Naming == MetricNaming.Prometheus;

    protected ProcFileReader Files { get; } = new();

    protected Utf8Strings Strings { get; } = new();

    public ValueTask<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var builder = new MetricSetBuilder("agent/hostmetrics/" + name);
        var writer = new HostMetricWriter(builder, _disabled, Files, settings.Clock.BootTimeUnixNano, settings.Clock.NowUnixNano());
        Scrape(writer);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(builder.Build());
        return ValueTask.FromResult(new ScrapeResult(request, writer.FailedPoints, writer.FirstError));
    }

    public void Dispose() => Files.Dispose();

    /// <summary>Reads the scraper's files into <paramref name="writer"/>.</summary>
    internal abstract void Scrape(HostMetricWriter writer);

    Task IMetricsScraper.ShutdownAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>What the receiver's scrapers share.</summary>
internal sealed record HostScraperSettings(string RootPath, MetricNaming Naming, HostClock Clock)
{
    /// <summary>A path under <c>root_path</c>, e.g. <c>proc/stat</c>.</summary>
    public string PathOf(string relative) => Path.Join(RootPath, relative);
}
