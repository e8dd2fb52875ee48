using System.Diagnostics;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;
using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Logs;

/// <summary>What the pod-logs scenario runs.</summary>
internal sealed record LogsSettings(AgentBinary Agent, int? AgentCpu, long Lines, int Pods, int LineBytes, TimeSpan Timeout, bool Keep);

/// <summary>
/// Pre-written pod log files → agent (filelog → batch → loki), or Fluent Bit (tail → loki), → the harness's Loki
/// sink. Measures how long the binary takes to ship every line, and the CPU time and memory it needs for it.
/// </summary>
internal static class LogsScenario
{
    public static Task<ResultTable> RunAsync(LogsSettings settings) =>
        ScratchDirectory.UseAsync("agent-harness-logs-", settings.Keep, Progress, work => RunInAsync(settings, work));

    private static async Task<ResultTable> RunInAsync(LogsSettings settings, string work)
    {
        string pods = Path.Combine(work, "pods");
        var writing = Stopwatch.StartNew();
        long bytes = PodLogTree.Write(pods, settings.Pods, settings.Lines, settings.LineBytes);
        Progress($"wrote {settings.Lines:N0} lines ({bytes / Units.MB:N0} MB) in {settings.Pods} pods in {writing.Elapsed.TotalSeconds:0.0} s");

        await using var sink = await SnappyPushSink.StartAsync("/loki/api/v1/push", LokiPushCounter.Count, LokiJsonPushCounter.Count).ConfigureAwait(false);
        int telemetryPort = FreePorts.Next();
        string config = await WriteConfigAsync(settings.Agent, work, pods, sink.Port, telemetryPort).ConfigureAwait(false);

        Progress($"{settings.Agent}{(settings.AgentCpu is int pinned ? $" pinned to CPU {pinned}" : string.Empty)}");
        var clock = Stopwatch.StartNew();
        await using var agent = AgentProcess.Start(settings.Agent, config, Path.Combine(work, "data"), settings.AgentCpu);
        var rss = RssSampler.Start(agent.Pid, TimeSpan.FromMilliseconds(250));

        // The shipping window runs from the first entry at the sink to the last, so the agent's start-up (runtime,
        // JIT, config) is reported apart from its steady throughput.
        TimeSpan? firstAt = null;
        TimeSpan cpuAtFirst = TimeSpan.Zero;
        long entriesAtFirst = 0;
        var gcAtFirst = GcReading.Unavailable;
        var lastReport = TimeSpan.Zero;
        while (sink.Items < settings.Lines)
        {
            if (agent.HasExited)
            {
                throw new HarnessException($"the agent exited with {sink.Items:N0} of {settings.Lines:N0} lines shipped:\n{agent.LogTail()}");
            }

            if (clock.Elapsed > settings.Timeout)
            {
                throw new HarnessException($"only {sink.Items:N0} of {settings.Lines:N0} lines reached the sink in {settings.Timeout.TotalSeconds:0} s (bad pushes: {sink.BadPushes}):\n{agent.LogTail()}");
            }

            if (firstAt is null && sink.Items > 0)
            {
                // The GC is read first, so the scrape of /metrics costs the agent's CPU outside the shipping window,
                // as the reading at its end does.
                gcAtFirst = await GcReading.ReadAsync(settings.Agent, telemetryPort).ConfigureAwait(false);
                firstAt = clock.Elapsed;
                cpuAtFirst = ProcStats.CpuTime(agent.Pid);
                entriesAtFirst = sink.Items;
            }

            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                Progress($"{clock.Elapsed.TotalSeconds,5:0.0} s: {sink.Items:N0} lines at the sink, RSS {ProcStats.ResidentBytes(agent.Pid) / Units.MiB:0.0} MiB");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        var doneAt = clock.Elapsed;
        var cpuTotal = ProcStats.CpuTime(agent.Pid);
        var gc = await GcReading.ReadAsync(settings.Agent, telemetryPort).ConfigureAwait(false) - gcAtFirst;
        await rss.StopAsync().ConfigureAwait(false);
        long received = sink.Items;

        firstAt ??= doneAt;
        double windowSeconds = (doneAt - firstAt.Value).TotalSeconds;
        long windowLines = received - entriesAtFirst;
        double windowCpu = (cpuTotal - cpuAtFirst).TotalSeconds;
        double linesPerSecond = windowSeconds > 0 ? windowLines / windowSeconds : double.NaN;

        return new ResultTable()
            .Add("scenario", $"pod logs → loki, {settings.Pods} pods, {settings.LineBytes}-byte CRI lines")
            .Add("binary", settings.Agent.Kind)
            .Add("agent CPU", settings.AgentCpu is int core ? $"pinned to {core}" : "any")
            .Add("lines", settings.Lines, "N0")
            .Add("lines received", received, "N0")
            .Add("wall s (from start)", doneAt.TotalSeconds, "0.00")
            .Add("lines/s (shipping)", linesPerSecond, "N0")
            .Add("MB/s (shipping)", linesPerSecond * settings.LineBytes / Units.MB, "0.0")
            .Add("CPU s (shipping)", windowCpu, "0.00")
            .Add("CPU s (with start-up)", cpuTotal.TotalSeconds, "0.00")
            .Add("lines per CPU-s (shipping)", windowCpu > 0 ? windowLines / windowCpu : double.NaN, "N0")
            .AddGc(gc, windowLines, doneAt - firstAt.Value)
            .Add("RSS avg MiB", rss.AverageMiB, "0.0")
            .Add("RSS max MiB", rss.MaxMiB, "0.0")
            .Add("load avg 1m", LoadAverage.OneMinute(), "0.0");
    }

    private static async Task<string> WriteConfigAsync(AgentBinary binary, string work, string pods, int lokiPort, int telemetryPort)
    {
        if (binary.IsFluentBit)
        {
            return await FluentBitConfig.WriteAsync(work, pods, lokiPort, telemetryPort).ConfigureAwait(false);
        }

        string config = Path.Combine(work, "agent.yaml");
        await File.WriteAllTextAsync(config, LogsConfig.Yaml(pods, lokiPort, telemetryPort)).ConfigureAwait(false);
        return config;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[logs] {message}");
}
