using Agent.Core.Config;
using Agent.Receivers.Prometheus;
using static Agent.Tests.Receivers.Prometheus.ScrapeHarness;

namespace Agent.Tests.Receivers.Prometheus;

/// <summary>
/// <c>body_size_limit</c>: a target answering too much fails its own scrape (up 0, counted, logged), the scraper
/// reads no further than the limit, a gzip body is limited by its inflated size, and the default is finite.
/// </summary>
public class BodySizeLimitTests
{
    private const long Limit = 1024 * 1024;

    private static ScrapeConfig Job(string path = "/metrics") => new()
    {
        JobName = "limits",
        ScrapeInterval = TimeSpan.FromMinutes(1),
        ScrapeTimeout = TimeSpan.FromSeconds(5),
        MetricsPath = path,
        BodySizeLimit = new ByteSize(Limit),
    };

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_body_over_the_limit_fails_that_scrape_only_and_is_read_no_further_than_the_limit()
    {
        await using var big = new OversizedTarget();
        await using var good = await ScrapeFixtureServer.StartAsync();
        await using var harness = new ScrapeHarness(Job(), big.Address, good.Address);

        await harness.WaitAsync(r => Scrapes(r, big.Address).Count > 0 && Scrapes(r, good.Address).Count > 0, "a scrape of each target");

        Assert.Equal(0, Up(Scrapes(harness.Received, big.Address)[0]));
        Assert.Null(Metric(Scrapes(harness.Received, big.Address)[0], "big_series"));
        Assert.Equal(1, Up(Scrapes(harness.Received, good.Address)[0]));
        Assert.NotNull(Metric(Scrapes(harness.Received, good.Address)[0], "kube_pod_status_phase"));

        // One warning per failed scrape. Scrapes go on meanwhile, and each logs before its batch is sent: the
        // warnings before the batches are counted are at most one more, the warnings after at least as many.
        int warningsBefore = Warnings(harness);
        int failed = Scrapes(harness.Received, big.Address).Count;
        Assert.True(harness.Failures("body_size_limit") >= failed, harness.Log);
        Assert.True(warningsBefore <= failed + 1 && Warnings(harness) >= failed, $"{failed} failed scrapes arrived, logged:\n{harness.Log}");

        // The target had 256 MiB to send; the scraper read 1 MiB and closed. The socket takes that, the 1 MiB the
        // client drains before closing and what the kernel's buffers hold: about 4 to 5 MiB an answer when measured.
        await Eventually.UntilAsync(() => big.Ended >= 1, "the oversized answer cut off");
        Assert.True(big.Sent < 16L * 1024 * 1024 * big.Ended, $"the target sent {big.Sent} bytes in {big.Ended} answers");

        // The next answer within the limit makes the target up again: only the oversized scrapes failed.
        big.Oversized = false;
        await harness.WaitAsync(r => Up(Scrapes(r, big.Address)[^1]) == 1, "a good scrape of the target that answered too much");
        Assert.NotNull(Metric(Scrapes(harness.Received, big.Address)[^1], "small_series"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_gzip_body_is_limited_by_its_inflated_size()
    {
        Assert.True(ScrapeFixtureServer.Bomb.Value.Length < Limit, "the bomb must be under the limit on the wire");
        await using var server = await ScrapeFixtureServer.StartAsync();
        await using var harness = new ScrapeHarness(Job("/bomb"), server.Address);

        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a scrape");

        Assert.Equal(0, Up(Scrapes(harness.Received, server.Address)[0]));
        Assert.Null(Metric(Scrapes(harness.Received, server.Address)[0], "bomb_series"));
        Assert.True(harness.Failures("body_size_limit") >= 1, harness.Log);
        Assert.Contains("larger than body_size_limit", harness.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_is_16_mib_and_0_means_no_limit()
    {
        var (defaults, errors) = Agent.Tests.Config.Binding.Bind<ScrapeConfig>("{job_name: a, static_configs: [{targets: [\"h:1\"]}]}");
        var (unlimited, _) = Agent.Tests.Config.Binding.Bind<ScrapeConfig>("{job_name: a, body_size_limit: 0, static_configs: [{targets: [\"h:1\"]}]}");
        var (set, _) = Agent.Tests.Config.Binding.Bind<ScrapeConfig>("{job_name: a, body_size_limit: 64MiB, static_configs: [{targets: [\"h:1\"]}]}");

        Assert.Empty(errors);
        Assert.Equal(16L * 1024 * 1024, defaults.BodySizeLimit!.Value.Bytes);
        Assert.Equal(0, unlimited.BodySizeLimit!.Value.Bytes);
        Assert.Equal(64L * 1024 * 1024, set.BodySizeLimit!.Value.Bytes);
    }

    private static int Warnings(ScrapeHarness harness) =>
        harness.Logger.Messages.Count(m => m.Contains("larger than body_size_limit (1048576 bytes)", StringComparison.Ordinal));
}
