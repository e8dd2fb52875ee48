using System.Diagnostics;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Traces;

/// <summary>What the traces scenario runs: fixed rate or as fast as the agent accepts.</summary>
internal sealed record TracesSettings(
    string AgentPath,
    int? AgentCpu,
    double? SpansPerSecond,
    int SpansPerRequest,
    int Concurrency,
    TimeSpan Warmup,
    TimeSpan Duration,
    TimeSpan Idle,
    string Compression,
    bool Batch,
    bool Keep);

/// <summary>
/// OTLP gRPC load → agent (otlp → batch → otlp) → the harness's sink. Measures the agent's idle RSS, then its CPU
/// and RSS over a window after a warm-up, and checks that every acknowledged span reached the sink.
/// </summary>
internal static class TracesScenario
{
    private const int DistinctRequests = 200;

    public static Task<ResultTable> RunAsync(TracesSettings settings) =>
        ScratchDirectory.UseAsync("agent-harness-traces-", settings.Keep, Progress, work => RunInAsync(settings, work));

    private static async Task<ResultTable> RunInAsync(TracesSettings settings, string work)
    {
        await using var sink = await TraceSink.StartAsync().ConfigureAwait(false);
        int receiverPort = FreePorts.Next();
        int telemetryPort = FreePorts.Next();
        string config = Path.Combine(work, "agent.yaml");
        await File.WriteAllTextAsync(config, TracesConfig.Yaml(receiverPort, sink.Port, telemetryPort, settings.Compression, settings.Batch)).ConfigureAwait(false);

        byte[][] requests = SpanRequests.Encode(DistinctRequests, settings.SpansPerRequest, seed: 1);
        Progress($"agent: {settings.AgentPath}{(settings.AgentCpu is int pinned ? $" pinned to CPU {pinned}" : string.Empty)}");
        await using var agent = AgentProcess.Start(settings.AgentPath, config, Path.Combine(work, "data"), settings.AgentCpu);
        await agent.WaitReadyAsync(telemetryPort, TimeSpan.FromSeconds(30)).ConfigureAwait(false);

        Progress($"ready; idle for {settings.Idle.TotalSeconds:0} s");
        var idleCpu = CpuWindow.Start(agent.Pid);
        await Task.Delay(settings.Idle).ConfigureAwait(false);
        var (idleUsed, idleWall) = idleCpu.Elapsed();
        double idleRss = ProcStats.ResidentBytes(agent.Pid) / Units.MiB;

        await using var generator = new TraceLoadGenerator(receiverPort, requests, settings.SpansPerRequest);
        generator.Start(settings.Concurrency, settings.SpansPerSecond);
        Progress($"load started; warm-up {settings.Warmup.TotalSeconds:0} s");
        await Task.Delay(settings.Warmup).ConfigureAwait(false);
        EnsureRunning(agent);

        long receivedBefore = sink.Spans;
        var agentCpu = CpuWindow.Start(agent.Pid);
        var harnessCpu = CpuWindow.Start(Environment.ProcessId);
        var rss = RssSampler.Start(agent.Pid, TimeSpan.FromMilliseconds(500));
        await ReportProgressAsync(sink, agent, settings.Duration).ConfigureAwait(false);
        var (cpu, wall) = agentCpu.Elapsed();
        var (harnessUsed, _) = harnessCpu.Elapsed();
        long receivedInWindow = sink.Spans - receivedBefore;
        await rss.StopAsync().ConfigureAwait(false);

        await generator.StopAsync().ConfigureAwait(false);
        long sent = generator.SentSpans;
        await WaitForAsync(() => sink.Spans >= sent, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        long received = sink.Spans;
        if (generator.FailedRequests > 0)
        {
            Progress($"{generator.FailedRequests} requests refused; last: {generator.LastError}");
        }

        return new ResultTable()
            .Add("scenario", settings.SpansPerSecond is double rate ? $"traces, {rate:N0} spans/s" : "traces, max")
            .Add("agent CPU", settings.AgentCpu is int core ? $"pinned to {core}" : "any")
            .Add("load", $"{settings.SpansPerRequest} spans/request, ≤ {settings.Concurrency} in flight, export {settings.Compression}{(settings.Batch ? string.Empty : ", no batch processor")}")
            .Add("window s", wall.TotalSeconds, "0.0")
            .Add("spans sent", sent, "N0")
            .Add("spans received", received, "N0")
            .Add("received spans/s (window)", receivedInWindow / wall.TotalSeconds, "N0")
            .Add("agent CPU % of a core", CpuWindow.PercentOfCore(cpu, wall), "0.0")
            .Add("RSS avg MiB", rss.AverageMiB, "0.0")
            .Add("RSS max MiB", rss.MaxMiB, "0.0")
            .Add("idle RSS MiB", idleRss, "0.0")
            .Add("idle CPU %", CpuWindow.PercentOfCore(idleUsed, idleWall), "0.0")
            .Add("refused spans", generator.RefusedSpans, "N0")
            .Add("harness CPU %", CpuWindow.PercentOfCore(harnessUsed, wall), "0")
            .Add("load avg 1m", LoadAverage.OneMinute(), "0.0");
    }

    private static async Task ReportProgressAsync(TraceSink sink, AgentProcess agent, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long last = sink.Spans;
        while (clock.Elapsed < duration)
        {
            var step = TimeSpan.FromSeconds(Math.Min(5, (duration - clock.Elapsed).TotalSeconds));
            await Task.Delay(step).ConfigureAwait(false);
            EnsureRunning(agent);
            long now = sink.Spans;
            Progress($"{clock.Elapsed.TotalSeconds,5:0.0} s: {(now - last) / step.TotalSeconds:N0} spans/s at the sink, RSS {ProcStats.ResidentBytes(agent.Pid) / Units.MiB:0.0} MiB");
            last = now;
        }
    }

    private static void EnsureRunning(AgentProcess agent)
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

    private static void Progress(string message) => Console.Error.WriteLine($"[traces] {message}");
}
