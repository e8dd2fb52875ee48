using System.Globalization;
using k8s.Models;

namespace Agent.Kubernetes;

/// <summary>Turns the API's objects into the cache's compact records, keeping only the fields used.</summary>
internal static class MetadataConversion
{
    private static readonly KeyValuePair<string, string>[] NoPairs = [];

    public static PodMetadata? ToPod(V1Pod pod)
    {
        var meta = pod.Metadata;
        if (meta?.Uid is null || meta.Name is null || meta.NamespaceProperty is null)
        {
            return null;
        }

        return new PodMetadata(
            meta.Uid,
            meta.Name,
            meta.NamespaceProperty,
            string.IsNullOrEmpty(pod.Status?.PodIP) ? null : pod.Status.PodIP,
            pod.Spec?.HostNetwork == true,
            pod.Spec?.NodeName,
            pod.Status?.StartTime?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ControllerOf(meta),
            Pairs(meta.Labels),
            Pairs(meta.Annotations),
            Containers(pod));
    }

    public static ObjectMetadata? ToObject(V1ObjectMeta? meta) =>
        meta?.Name is null ? null : new ObjectMetadata(meta.Name, meta.Uid, Pairs(meta.Labels), Pairs(meta.Annotations));

    /// <summary>A ReplicaSet is kept only as its uid and its own controller (the Deployment that names it).</summary>
    public static (string Uid, OwnerReference? Owner)? ToReplicaSetOwner(V1ReplicaSet replicaSet) =>
        replicaSet.Metadata?.Uid is null ? null : (replicaSet.Metadata.Uid, ControllerOf(replicaSet.Metadata));

    /// <summary>
    /// Splits an image reference the way the Collector does: the digest is dropped, the tag is what follows the last
    /// colon after the last slash (a registry's port is not a tag), an image without a tag is <c>latest</c>, and one
    /// pinned by digest alone has no tag.
    /// </summary>
    public static (string Name, string? Tag) SplitImage(string image)
    {
        int at = image.IndexOf('@', StringComparison.Ordinal);
        string reference = at < 0 ? image : image[..at];
        int slash = reference.LastIndexOf('/');
        int colon = reference.LastIndexOf(':');
        if (colon > slash)
        {
            return (reference[..colon], reference[(colon + 1)..]);
        }

        return (reference, at < 0 ? "latest" : null);
    }

    /// <summary>The runtime's container id without its scheme (<c>containerd://</c>, <c>docker://</c>, <c>cri-o://</c>).</summary>
    public static string? ContainerIdOf(string? statusId)
    {
        if (string.IsNullOrEmpty(statusId))
        {
            return null;
        }

        int scheme = statusId.IndexOf("://", StringComparison.Ordinal);
        return scheme < 0 ? statusId : statusId[(scheme + 3)..];
    }

    private static OwnerReference? ControllerOf(V1ObjectMeta meta)
    {
        if (meta.OwnerReferences is not { Count: > 0 } owners)
        {
            return null;
        }

        var chosen = owners.FirstOrDefault(owner => owner.Controller == true) ?? owners[0];
        return chosen.Kind is null || chosen.Name is null ? null : new OwnerReference(chosen.Kind, chosen.Name, chosen.Uid);
    }

    private static IReadOnlyList<ContainerMetadata> Containers(V1Pod pod)
    {
        var specs = pod.Spec?.Containers;
        if (specs is null || specs.Count == 0)
        {
            return [];
        }

        var result = new ContainerMetadata[specs.Count + (pod.Spec!.InitContainers?.Count ?? 0)];
        int i = 0;
        foreach (var container in specs.Concat(pod.Spec.InitContainers ?? []))
        {
            var status = (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? [])
                .FirstOrDefault(s => s.Name == container.Name);
            (string? imageName, string? imageTag) = container.Image is null ? (null, null) : SplitImage(container.Image);
            result[i++] = new ContainerMetadata(container.Name, imageName, imageTag, ContainerIdOf(status?.ContainerID));
        }

        return result;
    }

    private static KeyValuePair<string, string>[] Pairs(IDictionary<string, string>? map) =>
        map is null || map.Count == 0 ? NoPairs : [.. map.Select(pair => KeyValuePair.Create(pair.Key, pair.Value ?? string.Empty))];
}
