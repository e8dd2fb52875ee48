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

/// <summary>Which pods are watched.</summary>
public sealed class K8sAttributesFilterOptions : IValidatable
{
    /// <summary>The environment variable holding this node's name (set from <c>spec.nodeName</c> by the downward API): watch only its pods.</summary>
    public string? NodeFromEnvVar { get; set; }

    /// <summary>The node's name written directly (used when <see cref="NodeFromEnvVar"/> is not set).</summary>
    public string? Node { get; set; }

    /// <summary>Watch only the pods of this namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>Label conditions pods must meet (the API's label selector).</summary>
    public List<K8sSelectorTerm> Labels { get; set; } = [];

    /// <summary>Field conditions pods must meet (the API's field selector).</summary>
    public List<K8sSelectorTerm> Fields { get; set; } = [];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var (list, name, ops) in new[] { (Labels, "labels", K8sSelectorTerm.LabelOps), (Fields, "fields", K8sSelectorTerm.FieldOps) })
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrEmpty(list[i].Key))
                {
                    yield return ($"{name}[{i}].key", "is required");
                }

                if (!ops.Contains(list[i].Op))
                {
                    yield return ($"{name}[{i}].op", $"unknown \"{list[i].Op}\": must be one of {string.Join(", ", ops)}");
                }
            }
        }
    }
}

/// <summary>One condition of a label or field selector.</summary>
public sealed class K8sSelectorTerm
{
    public static readonly IReadOnlyList<string> FieldOps = ["equals", "not-equals"];

    public static readonly IReadOnlyList<string> LabelOps = ["equals", "not-equals", "exists", "does-not-exist"];

    public string? Key { get; set; }

    public string Value { get; set; } = string.Empty;

    public string Op { get; set; } = "equals";

    /// <summary>The term in the API's selector syntax.</summary>
    public string ToSelector() => Op switch
    {
        "not-equals" => $"{Key}!={Value}",
        "exists" => Key!,
        "does-not-exist" => $"!{Key}",
        _ => $"{Key}={Value}",
    };
}

/// <summary>What is added to each resource.</summary>
public sealed class K8sAttributesExtractOptions : IValidatable
{
    /// <summary>The Collector's default metadata.</summary>
    public static readonly IReadOnlyList<string> DefaultMetadata =
        ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.pod.start_time", "k8s.deployment.name", "k8s.node.name"];

    public List<string> Metadata { get; set; } = [.. DefaultMetadata];

    public List<K8sFieldExtractOptions> Labels { get; set; } = [];

    public List<K8sFieldExtractOptions> Annotations { get; set; } = [];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        for (int i = 0; i < Metadata.Count; i++)
        {
            if (!MetadataKeys.Supported.Contains(Metadata[i]))
            {
                yield return ($"metadata[{i}]", $"unknown \"{Metadata[i]}\": must be one of {string.Join(", ", MetadataKeys.Supported)}");
            }
        }
    }
}

/// <summary>One label or annotation rule: a key (or a pattern over keys) copied to a resource attribute.</summary>
public sealed class K8sFieldExtractOptions : IValidatable
{
    public static readonly IReadOnlyList<string> Sources = ["pod", "namespace", "node"];

    /// <summary>The attribute's name; with <see cref="KeyRegex"/> it may use <c>$1</c>… for the pattern's groups. Empty for <c>k8s.&lt;from&gt;.labels.&lt;key&gt;</c>.</summary>
    public string? TagName { get; set; }

    public string? Key { get; set; }

    public ConfigRegex? KeyRegex { get; set; }

    /// <summary><c>pod</c>, <c>namespace</c> or <c>node</c>.</summary>
    public string From { get; set; } = "pod";

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Key) == (KeyRegex is null))
        {
            yield return ("key", "give exactly one of key and key_regex");
        }

        if (!Sources.Contains(From))
        {
            yield return ("from", $"unknown \"{From}\": must be one of {string.Join(", ", Sources)}");
        }
    }
}

/// <summary>One association rule: all its sources together name a pod.</summary>
public sealed class PodAssociationRuleOptions
{
    public List<PodAssociationSourceOptions> Sources { get; set; } = [];
}

/// <summary><c>from: connection</c> (the client's address) or <c>from: resource_attribute</c> with the attribute's <c>name</c>.</summary>
public sealed class PodAssociationSourceOptions
{
    public string From { get; set; } = string.Empty;

    public string? Name { get; set; }
}
