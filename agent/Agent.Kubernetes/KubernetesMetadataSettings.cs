namespace Agent.Kubernetes;

/// <summary>How the agent reaches the Kubernetes API.</summary>
public enum KubernetesAuthType
{
    /// <summary>The pod's service account: the in-cluster host, token and CA.</summary>
    ServiceAccount,

    /// <summary>A kubeconfig file (its current context).</summary>
    KubeConfig,

    /// <summary>A plain URL without credentials (a local proxy such as <c>kubectl proxy</c>, or a test stand-in).</summary>
    None,
}

/// <summary>
/// What one metadata cache watches. Two components asking with equal settings share one cache (a value record, so
/// it is the key of <see cref="KubernetesMetadataCaches"/>); different settings get caches of their own.
/// </summary>
/// <param name="AuthType">How to reach the API.</param>
/// <param name="Endpoint">The API's URL for <see cref="KubernetesAuthType.None"/>.</param>
/// <param name="KubeConfigPath">The kubeconfig for <see cref="KubernetesAuthType.KubeConfig"/>; null for the default location.</param>
/// <param name="NodeName">Watch only the pods of this node (agent mode); null for all pods (gateway mode).</param>
/// <param name="Namespace">Watch only the pods of this namespace; null for all.</param>
/// <param name="LabelSelector">The API's label selector for pods; null for none.</param>
/// <param name="FieldSelector">Extra field selector terms for pods, joined with the node's; null for none.</param>
/// <param name="WatchNamespaces">Also watch namespaces (their labels, annotations or the cluster uid are extracted).</param>
/// <param name="WatchReplicaSets">Also watch ReplicaSets (only their owner), to name pods' Deployments.</param>
/// <param name="WatchNodes">Also watch nodes (their labels or annotations are extracted).</param>
/// <param name="PodDeletionGrace">How long a deleted pod's metadata is kept: its last logs are read after it is gone.</param>
public sealed record KubernetesMetadataSettings(
    KubernetesAuthType AuthType,
    string? Endpoint = null,
    string? KubeConfigPath = null,
    string? NodeName = null,
    string? Namespace = null,
    string? LabelSelector = null,
    string? FieldSelector = null,
    bool WatchReplicaSets = true,
    bool WatchNamespaces = false,
    bool WatchNodes = false,
    TimeSpan PodDeletionGrace = default)
{
    public static readonly TimeSpan DefaultPodDeletionGrace = TimeSpan.FromMinutes(2);

    /// <summary>The pods' field selector: the node's term and the configured ones.</summary>
    public string? PodFieldSelector
    {
        get
        {
            string? node = NodeName is null ? null : $"spec.nodeName={NodeName}";
            return (node, FieldSelector) switch
            {
                (null, null) => null,
                (_, null) => node,
                (null, _) => FieldSelector,
                _ => $"{node},{FieldSelector}",
            };
        }
    }

    public TimeSpan EffectivePodDeletionGrace => PodDeletionGrace == default ? DefaultPodDeletionGrace : PodDeletionGrace;
}
