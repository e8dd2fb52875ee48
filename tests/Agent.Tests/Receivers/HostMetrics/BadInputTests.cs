using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>Truncated, garbled and unreadable /proc files: counted as errored points and skipped, the rest still read.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly HostTree _host = HostFixtures.Host();

    public void Dispose() => _host.Dispose();

    public static TheoryData<MetricNaming> Namings => [MetricNaming.Prometheus, MetricNaming.Otel];

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Namings))]
    public async Task A_missing_root_reads_nothing_and_counts_every_file(MetricNaming naming)
    {
        var options = HostTree.AllScrapers(naming);
        options.RootPath = Path.Combine(_host.Root, "nowhere");

        var scrape = await HostTree.RunAsync(options);

        Assert.Empty(scrape.Points);
        Assert.True(scrape.FailedPoints >= 8, $"{scrape.FailedPoints} failed points");
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Namings))]
    public async Task Garbage_in_every_file_is_counted_and_never_throws(MetricNaming naming)
    {
        byte[] garbage = [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 256))];
        foreach (string file in new[] { "proc/stat", "proc/meminfo", "proc/loadavg", "proc/pressure/io", "proc/diskstats", "proc/net/dev", "proc/vmstat", "proc/swaps", "proc/1/mounts", "sys/class/net/eth0/statistics/rx_nohandler" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_host.Root, file))!);
            File.WriteAllBytes(Path.Combine(_host.Root, file), garbage);
        }

        var scrape = await _host.ScrapeAsync(HostTree.AllScrapers(naming));

        Assert.True(scrape.FailedPoints > 0);
        Assert.All(scrape.Points, p => Assert.False(double.IsNaN(p.Value)));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("btime 15035348993")]
    [InlineData("btime 0")]
    [InlineData("btime 99999999999999999999")]
    public async Task A_boot_time_of_zero_or_after_now_starts_the_sums_at_the_receivers_start(string btime)
    {
        _host.With("proc/stat", HostFixtures.Stat.Replace("btime 1062191376", btime, StringComparison.Ordinal));

        // ScrapedPoint.Of asserts of every cumulative sum that it starts after 0 and not after its own time stamp.
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Cpu = new()));

        Assert.Equal(16, scrape.Points.Count(p => p.Name == "node_cpu_seconds_total"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Truncated_lines_are_skipped_and_the_whole_ones_kept()
    {
        _host.With("proc/stat", "cpu0 1393280 32966 572056\ncpu1 1335 7 2093 30010 56 0 99 12 300 5\nprocs_running\n")
            .With("proc/diskstats", " 254 0 vda 149243 12892\n   8 0 sdb 4 5 6 7 8 9 10 11 0 12 13\n 8 1")
            .With("proc/net/dev", "h1\nh2\n  eth0: 1 2 3\n    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n")
            .With("proc/meminfo", "MemTotal:       16042172 kB\nMemFree:\nBuffers: x kB\n")
            .With("proc/loadavg", "0.25 1.")
            .With("proc/pressure/cpu", "some avg10=0.00 avg60=0.00\n")
            .With("proc/vmstat", "pgfault\npgmajfault 5\n");

        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s =>
        {
            s.Cpu = new();
            s.Disk = new();
            s.Network = new();
            s.Memory = new();
            s.Load = new();
            s.Paging = new();
            s.Processes = new();
        }));

        // cpu0, procs_running, vda, "8 1", eth0, MemFree, Buffers, loadavg, cpu pressure, pgfault.
        Assert.Equal(10, scrape.FailedPoints);
        Assert.Equal(8, scrape.Points.Count(p => p.Name == "node_cpu_seconds_total"));
        Assert.Equal(["device=sdb"], scrape.Points.Where(p => p.Name.StartsWith("node_disk_", StringComparison.Ordinal) && p.Name != "node_disk_info").Select(p => p.Labels).Distinct());
        Assert.Equal(["device=lo"], scrape.Points.Where(p => p.Name.StartsWith("node_network_", StringComparison.Ordinal)).Select(p => p.Labels).Distinct());
        Assert.Equal(16042172 * 1024.0, scrape.Value("node_memory_MemTotal_bytes"));
        Assert.Equal(5, scrape.Value("node_vmstat_pgmajfault"));
        Assert.Contains(69.135347, scrape.Points.Where(p => p.Name == "node_pressure_io_stalled_seconds_total").Select(p => p.Value));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_unreadable_file_is_counted_with_its_path()
    {
        string meminfo = Path.Combine(_host.Root, "proc/meminfo");
        File.Delete(meminfo);
        Directory.CreateDirectory(meminfo);

        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s =>
        {
            s.Memory = new();
            s.Load = new();
        }));

        Assert.Equal(1, scrape.FailedPoints);
        Assert.Contains(meminfo, scrape.Errors.Single(), StringComparison.Ordinal);
        Assert.Equal(0.25, scrape.Value("node_load1"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_receiver_counts_errored_points_in_its_self_metrics()
    {
        File.Delete(Path.Combine(_host.Root, "proc/loadavg"));
        var options = HostTree.Options(MetricNaming.Prometheus, s => s.Load = new());
        options.RootPath = _host.Root;
        options.InitialDelay = TimeSpan.Zero;
        var consumer = new RecordingConsumer<Agent.Core.Model.MetricsBatch>();
        var id = new Agent.Core.Components.ComponentId("hostmetrics", "bad" + Guid.NewGuid().ToString("N")[..8]);
        var receiver = new HostMetricsReceiverFactory().CreateReceiver(
            new TestHost().Context(id, options), new Agent.Core.Components.ReceiverConsumers(null, consumer, null));

        await receiver.StartAsync(CancellationToken.None);
        try
        {
            await consumer.FirstBatch;
            Assert.Equal(1, SelfMetrics.Value("otelcol_scraper_errored_metric_points_total", ("receiver", id.ToString()), ("scraper", "load")));
        }
        finally
        {
            await receiver.ShutdownAsync(CancellationToken.None);
        }
    }
}
