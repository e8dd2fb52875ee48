using System.Globalization;
using System.Text.RegularExpressions;
using Agent.Processors.MemoryLimiter;
using Agent.Tests.EndToEnd;
using Agent.Tests.Fakes;
using Agent.Tests.Support;

namespace Agent.Tests.Deployment;

/// <summary>
/// The heap limit each manifest sets is the one the binary runs with: the agent (the Native AOT binary when the AOT
/// suite runs) is started with the manifest's value, and its memory limiter, at 50 % of the memory it may use, logs
/// half of that value. A value the runtime ignores leaves the machine's RAM there instead.
/// </summary>
public sealed partial class HeapHardLimitReadTests
{
    public static TheoryData<string> LimitedDeployments => new() { "daemonset", "gateway", "sidecar", "standalone" };

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [MemberData(nameof(LimitedDeployments))]
    public async Task The_manifests_heap_limit_is_what_the_agent_runs_with(string manifest)
    {
        string value = ValueIn(manifest);
        long heapLimit = HeapHardLimitVariable.Parse(value);
        // A memory limit on the cgroup this test runs in would come first (the limiter reads it before the GC's figure).
        long available = Math.Min(heapLimit, AvailableMemory.CgroupLimit("/sys/fs/cgroup", "/proc/self/cgroup") ?? long.MaxValue);

        using var scratch = new TempDirectory("agent-heap-limit-");
        string directory = scratch.Path;
        string config = Path.Combine(directory, "agent.yaml");
        await File.WriteAllTextAsync(config, $$"""
            receivers:
              otlp:
                protocols: {grpc: {endpoint: "127.0.0.1:{{FakeOtlpBackend.FreePort()}}"} }
            processors:
              memory_limiter: {check_interval: 1s, limit_percentage: 50, spike_limit_percentage: 10}
            exporters:
              debug: {}
            service:
              telemetry: {metrics: {level: none} }
              pipelines:
                traces: {receivers: [otlp], processors: [memory_limiter], exporters: [debug]}
            """);

        await using var agent = AgentProcess.Start(
            ["run", "--config", config, "--data-dir", Path.Combine(directory, "data")],
            new Dictionary<string, string> { [HeapHardLimitVariable.Name] = value });
        await Eventually.UntilAsync(
            () => LimitsLine().IsMatch(agent.Output) || agent.HasExited,
            () => $"the memory limiter's limits in the agent's output; it wrote:\n{agent.Output}");

        var logged = LimitsLine().Match(agent.Output);
        Assert.True(logged.Success, agent.Output);
        Assert.Equal(Math.Round(available / 2.0 / (1024 * 1024)), double.Parse(logged.Groups["hard"].Value, CultureInfo.InvariantCulture));
    }

    private static string ValueIn(string manifest) => manifest == "standalone"
        ? HeapHardLimitVariable.FromSystemdUnit(File.ReadAllText(Manifests.PathOf("standalone/agent.service")))
        : Assert.Single(Manifests.AgentContainer(Manifests.Build(manifest)).Agent.Env, e => e.Name == HeapHardLimitVariable.Name).Value;

    [GeneratedRegex(@"Memory limiter: hard limit (?<hard>\d+) MiB")]
    private static partial Regex LimitsLine();
}
