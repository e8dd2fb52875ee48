using Agent.Kubernetes;
using k8s.Models;

namespace Agent.Benchmarks.Processors;

/// <summary>
/// Pods as the API returns them for a typical Deployment: six labels, three annotations, two containers with
/// statuses, a ReplicaSet owner. Also the probe behind <c>k8s-cache-memory</c>: bytes retained per 1,000 cached pods.
/// </summary>
internal static class ApiPods
{
    public static V1Pod Pod(int i) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"checkout-7d9f8c6b5-{i:x5}",
            NamespaceProperty = $"team-{i % 12}",
            Uid = Guid.NewGuid().ToString(),
            Labels = new Dictionary<string, string>
            {
                ["app.kubernetes.io/name"] = "checkout",
                ["app.kubernetes.io/instance"] = "checkout-prod",
                ["app.kubernetes.io/version"] = "1.4.2",
                ["app.kubernetes.io/part-of"] = "shop",
                ["pod-template-hash"] = "7d9f8c6b5",
                ["jupyterpool.datalayer.io/user-uid"] = $"user-{i}",
            },
            Annotations = new Dictionary<string, string>
            {
                ["kubectl.kubernetes.io/restartedAt"] = "2026-11-30T08:00:00Z",
                ["prometheus.io/scrape"] = "true",
                ["prometheus.io/port"] = "9102",
            },
            OwnerReferences = [Owner("ReplicaSet", $"checkout-7d9f8c6b5-{i % 12}", $"rs-{i % 12}")],
        },
        Spec = new V1PodSpec
        {
            NodeName = "node-a",
            Containers = [new V1Container { Name = "app", Image = "registry.example:5000/shop/checkout:1.4.2" }, new V1Container { Name = "proxy", Image = "envoyproxy/envoy:v1.31.0" }],
        },
        Status = new V1PodStatus
        {
            PodIP = $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}",
            StartTime = new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc),
            ContainerStatuses =
            [
                new V1ContainerStatus { Name = "app", ContainerID = $"containerd://{i:x64}", Image = "checkout", ImageID = "sha", Ready = true },
                new V1ContainerStatus { Name = "proxy", ContainerID = $"containerd://{i + 1_000_000:x64}", Image = "envoy", ImageID = "sha", Ready = true },
            ],
        },
    };

    public static V1ReplicaSet ReplicaSetOf(V1Pod pod) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = pod.Metadata.OwnerReferences[0].Name,
            Uid = pod.Metadata.OwnerReferences[0].Uid,
            OwnerReferences = [Owner("Deployment", "checkout", "dep-1")],
        },
    };

    private static V1OwnerReference Owner(string kind, string name, string uid) =>
        new() { ApiVersion = "apps/v1", Kind = kind, Name = name, Uid = uid, Controller = true };

    /// <summary>The cache's pod records and indexes for these pods.</summary>
    public static PodIndex Index(IEnumerable<V1Pod> pods)
    {
        var index = new PodIndex(TimeProvider.System, KubernetesMetadataSettings.DefaultPodDeletionGrace);
        foreach (var pod in pods)
        {
            index.Upsert(MetadataConversion.ToPod(pod)!);
        }

        return index;
    }

    /// <summary>
    /// Bytes still held once the index of 1,000 pods is built and the API's objects are gone: what the cache keeps
    /// (the records, the strings they share with nothing else, the four indexes).
    /// </summary>
    public static long RetainedBytesPer1000Pods()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var index = Index(Enumerable.Range(0, 1000).Select(Pod));
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(index);
        return after - before;
    }
}
