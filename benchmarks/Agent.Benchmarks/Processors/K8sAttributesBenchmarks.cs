using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Kubernetes;
using Agent.Processors.K8sAttributes;
using BenchmarkDotNet.Attributes;
using k8s.Models;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Benchmarks.Processors;

/// <summary>
/// The <c>k8sattributes</c> processor on a node's worth of pods (110, the kubelet's default maximum): one logs
/// batch of 110 resource groups, each a pod log file's resource (namespace, pod, uid, container), enriched with the
/// default metadata plus one label rule. Figures are per resource group. The attributes it added are removed after
/// each call so every call does the full work (that removal is included). <see cref="BuildIndexOf1000Pods"/> is the
/// cost of turning 1,000 API pods into the cache's records and indexes.
/// </summary>
[MemoryDiagnoser]
public class K8sAttributesBenchmarks
{
    public const int PodsPerNode = 110;

    private IProcessor<LogsBatch> _processor = null!;
    private LogsBatch _batch = null!;
    private int[] _originalCounts = null!;
    private V1Pod[] _thousand = null!;

    [GlobalSetup]
    public void Setup()
    {
        var host = new BenchmarkHost();
        // No API: the cache's watch fails once against a closed port and waits an hour; the benchmark seeds it.
        var caches = host.GetOrAddShared(KubernetesMetadataCaches.SharedId, () => new KubernetesMetadataCaches(
            host, new WatchTiming(TimeProvider.System, TimeSpan.FromHours(1), TimeSpan.FromHours(1))));
        var options = new K8sAttributesProcessorOptions { AuthType = "none", Endpoint = "http://127.0.0.1:9" };
        options.Extract.Labels.Add(new K8sFieldExtractOptions { Key = "jupyterpool.datalayer.io/user-uid", TagName = "datalayer.pool.user" });
        _processor = new K8sAttributesProcessorFactory().CreateProcessor(new ComponentContext(new ComponentId("k8sattributes", "bench"), options, host), new NullConsumer());
        _processor.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var pods = Enumerable.Range(0, PodsPerNode).Select(ApiPods.Pod).ToArray();
        caches.Running[0].Seed(pods, pods.Select(ApiPods.ReplicaSetOf));

        var request = new ExportLogsServiceRequest();
        foreach (var pod in pods)
        {
            var resource = new Resource();
            Add(resource, "k8s.namespace.name", pod.Metadata.NamespaceProperty);
            Add(resource, "k8s.pod.name", pod.Metadata.Name);
            Add(resource, "k8s.pod.uid", pod.Metadata.Uid);
            Add(resource, "k8s.container.name", "app");
            request.ResourceLogs.Add(new ResourceLogs { Resource = resource, ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord() } } } });
        }

        _batch = new LogsBatch(request);
        _originalCounts = [.. request.ResourceLogs.Select(group => group.Resource.Attributes.Count)];
        _thousand = [.. Enumerable.Range(0, 1000).Select(ApiPods.Pod)];
    }

    [GlobalCleanup]
    public void Cleanup() => _processor.ShutdownAsync(CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = PodsPerNode)]
    public void EnrichOneBatchOf110Groups()
    {
        // Synchronous all the way to the null consumer: the task is complete when it returns.
        var done = _processor.ConsumeAsync(_batch, CancellationToken.None);
        if (!done.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("the processor was expected to complete synchronously");
        }

        var groups = _batch.Data.ResourceLogs;
        for (int i = 0; i < groups.Count; i++)
        {
            var attributes = groups[i].Resource.Attributes;
            while (attributes.Count > _originalCounts[i])
            {
                attributes.RemoveAt(attributes.Count - 1);
            }
        }
    }

    [Benchmark]
    public int BuildIndexOf1000Pods() => ApiPods.Index(_thousand).Count;

    private static void Add(Resource resource, string key, string value) =>
        resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });

    private sealed class NullConsumer : IConsumer<LogsBatch>
    {
        public bool MutatesData => false;

        public ValueTask ConsumeAsync(LogsBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
