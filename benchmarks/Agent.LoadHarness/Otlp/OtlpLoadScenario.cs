using System.Diagnostics;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Otlp;

/// <summary>How an OTLP load run is driven: at a fixed rate or as fast as the agent accepts, and for how long.</summary>
internal sealed record OtlpLoadSettings(
    AgentBinary Agent,
    int? AgentCpu,
    double? ItemsPerSecond,
    int ItemsPerRequest,
    int Concurrency,
    TimeSpan Warmup,
    TimeSpan Duration,
    TimeSpan Idle,
    bool Keep);

/// <summary>
/// What one signal's scenario brings: its load, the agent's configuration for the given ports, and the sink that
/// counts what the agent sends (with how many sink items one sent item becomes, e.g. the samples of a point).
/// </summary>
internal sealed record OtlpLoadPlan(
    OtlpSignal Signal,
    string Name,
    string Load,
    byte[][] Requests,
    Func<Task<IItemSink>> StartSink,
    Func<int, int, int, string> Config,
    double SinkItemsPerItem = 1);

/// <summary>
/// OTLP gRPC load → agent → the harness's sink. Measures the agent's idle RSS, then its CPU and RSS over a window
/// after a warm-up, and checks that every acknowledged item reached the sink.
/// </summary>
internal static class OtlpLoadScenario
{
    public static Task<ResultTable> RunAsync(OtlpLoadPlan plan, OtlpLoadSettings settings) =>
        ScratchDirectory.UseAsync($"agent-harness-{plan.Signal.Items}-", settings.Keep, message => Progress(plan, message), work => RunInAsync(plan, settings, work));

