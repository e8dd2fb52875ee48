using Agent.Receivers.ContainerMetrics;
using Agent.Receivers.HostMetrics.ProcFs;
using Agent.Receivers.Scraping;
using Agent.Tests.Receivers.ContainerMetrics;
using Agent.Tests.Receivers.HostMetrics;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// /proc, /sys and cgroup files cut short or garbled: a scrape never throws, a value it cannot read is counted
/// failed and skipped, and every value it does report is a number.
/// </summary>
public sealed class HostFilesFuzzTests : IDisposable
{
    private readonly List<IDisposable> _trees = [];

    public void Dispose() => _trees.ForEach(t => t.Dispose());

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Damaged_proc_and_sys_files_are_counted_and_skipped() =>
        ScrapeDamagedAsync(Track(HostFixtures.Host()).Root, root => HostTree.RunAsync(WithRoot(root)).ContinueWith(t => t.Result.Points.Select(p => p.Value)));

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(true)]
    [InlineData(false)]
    public Task Damaged_cgroup_files_are_counted_and_skipped(bool v2)
    {
        var host = Track(new CgroupFixture(v2));
        CgroupScraperTests.WriteThreePods(host, CgroupDriver.Systemd);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(55));
        return ScrapeDamagedAsync(host.RootPath, async _ =>
        {
            var scraper = new CgroupScraper(new ContainerMetricsReceiverOptions { RootPath = host.RootPath }, time);
            time.Advance(TimeSpan.FromSeconds(15));
            var result = await scraper.ScrapeAsync(CancellationToken.None);
            return result.Metrics.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).SelectMany(Values);
        });
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Process_stat_and_cgroup_text_parsers_never_throw_on_bytes() =>
        Fuzzing.RunAsync(
            Gen.Frequency((1, Fuzzing.Bytes(200)), (1, Fuzzing.Mutated("1234 (a (b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 3 0 12345 1000000 250 18446744073709551615\n"u8.ToArray()))),
            bytes =>
            {
                if (ProcessStat.TryParse(bytes, out var stat))
                {
                    Assert.True(stat.Comm.Length <= bytes.Length);
                }

                if (CgroupText.TryParseSingle(bytes, out _))
                {
                    Assert.NotEmpty(bytes);
                }

                if (CgroupText.TryFindKeyed(bytes, "usage_usec"u8, out _, out bool malformed))
                {
                    Assert.False(malformed);
                }

                ReadOnlySpan<byte> text = bytes;
                while (CgroupText.NextLine(ref text, out var line))
                {
                    var field = CgroupText.NextField(ref line);
                    if (CgroupText.TryParseDevice(field, out _, out _))
                    {
                        Assert.True(field.IndexOf((byte)':') > 0);
                    }

                    if (CgroupText.TryParseNumber(field, out _))
                    {
                        Assert.False(field.IsEmpty);
                    }
                }
            },
            Fuzzing.Cheap);

    private static IEnumerable<double> Values(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Select(p => p.AsDouble),
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Select(p => p.AsDouble),
        _ => [],
    };

    private static Agent.Receivers.HostMetrics.HostMetricsReceiverOptions WithRoot(string root)
    {
        var options = HostTree.AllScrapers(MetricNaming.Prometheus);
        options.RootPath = root;
        return options;
    }

    /// <summary>Each round damages a few of the tree's files, scrapes, checks the values and puts the files back.</summary>
    private static Task ScrapeDamagedAsync(string root, Func<string, Task<IEnumerable<double>>> scrape)
    {
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(path => (Path: path, Bytes: File.ReadAllBytes(path)))
            .Where(f => f.Bytes.Length > 0)
            .ToArray();
        Assert.NotEmpty(files);
        var damage = Gen.Int[0, files.Length - 1]
            .SelectMany(i => Gen.Frequency((3, Fuzzing.Mutated(files[i].Bytes)), (1, Fuzzing.Bytes(64))).Select(bytes => (i, bytes)))
            .Array[1, 6];
        return Fuzzing.RunAsync(damage, damaged =>
        {
            foreach (var (i, bytes) in damaged)
            {
                File.WriteAllBytes(files[i].Path, bytes);
            }

            try
            {
                var values = scrape(root).GetAwaiter().GetResult();
                Assert.All(values, value => Assert.False(double.IsNaN(value)));
            }
            finally
            {
                foreach (var (i, _) in damaged)
                {
                    File.WriteAllBytes(files[i].Path, files[i].Bytes);
                }
            }
        }, Fuzzing.OnDisk);
    }

    private T Track<T>(T tree)
        where T : IDisposable
    {
        _trees.Add(tree);
        return tree;
    }
}
