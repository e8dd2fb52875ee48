using Agent.Core.Config;

namespace Agent.Processors.K8sAttributes;

/// <summary>The Collector's <c>k8sattributes</c> processor options.</summary>
public sealed class K8sAttributesProcessorOptions : IValidatable
{
    public static readonly IReadOnlyList<string> AuthTypes = ["serviceAccount", "kubeConfig", "none"];

    /// <summary><c>serviceAccount</c> (in the cluster), <c>kubeConfig</c> or <c>none</c> (a plain URL in <see cref="Endpoint"/>).</summary>
    public string AuthType { get; set; } = "serviceAccount";

    /// <summary>The API's URL for <c>auth_type: none</c> (a local proxy).</summary>
    public string? Endpoint { get; set; }

    /// <summary>The kubeconfig for <c>auth_type: kubeConfig</c>; empty for <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? KubeConfigPath { get; set; }

    /// <summary>Add only <c>k8s.pod.ip</c> from the connection and watch nothing (an agent in front of a gateway that enriches).</summary>
    public bool Passthrough { get; set; }

    public K8sAttributesFilterOptions Filter { get; set; } = new();

    public K8sAttributesExtractOptions Extract { get; set; } = new();

    /// <summary>How a resource is matched to a pod, tried in order; empty for the default order.</summary>
    public List<PodAssociationRuleOptions> PodAssociation { get; set; } = [];

    /// <summary>Start only once the pods (and the other watched resources) have been listed.</summary>
    public bool WaitForMetadata { get; set; }

    public TimeSpan WaitForMetadataTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a deleted pod's metadata is kept, for its logs read after it is gone.</summary>
    public TimeSpan PodDeletionGrace { get; set; } = TimeSpan.FromMinutes(2);

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!AuthTypes.Contains(AuthType))
        {
            yield return ("auth_type", $"unknown \"{AuthType}\": must be one of {string.Join(", ", AuthTypes)}");
        }

        if (AuthType == "none" && !Passthrough && !Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
        {
            yield return ("endpoint", "auth_type none needs the API's URL, such as http://127.0.0.1:8001");
        }

        if (WaitForMetadataTimeout <= TimeSpan.Zero)
        {
            yield return ("wait_for_metadata_timeout", "must be positive");
        }

        if (PodDeletionGrace < TimeSpan.Zero)
        {
            yield return ("pod_deletion_grace", "must not be negative");
        }

        for (int i = 0; i < PodAssociation.Count; i++)
        {
            if (PodAssociationRules.Problem(PodAssociation[i]) is { } problem)
            {
                yield return ($"pod_association[{i}]", problem);
            }
        }
    }
}
