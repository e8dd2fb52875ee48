using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Kubernetes;
using Agent.Processors.K8sAttributes;
using Agent.Telemetry;
using Agent.Tests.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OtlpResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace Agent.Tests.Processors.K8sAttributes;

/// <summary>
/// The Kubernetes API stand-in plus a component host of its own (its own metrics registry, since the cache's
/// metrics carry no per-test label), whose shared cache registry reconnects fast; processors built on it talk to
/// the stand-in through the real KubernetesClient.
/// </summary>
internal sealed class K8sTestCluster : IComponentHost, IAsyncDisposable
{
    private readonly SharedComponents _shared = new();
    private readonly List<IProcessor<LogsBatch>> _started = [];
    private readonly PrometheusTelemetryRegistry _registry = new(withProcessMetrics: false);

    private K8sTestCluster(FakeKubernetesApi api)
    {
        Api = api;
        Caches = GetOrAddShared(KubernetesMetadataCaches.SharedId, () => new KubernetesMetadataCaches(
            this, new WatchTiming(TimeProvider.System, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400))));
    }

    public FakeKubernetesApi Api { get; }

    public KubernetesMetadataCaches Caches { get; }

    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public ITelemetryRegistry Telemetry => _registry;

    public IAgentStatus Status { get; } = new TestHost().Status;

    public string DefaultDataDirectory => Path.GetTempPath();

    public static async Task<K8sTestCluster> StartAsync() => new(await FakeKubernetesApi.StartAsync());

    public T GetOrAddShared<T>(ComponentId id, Func<T> create)
        where T : class => _shared.GetOrAdd(id, create);

    public T? GetExtension<T>(ComponentId id)
        where T : class => null;

    /// <summary>A metric of this cluster's registry (0 when never written).</summary>
    public double Metric(string name, params (string Name, string Value)[] labels) => SelfMetrics.Value(_registry, name, labels);

    public double Failures(string resource, string reason) =>
        Metric("agent_k8s_watch_failures_total", ("resource", resource), ("reason", reason));

    /// <summary>Options reaching the stand-in without credentials (<c>auth_type: none</c>).</summary>
    public K8sAttributesProcessorOptions Options(Action<K8sAttributesProcessorOptions>? configure = null)
    {
        var options = new K8sAttributesProcessorOptions { AuthType = "none", Endpoint = Api.BaseUri.ToString() };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A started logs processor in front of <paramref name="next"/>; shut down with the cluster.</summary>
    public async Task<IProcessor<LogsBatch>> StartLogsProcessorAsync(K8sAttributesProcessorOptions options, RecordingConsumer<LogsBatch> next, string name = "test")
    {
        var processor = new K8sAttributesProcessorFactory().CreateProcessor(new ComponentContext(new ComponentId("k8sattributes", name), options, this), next);
        await processor.StartAsync(CancellationToken.None);
        _started.Add(processor);
        return processor;
    }

    /// <summary>Runs one logs batch of one group with these attributes through the processor; returns the resource as it came out.</summary>
    public static async Task<OtlpResource> EnrichAsync(IProcessor<LogsBatch> processor, RecordingConsumer<LogsBatch> sink, params (string Key, string Value)[] attributes)
    {
        var batch = Core.Model.TestBatches.Logs(("svc", 1));
        var resource = batch.Data.ResourceLogs[0].Resource;
        foreach (var (key, value) in attributes)
        {
            resource.Attributes.Add(new OpenTelemetry.Proto.Common.V1.KeyValue { Key = key, Value = new OpenTelemetry.Proto.Common.V1.AnyValue { StringValue = value } });
        }

        int before = sink.Received.Count;
        await processor.ConsumeAsync(batch, CancellationToken.None);
        return sink.Received[before].Data.ResourceLogs[0].Resource;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var processor in _started)
        {
            await processor.ShutdownAsync(CancellationToken.None);
        }

        await Api.DisposeAsync();
    }
}
