using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// A node for the pod-logs-to-Loki runs: a fake <c>/var/log/pods</c> tree, a state directory that outlives agent
/// processes, and the Collector-shaped config that tails the tree into Loki.
/// </summary>
internal sealed class PodLogsToLokiSetup : IDisposable
{
    /// <summary>Read-ahead per file while waiting for acknowledgements (the receiver's default, written out for the bounds).</summary>
    public const int MaxBatchesInFlight = 4;

    private readonly string _root = Directory.CreateTempSubdirectory("agent-podlogs-loki-").FullName;

    public PodLogsToLokiSetup()
    {
        Kubelet = new FakeKubelet(_root);
    }

    public FakeKubelet Kubelet { get; }

    /// <summary>A directory of this node's that outlives agent processes, for a test's own config and state.</summary>
    public string Root => _root;

    /// <summary>Where the agent started last serves its own metrics.</summary>
    public int TelemetryPort { get; private set; }

    /// <summary>Starts `agent run` on this node's config with a fresh telemetry port and waits until it is ready.</summary>
    /// <param name="endpoint">Where to push instead of <paramref name="loki"/>'s own address (a proxy in front of it).</param>
    public async Task<AgentProcess> StartAgentAsync(FakeLoki loki, int maxBatchBytes = 128 * 1024, bool persistentQueue = false, Uri? endpoint = null)
    {
        int telemetry = FakeOtlpBackend.FreePort();
        TelemetryPort = telemetry;
        string config = WriteConfig(endpoint ?? loki.PushUri, telemetry, maxBatchBytes, persistentQueue);
        var agent = AgentProcess.Start(
            ["run", "--config", config, "--shutdown-timeout", "20s"],
            new Dictionary<string, string> { ["AGENT_DATA_DIR"] = Path.Combine(_root, "data") });
        try
        {
            await agent.WaitUntilReadyAsync(telemetry, TimeSpan.FromSeconds(30));
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    public static async Task EventuallyAsync(Func<bool> condition, Func<string> what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not within {timeout}: {what()}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>
    /// Waits until Loki holds every line written, then writes one last line per container and waits for those too.
    /// The receiver reads each file in order and Loki gets each stream in order, so a late duplicate of an earlier
    /// line would arrive before its container's last line: this stands in for waiting to see nothing more.
    /// </summary>
    public async Task<IReadOnlyList<FakeLokiEntry>> WaitForAllAsync(FakeLoki loki, IEnumerable<FakeContainer> containers, TimeSpan timeout)
    {
        await WaitForWrittenAsync(loki, timeout);
        foreach (var container in containers)
        {
            container.Write(LogStream.Stdout, $"{container.Key.Container} last line {Guid.NewGuid():N}");
        }

        await WaitForWrittenAsync(loki, timeout);
        return loki.Entries;
    }

    private async Task WaitForWrittenAsync(FakeLoki loki, TimeSpan timeout)
    {
        int written = Kubelet.Written.Count;
        await EventuallyAsync(
            () => loki.Entries.Select(e => e.Line).Distinct().Count() >= written,
            () => $"Loki has {loki.Entries.Count} entries of the {written} lines written",
            timeout);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteConfig(Uri push, int telemetryPort, int maxBatchBytes, bool persistentQueue)
    {
        // Retrying for ever keeps every record in the queue until Loki takes it.
        string queue = persistentQueue ? "\n      max_elapsed_time: 0\n    sending_queue: {storage: file_storage}" : string.Empty;
        string path = Path.Combine(_root, "agent.yaml");
        File.WriteAllText(path, $$"""
            receivers:
              filelog:
                include: ["{{Kubelet.PodsDirectory}}/*/*/*.log"]
                start_at: beginning
                storage: file_storage
                operators: [{type: container}]
                poll_interval: 50ms
                max_batches_in_flight: {{MaxBatchesInFlight}}
                max_batch_bytes: {{maxBatchBytes}}
                retry_backoff: 100ms
            processors:
              batch:
                timeout: 100ms
            exporters:
              loki:
                endpoint: {{push}}
                retry_on_failure:
                  initial_interval: 100ms
                  max_interval: 300ms{{queue}}
            extensions:
              file_storage:
                directory: {{Path.Combine(_root, "state")}}
                create_directory: true
            service:
              extensions: [file_storage]
              telemetry:
                metrics:
                  address: 127.0.0.1:{{telemetryPort}}
              pipelines:
                logs:
                  receivers: [filelog]
                  processors: [batch]
                  exporters: [loki]
            """);
        return path;
    }
}
