using System.Threading.Channels;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Agent.Receivers.Scraping;

/// <summary>
/// The scraper helper (the Collector's scraperhelper controller): a scraping receiver is this component plus its
/// scrapers. After <c>initial_delay</c>, and then every <c>collection_interval</c>, it runs each scraper in turn
/// and hands what they read to the pipeline as one <see cref="MetricsBatch"/> through the receiver helper (its
/// notifier, backpressure, accepted/refused counts). A scrape that fails or times out is logged and counted and
/// the loop goes on; shutdown cancels the scrape and the wait in progress.
/// </summary>
public sealed class ScraperController : IComponent
{
    /// <summary>The Collector counts what scrapers read under an empty transport.</summary>
    private const string Transport = "";

    private readonly ScraperControllerOptions _options;
    private readonly IConsumer<MetricsBatch> _next;
    private readonly ReceiverHelper _receiving;
    private readonly ScrapeRunner[] _runners;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();

    // One pending tick at most: ticks that pass while a round is still running merge into one.
    private readonly Channel<bool> _ticks = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private ITimer? _timer;
    private Task _loop = Task.CompletedTask;

    public ScraperController(
        ComponentContext context,
        ScraperControllerOptions options,
        IConsumer<MetricsBatch> next,
        IReadOnlyList<IMetricsScraper> scrapers,
        TimeProvider? time = null)
    {
        _options = options;
        _next = next;
        _time = time ?? TimeProvider.System;
        var logger = context.CreateLogger<ScraperController>();
        _receiving = new ReceiverHelper(context, logger);
        _runners = [.. scrapers.Select(scraper => new ScrapeRunner(
            scraper, new ScraperTelemetry(context.Host.Telemetry, context.Id, scraper.Name), options.Timeout, _time, logger))];
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (int started = 0; started < _runners.Length; started++)
        {
            try
            {
                await _runners[started].Scraper.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await ShutdownScrapersAsync(started, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        // The schedule is fixed here, at start: rounds keep their pace whatever a scrape takes.
        _timer = _time.CreateTimer(static state => ((Channel<bool>)state!).Writer.TryWrite(true), _ticks, _options.InitialDelay, _options.CollectionInterval);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _timer, null) is not { } timer)
        {
            return;
        }

        await timer.DisposeAsync().ConfigureAwait(false);
        using (_receiving.AbandonWhen(cancellationToken))
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await ShutdownScrapersAsync(_runners.Length, cancellationToken).ConfigureAwait(false);
    }

    private async Task ShutdownScrapersAsync(int count, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            await _runners[i].Scraper.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (true)
            {
                await _ticks.Reader.ReadAsync(stopping).ConfigureAwait(false);
                await ScrapeAndSendAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ScrapeAndSendAsync(CancellationToken stopping)
    {
        var request = new ExportMetricsServiceRequest();
        foreach (var runner in _runners)
        {
            if (await runner.ScrapeAsync(stopping).ConfigureAwait(false) is { } read)
            {
                request.ResourceMetrics.Add(read.ResourceMetrics);
            }
        }

        // A round that read nothing sends nothing (the helper takes an empty batch without handing it on).
        if (!stopping.IsCancellationRequested)
        {
            await _receiving.ReceiveAsync(_next, new MetricsBatch(request), Transport, ClientContext.Empty, stopping).ConfigureAwait(false);
        }
    }
}
