namespace Agent.Kubernetes;

/// <summary>
/// What the cache keeps of one pod: only the fields enrichment and discovery use, not the API's whole object.
/// Immutable: an update replaces the record, so readers never see half of a change.
/// </summary>
public sealed record PodMetadata(
    string Uid,
    string Name,
    string Namespace,
    string? Ip,
    bool HostNetwork,
    string? NodeName,
    string? StartTime,
    OwnerReference? Owner,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<KeyValuePair<string, string>> Annotations,
    IReadOnlyList<ContainerMetadata> Containers)
{
    /// <summary>The container of this name, if the pod has one.</summary>
    public ContainerMetadata? ContainerNamed(string name)
    {
        foreach (var container in Containers)
        {
            if (string.Equals(container.Name, name, StringComparison.Ordinal))
            {
                return container;
            }
        }

        return null;
    }

    /// <summary>The container whose runtime id is <paramref name="id"/>, if any.</summary>
    public ContainerMetadata? ContainerWithId(string id)
    {
        foreach (var container in Containers)
        {
            if (string.Equals(container.Id, id, StringComparison.Ordinal))
            {
                return container;
            }
        }

        return null;
    }
}

/// <summary>One container of a pod: its name, its image split as the Collector does, and its runtime id (from the pod's status, without the <c>containerd://</c> scheme).</summary>
public sealed record ContainerMetadata(string Name, string? ImageName, string? ImageTag, string? Id);

/// <summary>The controlling owner of an object (a ReplicaSet, StatefulSet, DaemonSet, Job…).</summary>
public sealed record OwnerReference(string Kind, string Name, string? Uid);

/// <summary>What the cache keeps of a namespace or a node: its name, uid, labels and annotations.</summary>
public sealed record ObjectMetadata(
    string Name,
    string? Uid,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<KeyValuePair<string, string>> Annotations)
{
    public string? Label(string key) => Find(Labels, key);

    internal static string? Find(IReadOnlyList<KeyValuePair<string, string>> pairs, string key)
    {
        foreach (var pair in pairs)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }
}
