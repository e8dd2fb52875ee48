using Agent.Core.Telemetry;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Agent.Kubernetes;

/// <summary>
/// Pods (with their Deployment through the ReplicaSets), namespaces and nodes, kept current by list-and-watch.
/// Lookups never wait and never call the API: a pipeline asking about a pod the cache does not (yet) know gets
/// nothing and carries on. Obtain it through <see cref="KubernetesMetadataCaches"/>, which makes one per settings
/// for the whole process.
/// </summary>
public sealed class KubernetesMetadataCache : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly PodIndex _pods;
    private readonly ReplicaSetSink _replicaSets = new();
    private readonly ObjectSink<V1Namespace> _namespaces = new();
    private readonly ObjectSink<V1Node> _nodes = new();
    private readonly List<(string Resource, Func<CancellationToken, Task> Run, Task Synced)> _watches = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly WatchTiming _timing;
    private readonly TimeSpan _sweepPeriod;
    private ITimer? _sweeper;
    private Task _running = Task.CompletedTask;

    internal KubernetesMetadataCache(KubernetesMetadataSettings settings, IKubernetes client, ITelemetryRegistry registry, ILogger logger, WatchTiming timing)
    {
        Settings = settings;
        _client = client;
        _timing = timing;
        var grace = settings.EffectivePodDeletionGrace;
        _sweepPeriod = TimeSpan.FromTicks(Math.Max(grace.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks));
        _pods = new PodIndex(timing.Time, grace);
        var telemetry = new KubernetesCacheTelemetry(registry);

        Add(new ResourceWatch<V1Pod, V1PodList>("pods", ListPods, WatchPods, new PodSink(_pods, telemetry), timing, telemetry, logger));
        if (settings.WatchReplicaSets)
        {
            Add(new ResourceWatch<V1ReplicaSet, V1ReplicaSetList>(
                "replicasets",
                ct => client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: ct),
                (version, onError, ct) => client.AppsV1.WatchListReplicaSetForAllNamespacesAsync(
                    allowWatchBookmarks: true, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
                _replicaSets,
                timing,
                telemetry,
                logger));
        }

        if (settings.WatchNamespaces)
        {
            Add(new ResourceWatch<V1Namespace, V1NamespaceList>(
                "namespaces",
                ct => client.CoreV1.ListNamespaceAsync(cancellationToken: ct),
                (version, onError, ct) => client.CoreV1.WatchListNamespaceAsync(
                    allowWatchBookmarks: true, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
                _namespaces,
                timing,
                telemetry,
                logger));
        }

        if (settings.WatchNodes)
        {
            string? node = settings.NodeName is null ? null : $"metadata.name={settings.NodeName}";
            Add(new ResourceWatch<V1Node, V1NodeList>(
                "nodes",
                ct => client.CoreV1.ListNodeAsync(fieldSelector: node, cancellationToken: ct),
                (version, onError, ct) => client.CoreV1.WatchListNodeAsync(
                    allowWatchBookmarks: true, fieldSelector: node, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
                _nodes,
                timing,
                telemetry,
                logger));
        }

        void Add<T, TList>(ResourceWatch<T, TList> watch)
            where T : IKubernetesObject<V1ObjectMeta>
            where TList : IKubernetesObject<V1ListMeta>, IItems<T> =>
            _watches.Add((watch.Resource, watch.RunAsync, watch.Synced));
    }

    public KubernetesMetadataSettings Settings { get; }

    /// <summary>True once every watched resource has been listed once.</summary>
    public bool IsSynced => _watches.TrueForAll(watch => watch.Synced.IsCompletedSuccessfully);

    /// <summary>Every cached pod, the deleted ones in their grace period included (for discovery).</summary>
    public IEnumerable<PodMetadata> Pods => _pods.All;

    /// <summary>Pods marked deleted and not yet forgotten.</summary>
    public int DeletedPodCount => _pods.DeletedCount;

    /// <summary>The uid of the <c>kube-system</c> namespace, which names the cluster (as the Collector's <c>k8s.cluster.uid</c>); needs namespaces watched.</summary>
    public string? ClusterUid => _namespaces.Named("kube-system")?.Uid;

    public PodMetadata? PodByUid(string uid) => _pods.ByUid(uid);

    public PodMetadata? PodByIp(string ip) => _pods.ByIp(ip);

    public PodMetadata? PodByName(string ns, string name) => _pods.ByName(ns, name);

    public PodMetadata? PodByContainerId(string containerId) => _pods.ByContainerId(containerId);

    public ObjectMetadata? Namespace(string name) => _namespaces.Named(name);

    public ObjectMetadata? Node(string name) => _nodes.Named(name);

    /// <summary>The Deployment that owns the pod's ReplicaSet, when ReplicaSets are watched and it has one.</summary>
    public string? DeploymentOf(PodMetadata pod) =>
        pod.Owner is { Kind: "ReplicaSet", Uid: { } uid } && _replicaSets.OwnerOf(uid) is { Kind: "Deployment" } deployment ? deployment.Name : null;

    /// <summary>Waits until every watched resource has been listed once (or the token ends the wait).</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_watches.Select(watch => watch.Synced)).WaitAsync(cancellationToken);

    /// <summary>Puts objects straight into the cache, as watch events would (benchmarks fill a cache without an API).</summary>
    internal void Seed(IEnumerable<V1Pod> pods, IEnumerable<V1ReplicaSet> replicaSets)
    {
        foreach (var pod in pods)
        {
            if (MetadataConversion.ToPod(pod) is { } record)
            {
                _pods.Upsert(record);
            }
        }

        foreach (var replicaSet in replicaSets)
        {
            _replicaSets.Upsert(replicaSet);
        }
    }

    /// <summary>Starts the watches in the background; nothing here waits for the API.</summary>
    internal void Start()
    {
        _running = Task.WhenAll(_watches.Select(watch => Task.Run(() => watch.Run(_stop.Token))));
        _sweeper = _timing.Time.CreateTimer(_ => _pods.Sweep(), null, _sweepPeriod, _sweepPeriod);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        await _running.ConfigureAwait(false);
        _client.Dispose();
        _stop.Dispose();
    }

    /// <summary>A watch asks the server to end the stream after a few minutes, so a silently dead connection is noticed.</summary>
    private const int WatchSeconds = 300;

    private Task<V1PodList> ListPods(CancellationToken cancellationToken)
    {
        var settings = Settings;
        return settings.Namespace is null
            ? _client.CoreV1.ListPodForAllNamespacesAsync(
                fieldSelector: settings.PodFieldSelector, labelSelector: settings.LabelSelector, cancellationToken: cancellationToken)
            : _client.CoreV1.ListNamespacedPodAsync(
                settings.Namespace, fieldSelector: settings.PodFieldSelector, labelSelector: settings.LabelSelector, cancellationToken: cancellationToken);
    }

    private IAsyncEnumerable<(WatchEventType, V1Pod)> WatchPods(string version, Action<Exception> onError, CancellationToken cancellationToken)
    {
        var settings = Settings;
        return settings.Namespace is null
            ? _client.CoreV1.WatchListPodForAllNamespacesAsync(
                allowWatchBookmarks: true, fieldSelector: settings.PodFieldSelector, labelSelector: settings.LabelSelector,
                resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: cancellationToken)
            : _client.CoreV1.WatchListNamespacedPodAsync(
                settings.Namespace, allowWatchBookmarks: true, fieldSelector: settings.PodFieldSelector, labelSelector: settings.LabelSelector,
                resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: cancellationToken);
    }
}
