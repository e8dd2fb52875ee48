using System.Runtime.CompilerServices;
using Agent.Kubernetes;

namespace Agent.Processors.K8sAttributes;

/// <summary>
/// The <c>extract</c> rules, checked once. A pod's attributes are worked out the first time the pod is seen and
/// kept with its cached record (records are replaced on every change, so an entry never goes stale, and it goes
/// away with the record); a change of its namespace, node or Deployment is noticed and recomputed. Resources then
/// only copy pairs: the cost per resource group does not grow with the rules or the pod's labels.
/// </summary>
internal sealed class MetadataExtraction
{
    private readonly string[] _podKeys;
    private readonly LabelRule[] _rules;
    private readonly ConditionalWeakTable<PodMetadata, Extracted> _byPod = [];

    public MetadataExtraction(K8sAttributesExtractOptions options)
    {
        _podKeys = [.. options.Metadata.Distinct(StringComparer.Ordinal).Where(key => !MetadataKeys.OfContainer.Contains(key))];
        ContainerKeys = [.. options.Metadata.Distinct(StringComparer.Ordinal).Where(MetadataKeys.OfContainer.Contains)];
        _rules =
        [
            .. options.Labels.Select(rule => LabelRule.From(rule, "labels")),
            .. options.Annotations.Select(rule => LabelRule.From(rule, "annotations")),
        ];
        NeedsNamespaces = _podKeys.Contains(MetadataKeys.ClusterUid) || _rules.Any(rule => rule.Source == "namespace");
        NeedsNodes = _rules.Any(rule => rule.Source == "node");
        NeedsReplicaSets = _podKeys.Contains(MetadataKeys.DeploymentName);
    }

    public bool NeedsNamespaces { get; }

    public bool NeedsNodes { get; }

    public bool NeedsReplicaSets { get; }

    /// <summary>The requested keys taken from the resource's container.</summary>
    public string[] ContainerKeys { get; }

    /// <summary>The pod-level attributes of <paramref name="pod"/> (name, value), in rule order.</summary>
    public KeyValuePair<string, string>[] For(KubernetesMetadataCache cache, PodMetadata pod)
    {
        var ns = NeedsNamespaces ? cache.Namespace(pod.Namespace) : null;
        var node = NeedsNodes && pod.NodeName is not null ? cache.Node(pod.NodeName) : null;
        string? deployment = NeedsReplicaSets ? cache.DeploymentOf(pod) : null;
        string? cluster = NeedsNamespaces ? cache.ClusterUid : null;
        if (_byPod.TryGetValue(pod, out var known) && known.Matches(ns, node, deployment, cluster))
        {
            return known.Pairs;
        }

        var extracted = new Extracted(ns, node, deployment, cluster, Compute(pod, ns, node, deployment, cluster));
        _byPod.AddOrUpdate(pod, extracted);
        return extracted.Pairs;
    }

    /// <summary>The value of one container-level key.</summary>
    public static string? ContainerValue(string key, ContainerMetadata container) => key switch
    {
        MetadataKeys.ContainerName => container.Name,
        MetadataKeys.ContainerImageName => container.ImageName,
        MetadataKeys.ContainerImageTag => container.ImageTag,
        _ => container.Id,
    };

    private KeyValuePair<string, string>[] Compute(PodMetadata pod, ObjectMetadata? ns, ObjectMetadata? node, string? deployment, string? cluster)
    {
        var pairs = new List<KeyValuePair<string, string>>(_podKeys.Length + _rules.Length);
        foreach (var key in _podKeys)
        {
            if (PodValue(key, pod, deployment, cluster) is { } value)
            {
                pairs.Add(KeyValuePair.Create(key, value));
            }
        }

        foreach (var rule in _rules)
        {
            var source = rule.Source switch
            {
                "namespace" => ns,
                "node" => node,
                _ => null,
            };
            var from = rule.Source == "pod"
                ? (rule.Annotations ? pod.Annotations : pod.Labels)
                : source is null ? [] : rule.Annotations ? source.Annotations : source.Labels;
            rule.AddMatches(from, pairs);
        }

        return [.. pairs];
    }

    private static string? PodValue(string key, PodMetadata pod, string? deployment, string? cluster) => key switch
    {
        MetadataKeys.NamespaceName => pod.Namespace,
        MetadataKeys.PodName => pod.Name,
        MetadataKeys.PodUid => pod.Uid,
        MetadataKeys.PodStartTime => pod.StartTime,
        MetadataKeys.NodeName => pod.NodeName,
        MetadataKeys.DeploymentName => deployment,
        MetadataKeys.ClusterUid => cluster,
        MetadataKeys.ReplicaSetName => OwnerNamed(pod, "ReplicaSet"),
        MetadataKeys.StatefulSetName => OwnerNamed(pod, "StatefulSet"),
        MetadataKeys.DaemonSetName => OwnerNamed(pod, "DaemonSet"),
        MetadataKeys.JobName => OwnerNamed(pod, "Job"),
        MetadataKeys.CronJobName => CronJobOf(OwnerNamed(pod, "Job")),
        _ => null,
    };

    private static string? OwnerNamed(PodMetadata pod, string kind) =>
        pod.Owner is { } owner && owner.Kind == kind ? owner.Name : null;

    /// <summary>A CronJob names its Jobs <c>&lt;cronjob&gt;-&lt;scheduled minute&gt;</c>: the name without its numeric suffix (as the Collector derives it).</summary>
    private static string? CronJobOf(string? job)
    {
        int dash = job?.LastIndexOf('-') ?? -1;
        if (dash <= 0 || dash == job!.Length - 1)
        {
            return null;
        }

        for (int i = dash + 1; i < job.Length; i++)
        {
            if (!char.IsAsciiDigit(job[i]))
            {
                return null;
            }
        }

        return job[..dash];
    }

    private sealed record Extracted(ObjectMetadata? Namespace, ObjectMetadata? Node, string? Deployment, string? Cluster, KeyValuePair<string, string>[] Pairs)
    {
        public bool Matches(ObjectMetadata? ns, ObjectMetadata? node, string? deployment, string? cluster) =>
            ReferenceEquals(Namespace, ns) && ReferenceEquals(Node, node) &&
            string.Equals(Deployment, deployment, StringComparison.Ordinal) && string.Equals(Cluster, cluster, StringComparison.Ordinal);
    }
}
