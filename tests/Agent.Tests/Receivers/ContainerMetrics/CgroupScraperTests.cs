using Agent.Receivers.ContainerMetrics;
using Agent.Receivers.Scraping;
using Microsoft.Extensions.Time.Testing;
using static Agent.Tests.Receivers.ContainerMetrics.CgroupFixture;

namespace Agent.Tests.Receivers.ContainerMetrics;

/// <summary>
/// One collection over cgroup trees the tests build: every value of every series, exact, for both cgroup versions
/// and both drivers, a pod of each QoS class, each runtime's scope names, in both namings.
/// </summary>
public sealed class CgroupScraperTests : IDisposable
{
    private static readonly (string Qos, Runtime Runtime, int N)[] Pods =
        [("guaranteed", Runtime.Containerd, 1), ("burstable", Runtime.Crio, 2), ("besteffort", Runtime.Docker, 3)];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private CgroupFixture? _host;

    public static TheoryData<bool, CgroupDriver> Trees => new()
    {
        { true, CgroupDriver.Systemd },
        { true, CgroupDriver.Cgroupfs },
        { false, CgroupDriver.Systemd },
        { false, CgroupDriver.Cgroupfs },
    };

    [Theory]
    [MemberData(nameof(Trees))]
    public async Task Every_cadvisor_series_of_each_pod_and_container_has_the_value_of_its_files(bool v2, CgroupDriver driver)
    {
        var host = Host(v2);
        var paths = WriteThreePods(host, driver);

        var metrics = await ScrapeAsync(host, MetricNaming.Prometheus);

        Assert.Equal(0, metrics.Result.FailedPoints);
        foreach (var (qos, _, n) in Pods)
        {
            AssertCadvisorSeries(metrics, paths[n].Pod, $"web-{n}", string.Empty, CgroupSample.Numbered(10 + n));
            AssertCadvisorSeries(metrics, paths[n].Container, $"web-{n}", "app", CgroupSample.Numbered(n));
            Assert.Contains(qos == "guaranteed" ? "kubepods" : qos, paths[n].Pod, StringComparison.Ordinal);
        }

        // Six cgroups, nothing else: not kubepods itself, not the QoS directories, not CRI-O's conmon scope.
        Assert.Equal(paths.Values.SelectMany(p => new[] { p.Pod, p.Container }).Order(StringComparer.Ordinal), metrics.LabelValues("container_memory_usage_bytes", "id"));
        var counter = metrics.Single("container_cpu_usage_seconds_total", ("id", paths[1].Container));
        Assert.True(counter.Metric.Sum.IsMonotonic);
        Assert.Equal((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000, counter.Point.TimeUnixNano);
        Assert.True(counter.Point.StartTimeUnixNano < counter.Point.TimeUnixNano);
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public async Task Otel_naming_gives_a_resource_per_pod_and_container_with_its_ids_names_and_qos_class(bool v2, CgroupDriver driver)
    {
        var host = Host(v2);
        WriteThreePods(host, driver);

        var metrics = await ScrapeAsync(host, MetricNaming.Otel);

        Assert.Equal(6, metrics.Result.Metrics.ResourceMetrics.Count);
        foreach (var (qos, _, n) in Pods)
        {
            var container = ("container.id", Id(n));
            var sample = CgroupSample.Numbered(n);
            Assert.Equal(sample.UsageUsec / 1e6, metrics.OtelValue("container.cpu.time", container));
            Assert.Equal(sample.Memory - sample.InactiveFile, metrics.OtelValue("container.memory.working_set", container));
            Assert.Equal(sample.Pids, metrics.OtelValue("container.pids.count", container));
            Assert.Equal(sample.WriteBytes, metrics.OtelValue("container.disk.io", container, ("disk.io.direction", "write"), ("system.device", "/dev/sda")));
            Assert.Equal(sample.Reads, metrics.OtelValue("container.disk.operations", container, ("disk.io.direction", "read")));
            var resource = metrics.Points.First(p => p.Resource.GetValueOrDefault("container.id") == Id(n)).Resource;
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["k8s.pod.uid"] = Uid(n),
                    ["k8s.pod.qos_class"] = qos,
                    ["k8s.namespace.name"] = "shop",
                    ["k8s.pod.name"] = $"web-{n}",
                    ["k8s.container.name"] = "app",
                    ["container.id"] = Id(n),
                },
                resource);

            var pod = ("k8s.pod.uid", Uid(n));
            var podSample = CgroupSample.Numbered(10 + n);
            Assert.Equal(podSample.UsageUsec / 1e6, metrics.OtelValue("k8s.pod.cpu.time", pod));
            Assert.Equal(podSample.Memory - podSample.InactiveFile, metrics.OtelValue("k8s.pod.memory.working_set", pod));
            Assert.Equal(podSample.ThrottledUsec / 1e6, metrics.OtelValue("k8s.pod.cpu.throttling_data.throttled_time", pod));
        }

        Assert.DoesNotContain(metrics.Points, p => p.Metric.Name.StartsWith("container_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restarted_container_keeps_its_name_for_both_ids_and_an_unnamed_one_is_labelled_by_its_id()
    {
        var host = Host(v2: true);
        string pod = PodPath(CgroupDriver.Systemd, "burstable", Uid(1));
        host.Cgroup(pod, CgroupSample.Numbered(1));
        foreach (int n in new[] { 1, 2, 9 })
        {
            host.Cgroup(ContainerPath(CgroupDriver.Systemd, Runtime.Containerd, pod, Id(n)), CgroupSample.Numbered(n));
        }

        // The first run of "app" (0.log) and its restart (1.log); the sandbox (9) never logs.
        host.PodLogs("shop", "web", Uid(1), ("app", Id(1), 0), ("app", Id(2), 1));

        var metrics = await ScrapeAsync(host, MetricNaming.Prometheus);

        Assert.Equal(CgroupSample.Numbered(1).Memory, metrics.Value("container_memory_usage_bytes", ("container", "app"), ("id", ContainerPath(CgroupDriver.Systemd, Runtime.Containerd, pod, Id(1)))));
        Assert.Equal(CgroupSample.Numbered(2).Memory, metrics.Value("container_memory_usage_bytes", ("container", "app"), ("id", ContainerPath(CgroupDriver.Systemd, Runtime.Containerd, pod, Id(2)))));
        Assert.Equal(CgroupSample.Numbered(9).Memory, metrics.Value("container_memory_usage_bytes", ("container", Id(9)), ("pod", "web"), ("namespace", "shop")));
        Assert.Equal([string.Empty, "app", Id(9)], metrics.LabelValues("container_memory_usage_bytes", "container"));
    }

    [Fact]
    public async Task Names_follow_the_log_directories_as_pods_come_and_without_them_the_labels_are_empty()
    {
        var host = Host(v2: true);
        string pod = PodPath(CgroupDriver.Cgroupfs, "besteffort", Uid(4));
        host.Cgroup(ContainerPath(CgroupDriver.Cgroupfs, Runtime.Containerd, pod, Id(4)), CgroupSample.Numbered(4));
        var scraper = Scraper(host, MetricNaming.Prometheus);

        var before = new ScrapedMetrics(await scraper.ScrapeAsync(CancellationToken.None));
        Assert.Equal(CgroupSample.Numbered(4).Pids, before.Value("container_threads", ("container", Id(4)), ("namespace", string.Empty), ("pod", string.Empty)));

        host.PodLogs("jobs", "batch-1", Uid(4), ("worker", Id(4), 0));
        var after = new ScrapedMetrics(await scraper.ScrapeAsync(CancellationToken.None));
        Assert.Equal(CgroupSample.Numbered(4).Pids, after.Value("container_threads", ("container", "worker"), ("namespace", "jobs"), ("pod", "batch-1")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cgroup_that_vanishes_mid_read_is_left_out_cleanly_and_the_others_are_read(bool v2)
    {
        var host = Host(v2);
        var paths = WriteThreePods(host, CgroupDriver.Systemd);
        string leaving = paths[2].Container;
        var scraper = Scraper(host, MetricNaming.Prometheus);

        // The container exits once its first memory file has been read.
        scraper.AfterRead = path =>
        {
            if (path.StartsWith(host.CgroupDirectory(leaving), StringComparison.Ordinal) && path.Contains("memory.", StringComparison.Ordinal))
            {
                host.RemoveCgroup(leaving);
            }
        };
        var metrics = new ScrapedMetrics(await scraper.ScrapeAsync(CancellationToken.None));

        Assert.Equal(0, metrics.Result.FailedPoints);
        Assert.DoesNotContain(leaving, metrics.LabelValues("container_cpu_usage_seconds_total", "id"));
        Assert.Equal(CgroupSample.Numbered(3).Memory, metrics.Value("container_memory_usage_bytes", ("id", paths[3].Container)));
        Assert.Equal(CgroupSample.Numbered(12).Memory, metrics.Value("container_memory_usage_bytes", ("id", paths[2].Pod)));

        // The next collection no longer finds it at all.
        scraper.AfterRead = null;
        var next = new ScrapedMetrics(await scraper.ScrapeAsync(CancellationToken.None));
        Assert.Equal(5, next.LabelValues("container_memory_usage_bytes", "id").Length);
    }

    [Fact]
    public async Task Truncated_garbage_and_unreadable_files_are_counted_by_the_values_they_held_and_the_rest_is_read()
    {
        var host = Host(v2: true);
        string pod = PodPath(CgroupDriver.Systemd, "burstable", Uid(1));
        string bad = ContainerPath(CgroupDriver.Systemd, Runtime.Containerd, pod, Id(1));
        host.Cgroup(pod, CgroupSample.Numbered(1));
        host.Cgroup(bad, CgroupSample.Numbered(2));
        host.CgroupFile(bad, "cpu.stat", "hello world\n");                                 // 3 values (the CFS lines are optional)
        host.CgroupFile(bad, "memory.current", "12345");                                   // cut short: 1
        File.Delete(Path.Join(host.CgroupDirectory(bad), "memory.stat"));
        Directory.CreateDirectory(Path.Join(host.CgroupDirectory(bad), "memory.stat"));    // unreadable: 3
        host.CgroupFile(bad, "io.stat", "garbage\n8:0 rbytes=5 wbytes=6 rios=7 wios=x\n"); // a bad line (4) and a bad value (1)
        host.CgroupFile(bad, "pids.current", "-1\n");                                      // 1

        var metrics = await ScrapeAsync(host, MetricNaming.Prometheus);

        Assert.Equal(3 + 1 + 3 + 4 + 1 + 1, metrics.Result.FailedPoints);
        Assert.NotNull(metrics.Result.Error);
        Assert.Equal(CgroupSample.Numbered(2).OomKills, metrics.Value("container_oom_events_total", ("id", bad)));
        Assert.Equal(5, metrics.Value("container_fs_reads_bytes_total", ("id", bad), ("device", "/dev/sda")));
        Assert.Equal(7, metrics.Value("container_fs_reads_total", ("id", bad), ("device", "/dev/sda")));
        foreach (string missing in new[] { "container_fs_writes_total", "container_cpu_usage_seconds_total", "container_memory_usage_bytes", "container_memory_working_set_bytes", "container_memory_rss", "container_threads" })
        {
            Assert.DoesNotContain(metrics.Points, p => p.Metric.Name == missing && ScrapedMetrics.Attributes(p.Point.Attributes)["id"] == bad);
        }

        Assert.Equal(CgroupSample.Numbered(1).Memory, metrics.Value("container_memory_usage_bytes", ("id", pod)));
    }

    [Fact]
    public async Task Files_of_controllers_that_are_off_are_absent_not_failed()
    {
        var host = Host(v2: true);
        string pod = PodPath(CgroupDriver.Systemd, "besteffort", Uid(5));
        host.CgroupFile(pod, "cpu.stat", "usage_usec 2000000\nuser_usec 1000000\nsystem_usec 500000\n");
        host.CgroupFile(pod, "io.stat", string.Empty);

        var metrics = await ScrapeAsync(host, MetricNaming.Prometheus);

        Assert.Equal(0, metrics.Result.FailedPoints);
        Assert.Equal(
            ["container_cpu_system_seconds_total", "container_cpu_usage_seconds_total", "container_cpu_user_seconds_total"],
            metrics.Points.Select(p => p.Metric.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, metrics.Value("container_cpu_usage_seconds_total", ("id", pod), ("cpu", "total")));
    }

    [Fact]
    public async Task A_host_without_pods_gives_nothing_and_a_root_without_cgroups_fails_the_scrape()
    {
        var host = Host(v2: true);
        var empty = await ScrapeAsync(host, MetricNaming.Prometheus);
        Assert.Empty(empty.Points);
        Assert.Equal(0, empty.Result.FailedPoints);

        Directory.Delete(host.CgroupRoot, recursive: true);
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => ScrapeAsync(host, MetricNaming.Prometheus));
        Assert.Contains(host.CgroupRoot, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _host?.Dispose();

    internal static string Uid(int n) => $"0000000{n}-aaaa-bbbb-cccc-0000000000{n:x2}";

    /// <summary>Pods 1-3 in namespace shop, one per QoS class and runtime, a container "app" each, and CRI-O's conmon scope.</summary>
    internal static Dictionary<int, (string Pod, string Container)> WriteThreePods(CgroupFixture host, CgroupDriver driver)
    {
        var paths = new Dictionary<int, (string, string)>();
        foreach (var (qos, runtime, n) in Pods)
        {
            string pod = PodPath(driver, qos, Uid(n));
            string container = ContainerPath(driver, runtime, pod, Id(n));
            host.Cgroup(pod, CgroupSample.Numbered(10 + n));
            host.Cgroup(container, CgroupSample.Numbered(n));
            host.PodLogs("shop", $"web-{n}", Uid(n), ("app", Id(n), 0));
            if (runtime == Runtime.Crio && driver == CgroupDriver.Systemd)
            {
                host.Cgroup($"{pod}/crio-conmon-{Id(n)}.scope", CgroupSample.Numbered(99));
            }

            paths[n] = (pod, container);
        }

        return paths;
    }

    private static void AssertCadvisorSeries(ScrapedMetrics metrics, string id, string pod, string container, CgroupSample s)
    {
        (string, string)[] labels = [("id", id), ("namespace", "shop"), ("pod", pod), ("container", container)];
        (string, string)[] device = [.. labels, ("device", "/dev/sda")];
        Assert.Equal(s.UsageUsec / 1e6, metrics.Value("container_cpu_usage_seconds_total", [.. labels, ("cpu", "total")]));
        Assert.Equal(s.UserUsec / 1e6, metrics.Value("container_cpu_user_seconds_total", labels));
        Assert.Equal(s.SystemUsec / 1e6, metrics.Value("container_cpu_system_seconds_total", labels));
        Assert.Equal(s.Periods, metrics.Value("container_cpu_cfs_periods_total", labels));
        Assert.Equal(s.ThrottledPeriods, metrics.Value("container_cpu_cfs_throttled_periods_total", labels));
        Assert.Equal(s.ThrottledUsec / 1e6, metrics.Value("container_cpu_cfs_throttled_seconds_total", labels));
        Assert.Equal(s.Memory, metrics.Value("container_memory_usage_bytes", labels));
        Assert.Equal(s.Memory - s.InactiveFile, metrics.Value("container_memory_working_set_bytes", labels));
        Assert.Equal(s.Anon, metrics.Value("container_memory_rss", labels));
        Assert.Equal(s.File, metrics.Value("container_memory_cache", labels));
        Assert.Equal(s.OomKills, metrics.Value("container_oom_events_total", labels));
        Assert.Equal(s.Pids, metrics.Value("container_threads", labels));
        Assert.Equal(s.ReadBytes, metrics.Value("container_fs_reads_bytes_total", device));
        Assert.Equal(s.WriteBytes, metrics.Value("container_fs_writes_bytes_total", device));
        Assert.Equal(s.Reads, metrics.Value("container_fs_reads_total", device));
        Assert.Equal(s.Writes, metrics.Value("container_fs_writes_total", device));
    }

    private CgroupFixture Host(bool v2) => _host = new CgroupFixture(v2);

    private CgroupScraper Scraper(CgroupFixture host, MetricNaming naming)
    {
        var scraper = new CgroupScraper(new ContainerMetricsReceiverOptions { RootPath = host.RootPath, Naming = naming }, _time);
        _time.Advance(TimeSpan.FromSeconds(15));
        return scraper;
    }

    private async Task<ScrapedMetrics> ScrapeAsync(CgroupFixture host, MetricNaming naming) =>
        new(await Scraper(host, naming).ScrapeAsync(CancellationToken.None));
}
