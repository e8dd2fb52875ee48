using Agent.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>
/// Targets from one <c>kubernetes_sd_configs</c> entry: the role's resources are listed and watched (one watch per
/// namespace, or one for all) with the shared <see cref="ResourceWatch{T, TList}"/>, and every change reports all of
/// the source's groups again, so a target that appeared starts, one whose relabelled labels changed restarts and one
/// that vanished stops, through the same path as a reload of static targets.
/// </summary>
public sealed class KubernetesTargetSource : ITargetSource
{
    /// <summary>Where Kubernetes mounts the pod's namespace with its service account token.</summary>
    private const string OwnNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>A watch asks the server to end the stream after a few minutes, so a silently dead connection is noticed.</summary>
    private const int WatchSeconds = 300;

    private readonly KubernetesSdConfig _config;
    private readonly string _ownNamespaceFile;
    private readonly IWatchTelemetry _telemetry;
    private readonly WatchTiming _timing;
    private readonly ILogger _logger;
    private readonly Lock _publishing = new();
    private readonly List<ObjectStore<V1Pod>> _pods = [];
    private readonly List<ObjectStore<V1Service>> _services = [];
    private readonly List<ObjectStore<V1Endpoints>> _endpoints = [];
    private readonly List<ObjectStore<V1Node>> _nodes = [];
    private Action<IReadOnlyList<TargetGroup>>? _update;

    internal KubernetesTargetSource(KubernetesSdConfig config, IWatchTelemetry telemetry, ILogger logger, WatchTiming? timing = null, string ownNamespaceFile = OwnNamespaceFile)
    {
        _config = config;
        _telemetry = telemetry;
        _logger = logger;
        _timing = timing ?? WatchTiming.Default;
        _ownNamespaceFile = ownNamespaceFile;
    }

    /// <summary>
    /// Connects and starts the watches. Throws at once, as the receiver starts, when the API cannot be configured
    /// (no service account, no kubeconfig, no namespace file), as k8sattributes does; after that the watches retry.
    /// </summary>
    public Task RunAsync(Action<IReadOnlyList<TargetGroup>> update, CancellationToken cancellationToken)
    {
        var connection = _config switch
        {
            { ApiServer: { } url } => KubernetesConnection.Configure(KubernetesAuthType.None, url, null),
            { KubeconfigFile: { } file } => KubernetesConnection.Configure(KubernetesAuthType.KubeConfig, null, file),
            _ => KubernetesConnection.Configure(KubernetesAuthType.ServiceAccount, null, null),
        };
        var names = new List<string>(_config.Namespaces.Names);
        if (_config.Namespaces.OwnNamespace)
        {
            names.Add(File.ReadAllText(_ownNamespaceFile).Trim());
        }

        IReadOnlyList<string?> namespaces = names.Count == 0 ? [null] : [.. names.Distinct(StringComparer.Ordinal)];
        _update = update;
        return WatchAsync(KubernetesConnection.Connect(connection), namespaces, cancellationToken);
    }

    private async Task WatchAsync(IKubernetes client, IReadOnlyList<string?> namespaces, CancellationToken cancellationToken)
    {
        using (client)
        {
            var watches = new List<Func<CancellationToken, Task>>();
            foreach (string resource in KubernetesSdConfig.ResourcesOf(_config.Role))
            {
                var selector = _config.SelectorFor(resource);
                foreach (string? ns in resource == "node" ? [null] : namespaces)
                {
                    watches.Add(Watch(client, resource, ns, selector?.Label, selector?.Field));
                }
            }

            await Task.WhenAll(watches.Select(run => Task.Run(() => run(cancellationToken), CancellationToken.None))).ConfigureAwait(false);
        }
    }

    private Func<CancellationToken, Task> Watch(IKubernetes client, string resource, string? ns, string? label, string? field)
    {
        var api = client.CoreV1;
        switch (resource)
        {
            case "pod":
                var pods = Store(_pods);
                return Run<V1Pod, V1PodList>(
                    "pods",
                    ct => ns is null
                        ? api.ListPodForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct)
                        : api.ListNamespacedPodAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                    (version, onError, ct) => ns is null
                        ? api.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct)
                        : api.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
                    pods);
            case "service":
                var services = Store(_services);
                return Run<V1Service, V1ServiceList>(
                    "services",
                    ct => ns is null
                        ? api.ListServiceForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct)
                        : api.ListNamespacedServiceAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                    (version, onError, ct) => ns is null
                        ? api.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct)
                        : api.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
                    services);
            case "endpoints":
                var endpoints = Store(_endpoints);
                return Run<V1Endpoints, V1EndpointsList>(
                    "endpoints",
                    ct => ns is null
                        ? api.ListEndpointsForAllNamespacesAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct)
                        : api.ListNamespacedEndpointsAsync(ns, fieldSelector: field, labelSelector: label, cancellationToken: ct),
                    (version, onError, ct) => ns is null
                        ? api.WatchListEndpointsForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct)
                        : api.WatchListNamespacedEndpointsAsync(ns, allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
                    endpoints);
            default:
                var nodes = Store(_nodes);
                return Run<V1Node, V1NodeList>(
                    "nodes",
                    ct => api.ListNodeAsync(fieldSelector: field, labelSelector: label, cancellationToken: ct),
                    (version, onError, ct) => api.WatchListNodeAsync(allowWatchBookmarks: true, fieldSelector: field, labelSelector: label, resourceVersion: version, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct),
                    nodes);
        }
    }

    private Func<CancellationToken, Task> Run<T, TList>(
        string resource,
        Func<CancellationToken, Task<TList>> list,
        ResourceWatch<T, TList>.Watch watch,
        IWatchSink<T> sink)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T> =>
        new ResourceWatch<T, TList>(resource, list, watch, sink, _timing, _telemetry, _logger).RunAsync;

    private ObjectStore<T> Store<T>(List<ObjectStore<T>> stores)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var store = new ObjectStore<T>(Publish);
        lock (_publishing)
        {
            stores.Add(store);
        }

        return store;
    }

    /// <summary>Rebuilds every group of the role from what the watches hold and reports them, one change at a time.</summary>
    private void Publish()
    {
        lock (_publishing)
        {
            _update?.Invoke(Groups());
        }
    }

    private List<TargetGroup> Groups() => _config.Role switch
    {
        "pod" => [.. _pods.SelectMany(store => store.Items).Select(PodTargets.Group)],
        "service" => [.. _services.SelectMany(store => store.Items).Select(ServiceTargets.Group)],
        "node" => [.. _nodes.SelectMany(store => store.Items).Select(NodeTargets.Group)],
        _ => [.. _endpoints.SelectMany(store => store.Items).Select(e => EndpointsTargets.Group(e, Find(_services), Find(_pods)))],
    };

    private static Func<string, string, T?> Find<T>(List<ObjectStore<T>> stores)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        (ns, name) => stores.Select(store => store.Find(ns, name)).FirstOrDefault(found => found is not null);
}
