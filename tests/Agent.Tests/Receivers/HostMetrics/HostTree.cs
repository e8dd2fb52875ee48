using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>
/// A fake host under a temporary <c>root_path</c>: the tests write the /proc and /sys files they need, run the
/// receiver's scrapers over it and read back flat points.
/// </summary>
internal sealed class HostTree : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "agent-hostfs", Guid.NewGuid().ToString("N"));

    public HostTree()
    {
        Directory.CreateDirectory(Root);
    }

    public HostTree With(string relative, string content)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>Every scraper the options ask for, run once over this tree.</summary>
    public Task<Scrape> ScrapeAsync(HostMetricsReceiverOptions options)
    {
        options.RootPath = Root;
        return RunAsync(options);
    }

    public static async Task<Scrape> RunAsync(HostMetricsReceiverOptions options)
    {
        var points = new List<ScrapedPoint>();
        int failed = 0;
        var errors = new List<string>();
        foreach (var scraper in HostScrapers.Create(options, TimeProvider.System))
        {
            var result = await scraper.ScrapeAsync(CancellationToken.None);
            await scraper.ShutdownAsync(CancellationToken.None);
            failed += result.FailedPoints;
            if (result.Error is not null)
            {
                errors.Add(result.Error);
            }

            points.AddRange(result.Metrics.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).SelectMany(ScrapedPoint.Of));
        }

        return new Scrape(points, failed, errors);
    }

    /// <summary>Every scraper on, with its defaults, root <c>/</c> until a test sets another.</summary>
    public static HostMetricsReceiverOptions AllScrapers(MetricNaming naming) => Options(naming, s =>
    {
        s.Cpu = new();
        s.Memory = new();
        s.Disk = new();
        s.Filesystem = new();
        s.Network = new();
        s.Load = new();
        s.Paging = new();
        s.Processes = new();
    });

    public static HostMetricsReceiverOptions Options(MetricNaming naming, Action<HostScrapersOptions> scrapers)
    {
        var options = new HostMetricsReceiverOptions { Naming = naming };
        scrapers(options.Scrapers);
        return options;
    }
}

internal sealed record Scrape(List<ScrapedPoint> Points, int FailedPoints, List<string> Errors)
{
    /// <summary>The value of the one point of <paramref name="name"/> with these labels (written <c>k=v,k=v</c>, sorted by key).</summary>
    public double Value(string name, string labels = "") =>
        Assert.Single(Points, p => p.Name == name && p.Labels == labels).Value;

    public ScrapedPoint Point(string name, string labels = "") =>
        Assert.Single(Points, p => p.Name == name && p.Labels == labels);

    public IEnumerable<string> Names => Points.Select(p => p.Name).Distinct();
}

/// <summary>One point: its metric's name, type and unit, its labels sorted by key as <c>k=v,k=v</c>, its value.</summary>
internal sealed record ScrapedPoint(string Name, string Type, string Unit, string Labels, double Value)
{
    public static IEnumerable<ScrapedPoint> Of(Metric metric)
    {
        var (type, points) = metric.DataCase switch
        {
            Metric.DataOneofCase.Gauge => ("gauge", metric.Gauge.DataPoints),
            Metric.DataOneofCase.Sum when metric.Sum.IsMonotonic => ("counter", metric.Sum.DataPoints),
            Metric.DataOneofCase.Sum => ("updown", metric.Sum.DataPoints),
            _ => throw new InvalidOperationException($"unexpected {metric.DataCase}"),
        };
        if (metric.DataCase == Metric.DataOneofCase.Sum)
        {
            Assert.Equal(AggregationTemporality.Cumulative, metric.Sum.AggregationTemporality);
            Assert.All(points, p => Assert.True(p.StartTimeUnixNano > 0 && p.StartTimeUnixNano <= p.TimeUnixNano));
        }

        return points.Select(p => new ScrapedPoint(
            metric.Name,
            type,
            metric.Unit,
            string.Join(',', p.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.StringValue}")),
            p.AsDouble));
    }
}
