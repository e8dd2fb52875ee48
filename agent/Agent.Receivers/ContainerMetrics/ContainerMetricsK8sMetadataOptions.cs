using Agent.Core.Config;
using Agent.Kubernetes;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// <c>k8s_metadata</c>: names, namespaces and images from the Kubernetes API instead of the kubelet's log
/// directories. The keys are the k8sattributes processor's (<c>auth_type</c>, <c>endpoint</c>,
/// <c>kube_config_path</c>, <c>filter.node_from_env_var</c> written flat as <c>node_from_env_var</c>), and the cache
/// settings are those the processor makes of the same values, so both share one watch of the node's pods.
/// </summary>
public sealed class ContainerMetricsK8sMetadataOptions : IValidatable
{
    public static readonly IReadOnlyList<string> AuthTypes = ["serviceAccount", "kubeConfig", "none"];

    public bool Enabled { get; set; }

    /// <summary><c>serviceAccount</c> (in the cluster), <c>kubeConfig</c> or <c>none</c> (a plain URL in <see cref="Endpoint"/>).</summary>
    public string AuthType { get; set; } = "serviceAccount";

    public string? Endpoint { get; set; }

    public string? KubeConfigPath { get; set; }

    /// <summary>The environment variable holding this node's name (the downward API's <c>spec.nodeName</c>): watch only its pods.</summary>
    public string? NodeFromEnvVar { get; set; }

    /// <summary>The node's name written directly (used when <see cref="NodeFromEnvVar"/> is not set).</summary>
    public string? Node { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!AuthTypes.Contains(AuthType))
        {
            yield return ("auth_type", $"unknown \"{AuthType}\": must be one of {string.Join(", ", AuthTypes)}");
        }

        if (Enabled && AuthType == "none" && !Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
        {
            yield return ("endpoint", "auth_type none needs the API's absolute URL");
        }
    }

    /// <summary>The cache's settings; throws when <c>node_from_env_var</c> names an unset variable (a start-up error).</summary>
    internal KubernetesMetadataSettings ToSettings()
    {
        string? node = Node;
        if (!string.IsNullOrEmpty(NodeFromEnvVar))
        {
            node = Environment.GetEnvironmentVariable(NodeFromEnvVar);
            if (string.IsNullOrEmpty(node))
            {
                throw new InvalidOperationException(
                    $"k8s_metadata.node_from_env_var names {NodeFromEnvVar}, which is not set: set it from the downward API (fieldRef spec.nodeName)");
            }
        }

        var auth = AuthType switch
        {
            "kubeConfig" => KubernetesAuthType.KubeConfig,
            "none" => KubernetesAuthType.None,
            _ => KubernetesAuthType.ServiceAccount,
        };

        // ReplicaSets and the deletion grace as the k8sattributes processor asks for them by default, so the
        // DaemonSet's processor and this receiver hold one cache, not two watches of the same pods.
        return new KubernetesMetadataSettings(
            auth,
            Endpoint,
            string.IsNullOrEmpty(KubeConfigPath) ? null : KubeConfigPath,
            string.IsNullOrEmpty(node) ? null : node,
            WatchReplicaSets: true,
            PodDeletionGrace: KubernetesMetadataSettings.DefaultPodDeletionGrace);
    }
}
