using System.Threading.Channels;
using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Receivers.Scraping;
using Agent.Tests.Core.Model;
using Microsoft.Extensions.Time.Testing;
using static Agent.Tests.Receivers.Scraping.TestScraper;

namespace Agent.Tests.Receivers.Scraping;

/// <summary>The scraper helper on a fake clock: only the test moves time, and every wait is for something that happens.</summary>
public sealed class ScraperControllerTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly Channel<MetricsBatch> _batches = Channel.CreateUnbounded<MetricsBatch>();
    private readonly ComponentId _id = new("testscrape", Guid.NewGuid().ToString("N"));
    private ScraperController? _controller;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task After_the_initial_delay_and_then_every_interval_each_round_is_one_batch_of_every_scraper()
    {
        var cpu = new TestScraper("cpu", Reads("cpu", 1));
        var memory = new TestScraper("memory", Reads("memory", 2));
        await StartAsync(new ScraperControllerOptions { InitialDelay = TimeSpan.FromSeconds(1), CollectionInterval = TimeSpan.FromSeconds(10) }, cpu, memory);
        Assert.True(cpu.Started && memory.Started);
        Assert.False(cpu.Calls.TryRead(out _), "no scrape before the initial delay has passed");

        _time.Advance(TimeSpan.FromSeconds(1));
        var first = await NextBatchAsync();
        Assert.Equal(["cpu", "memory"], first.Resources.Select(r => r.Attributes[0].Value.StringValue));
        Assert.Equal(3, first.ItemCount);
        first.Complete(DeliveryStatus.Delivered);

        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await NextBatchAsync();
        Assert.Equal(3, second.ItemCount);
        Assert.Equal(2, await LastCallAsync(cpu));
        Assert.Equal(2, await LastCallAsync(memory));

        Assert.Equal(2, Metric("otelcol_scraper_scraped_metric_points_total", "cpu"));
        Assert.Equal(4, Metric("otelcol_scraper_scraped_metric_points_total", "memory"));

        // Once stopped, the second hand-over has returned and been counted too.
        await StopAsync();
        Assert.True(cpu.Stopped && memory.Stopped);
        Assert.Equal(6, SelfMetrics.AcceptedValue(_id.ToString(), string.Empty, Signal.Metrics));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_failing_scrape_is_counted_and_the_next_round_goes_on()
    {
        var flaky = new TestScraper("flaky", Throws("no such device"), Reads("flaky", 2));
        var steady = new TestScraper("steady", Reads("steady", 1));
        await StartAsync(Every(TimeSpan.FromSeconds(10)), flaky, steady);

        _time.Advance(TimeSpan.Zero);
        var first = await NextBatchAsync();
        Assert.Equal(["steady"], first.Resources.Select(r => r.Attributes[0].Value.StringValue));
        Assert.Equal(1, Errors("flaky", "failed"));

        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await NextBatchAsync();
        Assert.Equal(3, second.ItemCount);
        Assert.Equal(1, Errors("flaky", "failed"));
        Assert.Equal(2, Metric("otelcol_scraper_scraped_metric_points_total", "flaky"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_partial_failure_hands_on_what_was_read_and_counts_the_rest_as_errored()
    {
        var disks = new TestScraper("disk", Reads("disk", 3, failed: 2));
        await StartAsync(Every(TimeSpan.FromSeconds(10)), disks);

        _time.Advance(TimeSpan.Zero);

        Assert.Equal(3, (await NextBatchAsync()).ItemCount);
        Assert.Equal(3, Metric("otelcol_scraper_scraped_metric_points_total", "disk"));
        Assert.Equal(2, Metric("otelcol_scraper_errored_metric_points_total", "disk"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_scrape_past_its_timeout_is_cancelled_counted_and_timed_and_the_loop_goes_on()
    {
        var slow = new TestScraper("slow", Hangs(), Reads("slow", 1));
        var options = Every(TimeSpan.FromSeconds(10));
        options.Timeout = TimeSpan.FromSeconds(5);
        await StartAsync(options, slow);

        _time.Advance(TimeSpan.Zero);
        Assert.Equal(1, await NextCallAsync(slow));
        _time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.UntilAsync(() => Errors("slow", "timeout") == 1, "the timeout to be counted", (int)Wait.TotalSeconds);
        Assert.Equal(5, Metric("agent_scraper_scrape_duration_seconds", "slow"));

        // The scraper heard its token: once its scrape has ended, the next round calls it again.
        Assert.Equal(1, await NextEndAsync(slow));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await NextBatchAsync()).ItemCount);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_scraper_that_ignores_its_timeout_is_not_called_again_until_it_returns()
    {
        var release = new TaskCompletionSource<ScrapeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deaf = new TestScraper("deaf", _ => release.Task, Reads("deaf", 1));
        var options = Every(TimeSpan.FromSeconds(10));
        options.Timeout = TimeSpan.FromSeconds(1);
        await StartAsync(options, deaf);

        _time.Advance(TimeSpan.Zero);
        await NextCallAsync(deaf);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => Errors("deaf", "timeout") == 1, "the timeout to be counted", (int)Wait.TotalSeconds);

        _time.Advance(TimeSpan.FromSeconds(9));
        await Eventually.UntilAsync(() => Errors("deaf", "busy") == 1, "the round to skip the busy scraper", (int)Wait.TotalSeconds);
        Assert.False(deaf.Calls.TryRead(out _));

        release.SetResult(new ScrapeResult(Gauge("deaf", 5)));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, await NextCallAsync(deaf));
        Assert.Equal(1, (await NextBatchAsync()).ItemCount);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_cancels_the_scrape_in_progress_and_stops_the_scrapers()
    {
        var hanging = new TestScraper("hanging", Hangs());
        await StartAsync(Every(TimeSpan.FromSeconds(10)), hanging);
        _time.Advance(TimeSpan.Zero);
        await NextCallAsync(hanging);

        await StopAsync();

        Assert.True(hanging.Stopped);
        Assert.Equal(0, Errors("hanging", "timeout") + Errors("hanging", "failed"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Shutdown_gives_up_a_hand_over_to_a_full_pipeline_and_counts_it_refused()
    {
        var cpu = new TestScraper("cpu", Reads("cpu", 2));
        var full = new RecordingConsumer<MetricsBatch>
        {
            OnConsume = async (batch, token) =>
            {
                _batches.Writer.TryWrite(batch);
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException)
                {
                    batch.Complete(DeliveryStatus.Errored);
                    throw;
                }
            },
        };
        await StartAsync(Every(TimeSpan.FromSeconds(10)), full, cpu);
        _time.Advance(TimeSpan.Zero);
        await NextBatchAsync();

        await StopAsync();

        Assert.Equal(2, SelfMetrics.RefusedValue(_id.ToString(), string.Empty, Signal.Metrics));
    }

    [Fact]
    public void Options_default_to_the_collectors_and_refuse_bad_durations()
    {
        var defaults = new ScraperControllerOptions();
        Assert.Equal(TimeSpan.FromMinutes(1), defaults.CollectionInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), defaults.InitialDelay);
        Assert.Equal(TimeSpan.Zero, defaults.Timeout);
        Assert.Empty(defaults.Validate());
        Assert.Equal(TimeSpan.FromSeconds(10), new FastReceiverOptions().CollectionInterval);

        var bad = new ScraperControllerOptions { CollectionInterval = TimeSpan.Zero, InitialDelay = TimeSpan.FromSeconds(-1), Timeout = TimeSpan.FromSeconds(-1) };
        Assert.Equal(["collection_interval", "initial_delay", "timeout"], bad.Validate().Select(e => e.Key));
    }

    [Fact]
    public void A_receivers_options_carry_the_controller_keys_at_their_top_level()
    {
        var (options, errors) = Agent.Tests.Config.Binding.Bind<FastReceiverOptions>("{collection_interval: 30s, initial_delay: 0s, timeout: 5s}");
        Assert.Empty(errors);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromSeconds(5)), (options.CollectionInterval, options.InitialDelay, options.Timeout));

        var (_, refused) = Agent.Tests.Config.Binding.Bind<FastReceiverOptions>("{collection_interval: 0s}");
        Assert.Contains("x.collection_interval", Assert.Single(refused), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static ScraperControllerOptions Every(TimeSpan interval) => new() { InitialDelay = TimeSpan.Zero, CollectionInterval = interval };

    private Task StartAsync(ScraperControllerOptions options, params IMetricsScraper[] scrapers) =>
        StartAsync(options, new RecordingConsumer<MetricsBatch>(completeWith: null) { OnConsume = (batch, _) => Record(batch) }, scrapers);

    private async Task StartAsync(ScraperControllerOptions options, RecordingConsumer<MetricsBatch> next, params IMetricsScraper[] scrapers)
    {
        _controller = new ScraperController(new TestHost().Context(_id, options), options, next, scrapers, _time);
        await _controller.StartAsync(CancellationToken.None);
    }

    private ValueTask Record(MetricsBatch batch)
    {
        _batches.Writer.TryWrite(batch);
        return ValueTask.CompletedTask;
    }

    private async Task StopAsync()
    {
        if (_controller is { } controller)
        {
            using var deadline = new CancellationTokenSource(Wait);
            await controller.ShutdownAsync(deadline.Token);
            _controller = null;
        }
    }

    private async Task<MetricsBatch> NextBatchAsync()
    {
        using var deadline = new CancellationTokenSource(Wait);
        return await _batches.Reader.ReadAsync(deadline.Token);
    }

    private static async Task<int> NextCallAsync(TestScraper scraper)
    {
        using var deadline = new CancellationTokenSource(Wait);
        return await scraper.Calls.ReadAsync(deadline.Token);
    }

    private static async Task<int> NextEndAsync(TestScraper scraper)
    {
        using var deadline = new CancellationTokenSource(Wait);
        return await scraper.Ended.ReadAsync(deadline.Token);
    }

    /// <summary>The number of the last call made so far (calls are announced before a batch is handed on).</summary>
    private static async Task<int> LastCallAsync(TestScraper scraper)
    {
        int last = await NextCallAsync(scraper);
        while (scraper.Calls.TryRead(out int later))
        {
            last = later;
        }

        return last;
    }

    private double Metric(string name, string scraper) => SelfMetrics.Value(name, ("receiver", _id.ToString()), ("scraper", scraper));

    private double Errors(string scraper, string reason) =>
        SelfMetrics.Value("agent_scraper_scrape_errors_total", ("receiver", _id.ToString()), ("scraper", scraper), ("reason", reason));

    /// <summary>A scraping receiver's options with its own default interval, as hostmetrics will have.</summary>
    private sealed class FastReceiverOptions() : ScraperControllerOptions(TimeSpan.FromSeconds(10));
}
