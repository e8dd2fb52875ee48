using Agent.Kubernetes;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// Names cgroups from the Kubernetes metadata cache when the receiver has one (pod by uid, container by runtime
/// id, else by the name the log links give, which covers a restarted container's previous id), and from the
/// kubelet's log directories for what the cache does not know: a pod not yet listed, or no API access at all.
/// Images are known from the cache only.
/// </summary>
internal sealed class CgroupNaming(PodNames logs)
{
    // Images rejoined once each, not per scrape; bounded like any table fed by the node's churn.
    private const int ImageLimit = 4096;
    private readonly Dictionary<(string, string?), string> _images = [];

    public KubernetesMetadataCache? Cache { get; set; }

    public void Refresh() => logs.Refresh();

    public CgroupIdentity Of(CgroupNode cgroup)
    {
        var fromLogs = logs.Pod(cgroup.PodUid!);
        var pod = Cache?.PodByUid(cgroup.PodUid!);
        string? id = cgroup.ContainerId;
        if (id is null)
        {
            return new CgroupIdentity(pod?.Namespace ?? fromLogs?.Namespace, pod?.Name ?? fromLogs?.Name, null, null, null, null);
        }

        var container = pod?.ContainerWithId(id);
        string? name = container?.Name ?? logs.Container(id);
        if (container is null && name is not null)
        {
            container = pod?.ContainerNamed(name);
        }

        return new CgroupIdentity(
            pod?.Namespace ?? fromLogs?.Namespace, pod?.Name ?? fromLogs?.Name, name, container?.ImageName, container?.ImageTag, ImageOf(container));
    }

    private string? ImageOf(ContainerMetadata? container)
    {
        if (container?.ImageName is not { } name)
        {
            return null;
        }

        var key = (name, container.ImageTag);
        if (!_images.TryGetValue(key, out string? image))
        {
            if (_images.Count >= ImageLimit)
            {
                _images.Clear();
            }

            image = container.ImageTag is null ? name : $"{name}:{container.ImageTag}";
            _images.Add(key, image);
        }

        return image;
    }
}