    private static async Task<ResultTable> RunInAsync(OtlpLoadPlan plan, OtlpLoadSettings settings, string work)
    {
        await using var sink = await plan.StartSink().ConfigureAwait(false);
        int receiverPort = FreePorts.Next();
        int telemetryPort = FreePorts.Next();
        string config = Path.Combine(work, "agent.yaml");
        await File.WriteAllTextAsync(config, plan.Config(receiverPort, sink.Port, telemetryPort)).ConfigureAwait(false);

        Progress(plan, $"{settings.Agent}{(settings.AgentCpu is int pinned ? $" pinned to CPU {pinned}" : string.Empty)}");
        long startedAt = Stopwatch.GetTimestamp();
        await using var agent = AgentProcess.Start(settings.Agent, config, Path.Combine(work, "data"), settings.AgentCpu);
        await agent.WaitReadyAsync(telemetryPort, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        TimeSpan toReady = Stopwatch.GetElapsedTime(startedAt);
        TimeSpan cpuToReady = ProcStats.CpuTime(agent.Pid);

        Progress(plan, $"ready; idle for {settings.Idle.TotalSeconds:0} s");
        var idleCpu = CpuWindow.Start(agent.Pid);
        await Task.Delay(settings.Idle).ConfigureAwait(false);
        var (idleUsed, idleWall) = idleCpu.Elapsed();
        double idleRss = ProcStats.ResidentBytes(agent.Pid) / Units.MiB;

        await using var generator = new OtlpLoadGenerator(plan.Signal, receiverPort, plan.Requests, settings.ItemsPerRequest);
        generator.Start(settings.Concurrency, settings.ItemsPerSecond);
        Progress(plan, $"load started; warm-up {settings.Warmup.TotalSeconds:0} s");
        var warmupCpu = CpuWindow.Start(agent.Pid);
        await Task.Delay(settings.Warmup).ConfigureAwait(false);
        var (warmupUsed, warmupWall) = warmupCpu.Elapsed();
        EnsureRunning(agent);

        long receivedBefore = sink.Items;
        long sentBefore = generator.SentItems;
        generator.Latencies.Restart();
        var gcAtStart = await GcReading.ReadAsync(settings.Agent, telemetryPort).ConfigureAwait(false);
        var agentCpu = CpuWindow.Start(agent.Pid);
        var harnessCpu = CpuWindow.Start(Environment.ProcessId);
        var rss = RssSampler.Start(agent.Pid, TimeSpan.FromMilliseconds(500));
        await ReportProgressAsync(plan, sink, agent, settings.Duration).ConfigureAwait(false);
        var (cpu, wall) = agentCpu.Elapsed();
        var (harnessUsed, _) = harnessCpu.Elapsed();
        long receivedInWindow = sink.Items - receivedBefore;
        long acceptedInWindow = generator.SentItems - sentBefore;
        double[] latency = generator.Latencies.PercentilesMs(50, 99);
        var gc = await GcReading.ReadAsync(settings.Agent, telemetryPort).ConfigureAwait(false) - gcAtStart;
        await rss.StopAsync().ConfigureAwait(false);

        await generator.StopAsync().ConfigureAwait(false);
        long sent = generator.SentItems;
        long expected = (long)(sent * plan.SinkItemsPerItem);
        await WaitForAsync(() => sink.Items >= expected, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        long received = sink.Items;
        if (generator.FailedRequests > 0)
        {
            Progress(plan, $"{generator.FailedRequests} requests refused; last: {generator.LastError}");
        }

        if (received < expected)
        {
            Progress(plan, $"only {received:N0} of the {expected:N0} expected items reached the sink");
        }

        string items = plan.Signal.Items;
        double perItem = plan.SinkItemsPerItem;
        return new ResultTable()
            .Add("scenario", ScenarioName(plan, settings))
            .Add("binary", settings.Agent.Kind)
            .Add("agent CPU", settings.AgentCpu is int core ? $"pinned to {core}" : "any")
            .Add("load", plan.Load)
            .Add("window s", wall.TotalSeconds, "0.0")
            .Add($"{items} sent", sent, "N0")
            .Add(perItem == 1 ? $"{items} received" : $"sink items received (expected ≥ {expected:N0})", received, "N0")
            .Add($"received {items}/s (window)", receivedInWindow / perItem / wall.TotalSeconds, "N0")
            .Add($"accepted {items}/s (window)", acceptedInWindow / wall.TotalSeconds, "N0")
            .Add(ResultTable.CallP50, latency[0], "0.00")
            .Add("call p99 ms", latency[1], "0.00")
            .Add(ResultTable.AgentCpu, CpuWindow.PercentOfCore(cpu, wall), "0.0")
            .Add("RSS avg MiB", rss.AverageMiB, "0.0")
            .Add("RSS max MiB", rss.MaxMiB, "0.0")
            .AddGc(gc, acceptedInWindow, wall)
            .Add("idle RSS MiB", idleRss, "0.0")
            .Add("idle CPU %", CpuWindow.PercentOfCore(idleUsed, idleWall), "0.0")
            .Add("ready s", toReady.TotalSeconds, "0.00")
            .Add("CPU s to ready", cpuToReady.TotalSeconds, "0.00")
            .Add("warm-up CPU %", CpuWindow.PercentOfCore(warmupUsed, warmupWall), "0.0")
            .Add($"refused {items}", generator.RefusedItems, "N0")
            .Add("harness CPU %", CpuWindow.PercentOfCore(harnessUsed, wall), "0")
            .Add("load avg 1m", LoadAverage.OneMinute(), "0.0");
    }

    private static string ScenarioName(OtlpLoadPlan plan, OtlpLoadSettings settings) =>
        settings.ItemsPerSecond is double rate ? $"{plan.Name}, {rate:N0} {plan.Signal.Items}/s"
        : settings.Concurrency == 1 ? $"{plan.Name}, sequential"
        : $"{plan.Name}, max";

    private static async Task ReportProgressAsync(OtlpLoadPlan plan, IItemSink sink, AgentProcess agent, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long last = sink.Items;
        while (clock.Elapsed < duration)
        {
            var step = TimeSpan.FromSeconds(Math.Min(5, (duration - clock.Elapsed).TotalSeconds));
            if (step < TimeSpan.FromMilliseconds(100))
            {
                break;
            }

            await Task.Delay(step).ConfigureAwait(false);
            EnsureRunning(agent);
            long now = sink.Items;
            Progress(plan, $"{clock.Elapsed.TotalSeconds,5:0.0} s: {(now - last) / step.TotalSeconds:N0} items/s at the sink, RSS {ProcStats.ResidentBytes(agent.Pid) / Units.MiB:0.0} MiB");
            last = now;
        }
    }

    internal static void EnsureRunning(AgentProcess agent)
    {
        if (agent.HasExited)
        {
            throw new HarnessException($"the agent exited during the run:\n{agent.LogTail()}");
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static void Progress(OtlpLoadPlan plan, string message) => Console.Error.WriteLine($"[{plan.Name}] {message}");
}
