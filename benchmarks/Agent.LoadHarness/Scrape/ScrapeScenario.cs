using System.Diagnostics;
using System.Text;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Metrics;
using Agent.LoadHarness.Otlp;
using Agent.LoadHarness.Reporting;
using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Scrape;

/// <summary>How a scrape run is set up: how many targets, how big, how often, and the windows.</summary>
internal sealed record ScrapeSettings(
    AgentBinary Agent,
    int? AgentCpu,
    int Targets,
    int SeriesPerTarget,
    TimeSpan Interval,
    int WarmupIntervals,
    int MeasuredIntervals,
    bool Keep);

/// <summary>
/// Many node_exporter-sized targets → agent (prometheus receiver → batch → prometheusremotewrite) → a remote-write
/// sink counting samples. Measures the agent's CPU over whole intervals (scrapes are spread over each interval, so
/// a whole number of them averages fairly) and reports it also as it would be at a 15 s interval, since the work
/// is per scrape. The peer Collector in <c>shared/peers</c> is built without a prometheus receiver, so this
/// scenario runs the agent only.
/// </summary>
internal static class ScrapeScenario
{
    private static readonly TimeSpan Reference = TimeSpan.FromSeconds(15);

    public static Task<ResultTable> RunAsync(ScrapeSettings settings) =>
        ScratchDirectory.UseAsync("agent-harness-scrape-", settings.Keep, Progress, work => RunInAsync(settings, work));

    private static async Task<ResultTable> RunInAsync(ScrapeSettings settings, string work)
    {
        var ports = new HashSet<int>();
        while (ports.Count < settings.Targets)
        {
            // A port just closed may come back from the next probe: keep asking until there are enough distinct ones.
            ports.Add(FreePorts.Next());
        }

        await using var targets = await ExpositionTargets.StartAsync([.. ports], settings.SeriesPerTarget).ConfigureAwait(false);
        await using var sink = await SnappyPushSink.StartAsync("/api/v1/write", RemoteWriteSampleCounter.Count).ConfigureAwait(false);
        int telemetryPort = FreePorts.Next();
        string config = Path.Combine(work, "agent.yaml");
        await File.WriteAllTextAsync(config, Config([.. ports], settings.Interval, sink.Port, telemetryPort)).ConfigureAwait(false);
        Progress($"{ports.Count} targets of {targets.SeriesPerTarget:N0} samples ({targets.BodyBytes / 1024.0:0} KiB) every {settings.Interval.TotalSeconds:0.#} s");

        Progress($"{settings.Agent}{(settings.AgentCpu is int pinned ? $" pinned to CPU {pinned}" : string.Empty)}");
        await using var agent = AgentProcess.Start(settings.Agent, config, Path.Combine(work, "data"), settings.AgentCpu);
        await agent.WaitReadyAsync(telemetryPort, TimeSpan.FromSeconds(30)).ConfigureAwait(false);

        var warmup = settings.Interval * settings.WarmupIntervals;
        Progress($"ready; warm-up {warmup.TotalSeconds:0} s");
        await Task.Delay(warmup).ConfigureAwait(false);
        OtlpLoadScenario.EnsureRunning(agent);

        long scrapesBefore = targets.Scrapes;
        long samplesBefore = sink.Items;
        var agentCpu = CpuWindow.Start(agent.Pid);
        var harnessCpu = CpuWindow.Start(Environment.ProcessId);
        var rss = RssSampler.Start(agent.Pid, TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < settings.MeasuredIntervals; i++)
        {
            var due = (settings.Interval * (i + 1)) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due).ConfigureAwait(false);
            }

            OtlpLoadScenario.EnsureRunning(agent);
            Progress($"{clock.Elapsed.TotalSeconds,5:0.0} s: {targets.Scrapes - scrapesBefore:N0} scrapes, {sink.Items - samplesBefore:N0} samples at the sink, RSS {ProcStats.ResidentBytes(agent.Pid) / Units.MiB:0.0} MiB");
        }

        var (cpu, wall) = agentCpu.Elapsed();
        var (harnessUsed, _) = harnessCpu.Elapsed();
        long scrapes = targets.Scrapes - scrapesBefore;
        long samples = sink.Items - samplesBefore;
        await rss.StopAsync().ConfigureAwait(false);

        double percent = CpuWindow.PercentOfCore(cpu, wall);
        double intervals = wall / settings.Interval;
        long expectedScrapes = (long)Math.Round(ports.Count * intervals);
        if (scrapes < expectedScrapes * 0.95)
        {
            Progress($"only {scrapes:N0} of the {expectedScrapes:N0} scrapes expected in the window were answered");
        }

        return new ResultTable()
            .Add("scenario", $"scrape {ports.Count} targets every {settings.Interval.TotalSeconds:0.#} s")
            .Add("binary", settings.Agent.Kind)
            .Add("agent CPU", settings.AgentCpu is int core ? $"pinned to {core}" : "any")
            .Add("samples/target", targets.SeriesPerTarget, "N0")
            .Add("KiB/body", targets.BodyBytes / 1024.0, "0")
            .Add("window s", wall.TotalSeconds, "0.0")
            .Add("scrapes (expected)", $"{scrapes:N0} ({expectedScrapes:N0})")
            .Add("samples/s at the sink", samples / wall.TotalSeconds, "N0")
            .Add(ResultTable.AgentCpu, percent, "0.0")
            .Add("CPU % at 15 s", percent * settings.Interval.TotalSeconds / Reference.TotalSeconds, "0.00")
            .Add("CPU ms/scrape", cpu.TotalMilliseconds / Math.Max(1, scrapes), "0.00")
            .Add("RSS avg MiB", rss.AverageMiB, "0.0")
            .Add("RSS max MiB", rss.MaxMiB, "0.0")
            .Add("harness CPU %", CpuWindow.PercentOfCore(harnessUsed, wall), "0")
            .Add("load avg 1m", LoadAverage.OneMinute(), "0.0");
    }

    /// <summary>One scrape config over every target, batched into remote-write: the receiver's usual deployment.</summary>
    private static string Config(IReadOnlyList<int> ports, TimeSpan interval, int sinkPort, int telemetryPort)
    {
        var targets = new StringBuilder();
        foreach (int port in ports)
        {
            targets.Append($"\n                    - 127.0.0.1:{port}");
        }

        return $"""
            # Written by Agent.LoadHarness: {ports.Count} scrape targets → batch → remote-write to the harness's sink.
            receivers:
              prometheus:
                config:
                  scrape_configs:
                    - job_name: bench
                      scrape_interval: {(long)interval.TotalMilliseconds}ms
                      static_configs:
                        - targets:{targets}

            processors:
              batch: {"{}"}

            exporters:
              prometheusremotewrite:
                endpoint: http://127.0.0.1:{sinkPort}/api/v1/write

            {OtlpPipelineConfig.Service("metrics", "prometheus", "batch", "prometheusremotewrite", telemetryPort)}
            """;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[scrape] {message}");
}
