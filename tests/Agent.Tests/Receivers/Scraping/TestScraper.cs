using System.Threading.Channels;
using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Receivers.Scraping;

/// <summary>
/// A scraper whose every scrape the test scripts: each call runs the next step given (the last one repeats), and
/// is announced on <see cref="Calls"/> so the test can wait for it.
/// </summary>
internal sealed class TestScraper(string name, params Func<CancellationToken, Task<ScrapeResult>>[] steps) : IMetricsScraper
{
    private readonly Channel<int> _calls = Channel.CreateUnbounded<int>();
    private readonly Channel<int> _ended = Channel.CreateUnbounded<int>();
    private int _count;

    public string Name => name;

    public ChannelReader<int> Calls => _calls.Reader;

    /// <summary>The calls whose scrape has ended, whatever its outcome (even one the controller gave up on).</summary>
    public ChannelReader<int> Ended => _ended.Reader;

    public bool Started { get; private set; }

    public bool Stopped { get; private set; }

    /// <summary>A scrape that reads one gauge of <paramref name="points"/> points under resource <c>service.name=name</c>.</summary>
    public static Func<CancellationToken, Task<ScrapeResult>> Reads(string name, int points, int failed = 0) =>
        _ => Task.FromResult(new ScrapeResult(Gauge(name, points), failed, failed > 0 ? "a device vanished" : null));

    public static Func<CancellationToken, Task<ScrapeResult>> Throws(string message) =>
        _ => Task.FromException<ScrapeResult>(new IOException(message));

    /// <summary>A scrape that waits until its token is cancelled (timeout or shutdown).</summary>
    public static Func<CancellationToken, Task<ScrapeResult>> Hangs() =>
        async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        };

    public static ExportMetricsServiceRequest Gauge(string name, int points)
    {
        var gauge = new Gauge();
        for (int i = 0; i < points; i++)
        {
            gauge.DataPoints.Add(new NumberDataPoint { AsInt = i });
        }

        return new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = name } } } },
                    ScopeMetrics = { new ScopeMetrics { Metrics = { new Metric { Name = name + ".value", Gauge = gauge } } } },
                },
            },
        };
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Started = true;
        return Task.CompletedTask;
    }

    public ValueTask<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _count);
        _calls.Writer.TryWrite(call);
        var scrape = steps[Math.Min(call, steps.Length) - 1](cancellationToken);
        _ = scrape.ContinueWith(_ => _ended.Writer.TryWrite(call), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        return new(scrape);
    }

    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        Stopped = true;
        return Task.CompletedTask;
    }
}
