using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;
using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Logs;

/// <summary>What the idle-tailer scenario runs.</summary>
internal sealed record IdleFilesSettings(AgentBinary Agent, int? AgentCpu, int Files, TimeSpan Settle, TimeSpan Window, bool Keep);

/// <summary>
/// Many pod log files that never change → agent (filelog with <c>start_at: end</c> → batch → loki). Measures what
/// watching them costs: the agent's CPU and RSS over a window in which no file changes and nothing is shipped.
/// </summary>
internal static class IdleFilesScenario
{
    private const int LinesPerFile = 10;
    private const int LineBytes = 200;

    public static Task<ResultTable> RunAsync(IdleFilesSettings settings) =>
        ScratchDirectory.UseAsync("agent-harness-idle-files-", settings.Keep, Progress, work => RunInAsync(settings, work));

    private static async Task<ResultTable> RunInAsync(IdleFilesSettings settings, string work)
    {
        string pods = Path.Combine(work, "pods");
        PodLogTree.Write(pods, settings.Files, (long)settings.Files * LinesPerFile, LineBytes);
        Progress($"wrote {settings.Files:N0} files of {LinesPerFile} lines");

        await using var sink = await SnappyPushSink.StartAsync("/loki/api/v1/push", LokiPushCounter.Count).ConfigureAwait(false);
        int telemetryPort = FreePorts.Next();
        string config = Path.Combine(work, "agent.yaml");
        await File.WriteAllTextAsync(config, LogsConfig.Yaml(pods, sink.Port, telemetryPort, startAt: "end")).ConfigureAwait(false);

        Progress($"{settings.Agent}{(settings.AgentCpu is int pinned ? $" pinned to CPU {pinned}" : string.Empty)}");
        await using var agent = AgentProcess.Start(settings.Agent, config, Path.Combine(work, "data"), settings.AgentCpu);
        await agent.WaitReadyAsync(telemetryPort, TimeSpan.FromSeconds(60)).ConfigureAwait(false);

        // Let it find every file and settle (start-up JIT, first checkpoints) before the window.
        Progress($"ready; settling for {settings.Settle.TotalSeconds:0} s, then an idle window of {settings.Window.TotalSeconds:0} s");
        await Task.Delay(settings.Settle).ConfigureAwait(false);
        var cpu = CpuWindow.Start(agent.Pid);
        var rss = RssSampler.Start(agent.Pid, TimeSpan.FromMilliseconds(500));
        await Task.Delay(settings.Window).ConfigureAwait(false);
        var (used, wall) = cpu.Elapsed();
        await rss.StopAsync().ConfigureAwait(false);
        if (agent.HasExited)
        {
            throw new HarnessException($"the agent exited during the idle window:\n{agent.LogTail()}");
        }

        return new ResultTable()
            .Add("scenario", $"idle tailer, {settings.Files:N0} unchanging files, start_at end")
            .Add("binary", settings.Agent.Kind)
            .Add("agent CPU", settings.AgentCpu is int core ? $"pinned to {core}" : "any")
            .Add("window s", wall.TotalSeconds, "0.0")
            .Add("lines shipped", sink.Items, "N0")
            .Add(ResultTable.AgentCpu, CpuWindow.PercentOfCore(used, wall), "0.00")
            .Add("RSS avg MiB", rss.AverageMiB, "0.0")
            .Add("RSS max MiB", rss.MaxMiB, "0.0")
            .Add("load avg 1m", LoadAverage.OneMinute(), "0.0");
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[idle-files] {message}");
}
