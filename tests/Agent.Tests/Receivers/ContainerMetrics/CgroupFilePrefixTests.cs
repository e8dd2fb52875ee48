using Agent.Receivers.ContainerMetrics;
using Agent.Receivers.Scraping;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Receivers.ContainerMetrics;

/// <summary>
/// Every prefix of every cgroup file, in both versions: a collection never throws, and it never reports a wrong value.
/// Each point it gives equals the point read from the whole file. What it cannot read is counted, or is a line the
/// kernel leaves out when a controller is off (the CFS lines of v2's <c>cpu.stat</c>, v1's <c>oom_kill</c>).
/// </summary>
public sealed class CgroupFilePrefixTests
{
    public static TheoryData<bool, string, string?> Files => new()
    {
        { true, "cpu.stat", null },
        { true, "memory.current", null },
        { true, "memory.stat", null },
        { true, "memory.events", null },
        { true, "io.stat", null },
        { true, "pids.current", null },
        { false, "cpuacct.usage", "cpu,cpuacct" },
        { false, "cpuacct.stat", "cpu,cpuacct" },
        { false, "cpu.stat", "cpu,cpuacct" },
        { false, "memory.usage_in_bytes", "memory" },
        { false, "memory.stat", "memory" },
        { false, "memory.oom_control", "memory" },
        { false, "blkio.throttle.io_service_bytes", "blkio" },
        { false, "blkio.throttle.io_serviced", "blkio" },
        { false, "pids.current", "pids" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_prefix_of_a_file_gives_right_values_or_counted_failures(bool v2, string file, string? controller)
    {
        using var host = new CgroupFixture(v2);
        string pod = CgroupFixture.PodPath(CgroupDriver.Systemd, "burstable", CgroupScraperTests.Uid(1));
        host.Cgroup(pod, CgroupSample.Numbered(3));
        string path = Path.Join(host.CgroupDirectory(pod, controller), file);
        string whole = File.ReadAllText(path);
        var scraper = new CgroupScraper(new ContainerMetricsReceiverOptions { RootPath = host.RootPath, Naming = MetricNaming.Prometheus }, new FakeTimeProvider());
        var expected = Values(await scraper.ScrapeAsync(CancellationToken.None));

        for (int length = 0; length < whole.Length; length++)
        {
            File.WriteAllText(path, whole[..length]);
            var result = await scraper.ScrapeAsync(CancellationToken.None);
            var values = Values(result);
            foreach (var (series, value) in values)
            {
                Assert.True(expected[series] == value, $"{file} cut at {length}: {series} = {value}, whole file gives {expected[series]}");
            }

            int lost = expected.Count - values.Count;
            Assert.True(lost == 0 || result.FailedPoints > 0 || IsOptional(file, whole[..length]), $"{file} cut at {length}: {lost} series lost, none counted");
        }
    }

    /// <summary>A prefix that ends at a line break and lacks only lines the kernel may leave out.</summary>
    private static bool IsOptional(string file, string prefix) =>
        (file, prefix.EndsWith('\n')) switch
        {
            ("cpu.stat", true) => prefix.Contains("system_usec", StringComparison.Ordinal) || prefix.Length == 0,
            ("memory.oom_control", true) => prefix.Contains("under_oom", StringComparison.Ordinal),
            ("io.stat" or "blkio.throttle.io_service_bytes" or "blkio.throttle.io_serviced", _) => prefix.Length == 0 || prefix.EndsWith('\n'),
            _ => false,
        };

    private static Dictionary<string, double> Values(ScrapeResult result) =>
        new ScrapedMetrics(result).Points.ToDictionary(
            p => p.Metric.Name + "{" + string.Join(",", p.Point.Attributes.Select(a => $"{a.Key}={a.Value.StringValue}")) + "}",
            p => p.Point.AsDouble);
}
