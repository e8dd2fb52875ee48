using Agent.Receivers.HostMetrics.Scrapers;
using Agent.Receivers.Scraping;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>
/// This machine, read by the receiver in prometheus naming and by a real node_exporter 1.5 with the same collectors:
/// the same names, label sets and types; memory totals and file system sizes equal; every counter of ours between
/// node_exporter's read just before and just after ours (what time between reads explains).
/// </summary>
public sealed class NodeExporterComparisonTests
{
    /// <summary>What node_exporter's collectors emit that the receiver does not, and why.</summary>
    private static readonly Dictionary<string, string> NotEmitted = new(StringComparer.Ordinal);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_receiver_reads_this_machine_as_node_exporter_does()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        await using var exporter = await NodeExporterServer.StartAsync(FilesystemScraper.DefaultExcludedMountPoints, deadline.Token);

        var (before, types) = PrometheusText.Parse(await exporter.ScrapeAsync(deadline.Token));
        var ours = await HostTree.RunAsync(HostTree.AllScrapers(MetricNaming.Prometheus));
        var (after, _) = PrometheusText.Parse(await exporter.ScrapeAsync(deadline.Token));

        Assert.True(ours.FailedPoints == 0, string.Join("; ", ours.Errors));
        var theirs = before.Where(s => IsCollected(s.Name) && !IsOtherTestsMount(s.Labels)).ToDictionary(s => Key(s.Name, s.Labels));
        var mine = ours.Points.Where(p => !IsOtherTestsMount(p.Labels)).ToDictionary(p => Key(p.Name, p.Labels));
        Assert.True(theirs.Count > 100, $"node_exporter gave only {theirs.Count} series of the compared collectors");
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), mine.Keys.Order(StringComparer.Ordinal));

        var later = after.ToDictionary(s => Key(s.Name, s.Labels));
        foreach (var (key, point) in mine)
        {
            string type = types[point.Name];
            Assert.True(
                point.Type == (type == "counter" ? "counter" : "gauge"),
                $"{key}: ours is a {point.Type}, node_exporter's a {type}");
            if (type == "counter")
            {
                AssertBetween(key, theirs[key].Value, point.Value, later[key].Value);
            }
        }

        foreach (var (key, sample) in theirs.Where(s => IsTotal(s.Value.Name)))
        {
            Assert.True(sample.Value == mine[key].Value, $"{key}: node_exporter {sample.Value}, ours {mine[key].Value}");
        }
    }

    /// <summary>The series of the collectors compared, less node_exporter's own and what the receiver leaves out.</summary>
    private static bool IsCollected(string name) =>
        name.StartsWith("node_", StringComparison.Ordinal) && !name.StartsWith("node_scrape_", StringComparison.Ordinal) &&
        name != "node_exporter_build_info" && !NotEmitted.ContainsKey(name);

    /// <summary>Values that do not move between reads: memory totals, file system sizes, the boot time.</summary>
    private static bool IsTotal(string name) =>
        (name.StartsWith("node_memory_", StringComparison.Ordinal) && name.Contains("Total", StringComparison.Ordinal)) ||
        name is "node_filesystem_size_bytes" or "node_filesystem_files" or "node_boot_time_seconds";

    /// <summary>
    /// A file system that a test running alongside mounts under the temporary directory (a small disk to fill):
    /// it may come or go between the reads compared here.
    /// </summary>
    private static bool IsOtherTestsMount(string labels) =>
        labels.Contains($"mountpoint={Path.GetTempPath()}", StringComparison.Ordinal);

    private static string Key(string name, string labels) => $"{name}{{{labels}}}";

    private static void AssertBetween(string key, double before, double ours, double after)
    {
        // Relative slack for the last digit of a float printed by Go and computed by us.
        double slack = Math.Max(Math.Abs(after), 1) * 1e-12;
        Assert.True(before - slack <= ours && ours <= after + slack, $"{key}: ours {ours} is not between node_exporter's {before} and {after}");
    }
}
