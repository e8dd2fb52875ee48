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
    public Task<AgentProcess> StartAgentAsync(FakeLoki loki, int maxBatchBytes = 128 * 1024, bool persistentQueue = false, Uri? endpoint = null) =>
        StartAgentAsync(loki, new PodLogsAgentOptions { MaxBatchBytes = maxBatchBytes, PersistentQueue = persistentQueue, Endpoint = endpoint });

    /// <summary>Starts `agent run` on this node's config, as <paramref name="options"/> shape it.</summary>
    public Task<AgentProcess> StartAgentAsync(FakeLoki loki, PodLogsAgentOptions options) =>
        StartAgentAsync(telemetry => WriteConfig(loki, telemetry, options));

    /// <summary>
    /// Starts `agent run` on the config file <paramref name="writeConfig"/> writes for a fresh telemetry port, with
    /// this node's data directory, and waits until it is ready.
    /// </summary>
    public async Task<AgentProcess> StartAgentAsync(Func<int, string> writeConfig)
    {
        int telemetry = FakeOtlpBackend.FreePort();
        TelemetryPort = telemetry;
        string config = writeConfig(telemetry);
        return await AgentProcess.StartReadyAsync(
            ["run", "--config", config, "--shutdown-timeout", "20s"],
            new Dictionary<string, string> { ["AGENT_DATA_DIR"] = Path.Combine(_root, "data") },
            telemetry);
    }

    /// <summary>The pods the agent's Kubernetes metadata cache holds, from its self-metrics.</summary>
    public async Task<double> PodsCachedAsync() =>
        (await AgentProcess.MetricSamplesAsync(TelemetryPort, name => name == "agent_k8s_cached_objects")).Where(s => s.Labels.Split(',').Contains("resource=pods")).Sum(s => s.Value);

    /// <summary>Writes <paramref name="yaml"/> to <paramref name="name"/> in this node's root; returns its path.</summary>
    public string WriteFile(string name, string yaml)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, yaml);
        return path;
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

    /// <summary>Two containers of two pods, one writing in CRI format and one in docker's.</summary>
    public FakeContainer[] StartTwoContainers() =>
    [
        Kubelet.StartContainer("shop", "web-7d9f", "0b8e5c2a-1111-2222-3333-444455556666", "nginx", docker: false),
        Kubelet.StartContainer("jobs", "worker-0", "5f0c1d2e-aaaa-bbbb-cccc-ddddeeeeffff", "worker", docker: true),
    ];

    /// <summary>Lines 0 to <paramref name="count"/> of each container, in bursts of 50 with a pause between, like a busy node.</summary>
    public static void WriteSteadily(FakeContainer[] containers, int count, int pauseMs)
    {
        for (int i = 0; i < count; i += 50)
        {
            foreach (var container in containers)
            {
                for (int n = i; n < i + 50; n++)
                {
                    container.Write(LogStream.Stdout, $"{container.Key.Container} line {n:D6} {new string((char)('a' + (n % 26)), 150)}");
                }
            }

            Thread.Sleep(pauseMs);
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteConfig(FakeLoki loki, int telemetryPort, PodLogsAgentOptions options)
    {
        // Retrying for ever keeps every record in the queue until Loki takes it.
        string queue = (options.PersistentQueue, options.QueueDirectory) switch
        {
            (_, not null) => "\n      max_elapsed_time: 0\n    sending_queue: {storage: file_storage/queue}",
            (true, null) => "\n      max_elapsed_time: 0\n    sending_queue: {storage: file_storage}",
            _ => string.Empty,
        };
        string queueExtension = options.QueueDirectory is { } directory ? $"\n  file_storage/queue: {{directory: {directory}}}" : string.Empty;
        string kubernetes = (options.KubernetesApi, options.KubeConfig) switch
        {
            ({ } api, null) => $"\n  k8sattributes:\n    auth_type: none\n    endpoint: {api}\n    extract:\n      labels: [{{key: app}}]",
            (_, { } file) => $"\n  k8sattributes:\n    auth_type: kubeConfig\n    kube_config_path: {file}\n    extract:\n      labels: [{{key: app}}]",
            _ => string.Empty,
        };
        return WriteFile("agent.yaml", $$"""
            receivers:
              filelog:
                include: ["{{Kubelet.PodsDirectory}}/*/*/*.log"]
                start_at: beginning
                storage: file_storage
                operators: [{type: container}]
                poll_interval: 50ms
                max_batches_in_flight: {{MaxBatchesInFlight}}
                max_batch_bytes: {{options.MaxBatchBytes}}
                retry_backoff: 100ms
            processors:{{kubernetes}}
              batch:
                timeout: 100ms
            exporters:
              loki:
                endpoint: {{options.Endpoint ?? loki.PushUri}}
                retry_on_failure:
                  initial_interval: 100ms
                  max_interval: 300ms{{queue}}
            extensions:
              file_storage:
                directory: {{Path.Combine(_root, "state")}}
                create_directory: true{{queueExtension}}
            service:
              extensions: [file_storage{{(options.QueueDirectory is null ? "" : ", file_storage/queue")}}]
              telemetry:
                metrics:
                  address: 127.0.0.1:{{telemetryPort}}
              pipelines:
                logs:
                  receivers: [filelog]
                  processors: [{{(options.KubernetesApi is null && options.KubeConfig is null ? "" : "k8sattributes, ")}}batch]
                  exporters: [loki]
            """);
    }
}

/// <summary>What a pod-logs-to-Loki agent's config adds to the plain tailer.</summary>
internal sealed record PodLogsAgentOptions
{
    public int MaxBatchBytes { get; init; } = 128 * 1024;

    /// <summary>The Loki exporter's queue on disk, in the checkpoints' <c>file_storage</c>.</summary>
    public bool PersistentQueue { get; init; }

    /// <summary>The Loki exporter's queue on disk in this directory of its own (<c>file_storage/queue</c>).</summary>
    public string? QueueDirectory { get; init; }

    /// <summary><c>k8sattributes</c> on this API (no auth), adding the pod label <c>app</c> (Loki's <c>app</c> label).</summary>
    public Uri? KubernetesApi { get; init; }

    /// <summary><c>k8sattributes</c> reaching the API through this kubeconfig file (<c>auth_type: kubeConfig</c>).</summary>
    public string? KubeConfig { get; init; }

    /// <summary>Where the Loki exporter pushes instead of the fake's own address (a proxy in front of it).</summary>
    public Uri? Endpoint { get; init; }
}
