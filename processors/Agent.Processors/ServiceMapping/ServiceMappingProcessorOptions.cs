using Agent.Core.Config;
using Agent.Core.Model;

namespace Agent.Processors.ServiceMapping;

/// <summary>
/// The <c>servicemapping</c> processor: the service identity (<c>service.namespace</c>, <c>service.name</c>,
/// <c>service.instance.id</c>) and the normalised labels (<c>namespace</c>, <c>pod</c>, <c>container</c>, <c>app</c>,
/// <c>cluster</c>, <c>node</c>, <c>job</c>, <c>instance</c>) derived from the Kubernetes resource attributes, whatever
/// set them.
/// </summary>
public sealed class ServiceMappingProcessorOptions : IValidatable
{
    /// <summary>The <c>cluster</c> label; empty = the <c>from.cluster_name</c> attribute when a resource has one.</summary>
    public string Cluster { get; set; } = string.Empty;

    /// <summary>How <c>job</c> is formed: <c>service.namespace/service.name</c> or plain <c>service.namespace</c>.</summary>
    public JobFormat JobFormat { get; set; } = JobFormat.NamespaceAndName;

    /// <summary>
    /// Append <c>/&lt;container&gt;</c> to the pod uid in <c>service.instance.id</c> whenever the container name is
    /// known, so the containers of one pod are distinct instances. A resource alone cannot tell how many containers
    /// its pod runs, so this is a switch rather than a guess; turn it off when every pod runs one container and some
    /// of its data comes without a container name.
    /// </summary>
    public bool ContainerInInstance { get; set; } = true;

    /// <summary>The pod label keys that name the app, in order; the first present wins (then the container name).</summary>
    public List<string> AppLabels { get; set; } = ["app.kubernetes.io/name", "app"];

    /// <summary>Where the Kubernetes facts are found on the resource.</summary>
    public ServiceMappingSources From { get; set; } = new();

    /// <summary>Pod labels copied to attributes of their own (e.g. <c>jupyterpool.datalayer.io/user-uid</c> → <c>datalayer.pool.user</c>).</summary>
    public List<PodLabelRule> PodLabels { get; set; } = [];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (AppLabels.Any(string.IsNullOrEmpty))
        {
            yield return ("app_labels", "must not hold an empty key");
        }
    }
}

/// <summary>
/// The resource attributes the mapping reads. The defaults are the names the Collector's <c>k8sattributes</c>
/// processor and this agent's <c>filelog</c> receiver write.
/// </summary>
public sealed class ServiceMappingSources : IValidatable
{
    public string Namespace { get; set; } = "k8s.namespace.name";

    public string PodName { get; set; } = "k8s.pod.name";

    public string PodUid { get; set; } = "k8s.pod.uid";

    public string ContainerName { get; set; } = "k8s.container.name";

    public string NodeName { get; set; } = "k8s.node.name";

    public string ClusterName { get; set; } = "k8s.cluster.name";

    /// <summary>
    /// Pod label <c>key</c> is read from the attribute <c>&lt;prefix&gt;key</c> (the Collector's <c>k8sattributes</c>
    /// default tag name for pod labels is <c>k8s.pod.labels.&lt;key&gt;</c>).
    /// </summary>
    public string PodLabelPrefix { get; set; } = "k8s.pod.labels.";

    public IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var (key, value) in new[]
        {
            ("namespace", Namespace), ("pod_name", PodName), ("pod_uid", PodUid), ("container_name", ContainerName),
            ("node_name", NodeName), ("cluster_name", ClusterName),
        })
        {
            if (string.IsNullOrEmpty(value))
            {
                yield return (key, "must name a resource attribute");
            }
        }
    }
}

/// <summary>One pod label copied to a resource attribute, when the resource carries the label and lacks the attribute.</summary>
public sealed class PodLabelRule : IValidatable
{
    /// <summary>The pod label key (read from <c>from.pod_label_prefix</c> + key).</summary>
    public string? Key { get; set; }

    /// <summary>The attribute to set.</summary>
    public string? TagName { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Key))
        {
            yield return ("key", "is required: the pod label key");
        }

        if (string.IsNullOrEmpty(TagName))
        {
            yield return ("tag_name", "is required: the attribute to set");
        }
    }
}
