using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>Processes under a fake <c>/proc</c>, as proc(5) lays them out, and the process scraper run over them.</summary>
internal static class ProcessTree
{
    /// <summary>Writes <c>/proc/&lt;pid&gt;/</c> with a stat line (utime, stime in ticks; rss in pages), cmdline, status and io.</summary>
    public static HostTree WithProcess(
        this HostTree host, int pid, string comm, string cmdline, string? exe, int ppid = 1, ulong utime = 250, ulong stime = 50,
        ulong threads = 4, ulong startTicks = 1000, ulong vsize = 1_000_000, ulong rssPages = 100, int uid = 0, string? io = null)
    {
        string dir = $"proc/{pid}";
        host.With($"{dir}/stat", $"{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194560 100 0 0 0 {utime} {stime} 0 0 20 0 {threads} 0 {startTicks} {vsize} {rssPages} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n")
            .With($"{dir}/cmdline", cmdline.Replace(' ', '\0') + "\0")
            .With($"{dir}/status", $"Name:\t{comm}\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nThreads:\t{threads}\nvoluntary_ctxt_switches:\t77\nnonvoluntary_ctxt_switches:\t5\n")
            .With($"{dir}/io", io ?? "rchar: 9000\nwchar: 800\nsyscr: 10\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n");
        if (exe is not null)
        {
            File.CreateSymbolicLink(Path.Combine(host.Root, dir, "exe"), exe);
        }

        return host;
    }

    public static HostMetricsReceiverOptions Options(Action<ProcessScraperOptions>? configure = null)
    {
        var process = new ProcessScraperOptions();
        configure?.Invoke(process);
        return HostTree.Options(MetricNaming.Prometheus, s => s.Process = process);
    }

    /// <summary>One process scrape over <paramref name="root"/>: the result and each process's attributes and points.</summary>
    public static async Task<(ScrapeResult Result, List<ProcessSeries> Processes)> ScrapeAsync(string root, HostMetricsReceiverOptions options)
    {
        options.RootPath = root;
        var scraper = Assert.Single(HostScrapers.Create(options, TimeProvider.System));
        var result = await scraper.ScrapeAsync(CancellationToken.None);
        var processes = result.Metrics.ResourceMetrics
            .Where(r => r.Resource.Attributes.Count > 0)
            .Select(r => new ProcessSeries(
                r.Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.ValueCase == OpenTelemetry.Proto.Common.V1.AnyValue.ValueOneofCase.IntValue ? a.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : a.Value.StringValue),
                [.. r.ScopeMetrics.SelectMany(s => s.Metrics).SelectMany(ScrapedPoint.Of)],
                r.ScopeMetrics.SelectMany(s => s.Metrics).ToList()))
            .ToList();
        return (result, processes);
    }
}

internal sealed record ProcessSeries(Dictionary<string, string> Attributes, List<ScrapedPoint> Points, List<Metric> Metrics)
{
    public string Name => Attributes["process.executable.name"];

    public double Value(string name, string labels = "") => Assert.Single(Points, p => p.Name == name && p.Labels == labels).Value;
}
