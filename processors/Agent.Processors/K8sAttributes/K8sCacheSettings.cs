using Agent.Kubernetes;

namespace Agent.Processors.K8sAttributes;

/// <summary>Turns the processor's options into the shared cache's settings: what to watch and how to reach the API.</summary>
internal static class K8sCacheSettings
{
    public static KubernetesMetadataSettings From(K8sAttributesProcessorOptions options, MetadataExtraction extraction)
    {
        var filter = options.Filter;
        string? node = filter.Node;
        if (!string.IsNullOrEmpty(filter.NodeFromEnvVar))
        {
            node = Environment.GetEnvironmentVariable(filter.NodeFromEnvVar);
            if (string.IsNullOrEmpty(node))
            {
                throw new InvalidOperationException(
                    $"filter.node_from_env_var names {filter.NodeFromEnvVar}, which is not set: set it from the downward API (fieldRef spec.nodeName)");
            }
        }

        return new KubernetesMetadataSettings(
            options.AuthType switch
            {
                "kubeConfig" => KubernetesAuthType.KubeConfig,
                "none" => KubernetesAuthType.None,
                _ => KubernetesAuthType.ServiceAccount,
            },
            options.Endpoint,
            string.IsNullOrEmpty(options.KubeConfigPath) ? null : options.KubeConfigPath,
            string.IsNullOrEmpty(node) ? null : node,
            string.IsNullOrEmpty(filter.Namespace) ? null : filter.Namespace,
            Selector(filter.Labels),
            Selector(filter.Fields),
            WatchReplicaSets: extraction.NeedsReplicaSets,
            WatchNamespaces: extraction.NeedsNamespaces,
            WatchNodes: extraction.NeedsNodes,
            PodDeletionGrace: options.PodDeletionGrace);
    }

    private static string? Selector(List<K8sSelectorTerm> terms) =>
        terms.Count == 0 ? null : string.Join(',', terms.Select(term => term.ToSelector()));
}
