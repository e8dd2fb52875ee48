namespace Agent.Receivers.ContainerMetrics;

internal enum CgroupNodeKind
{
    Kubepods,
    QosClass,
    Pod,
    Container,

    /// <summary>A directory that is none of the above (CRI-O's conmon scope, unknown names): remembered, not read.</summary>
    Other,
}

/// <summary>
/// One directory of the kubepods tree, kept from scrape to scrape so a node of steady pods walks its tree without
/// making new strings: its path, what it is, its pod and container, the paths of its files.
/// </summary>
internal sealed class CgroupNode(CgroupNodeKind kind, string relativePath, QosClass qos, string? podUid = null, string? containerId = null)
{
    public CgroupNodeKind Kind { get; } = kind;

    /// <summary>The path from the cgroup root, <c>/kubepods.slice/...</c>: cAdvisor's <c>id</c> label.</summary>
    public string RelativePath { get; } = relativePath;

    public QosClass Qos { get; } = qos;

    public string? PodUid { get; } = podUid;

    /// <summary>The container's id; null for the pod's own cgroup.</summary>
    public string? ContainerId { get; } = containerId;

    /// <summary>The child directories seen in the last walk, by name.</summary>
    public Dictionary<string, CgroupNode> Children { get; } = new(StringComparer.Ordinal);

    /// <summary>The walk that last saw this directory.</summary>
    public int SeenInWalk { get; set; }

    /// <summary>Where this cgroup's files are, indexed by <see cref="CgroupFile"/>; made on first read.</summary>
    public (string[] Directories, string[] Paths) Files { get; set; }

    /// <summary>The child named <paramref name="name"/> of this directory, classified by where it sits.</summary>
    public CgroupNode Child(ReadOnlySpan<char> name)
    {
        string path = string.Concat(RelativePath, "/", name);
        switch (Kind)
        {
            case CgroupNodeKind.Kubepods when KubepodsNames.TryParseQos(name, out var qos):
                return new CgroupNode(CgroupNodeKind.QosClass, path, qos);
            case CgroupNodeKind.Kubepods or CgroupNodeKind.QosClass when KubepodsNames.PodUid(name) is { } uid:
                return new CgroupNode(CgroupNodeKind.Pod, path, Qos, uid);
            case CgroupNodeKind.Pod when KubepodsNames.ContainerId(name) is { } id:
                return new CgroupNode(CgroupNodeKind.Container, path, Qos, PodUid, id);
            default:
                return new CgroupNode(CgroupNodeKind.Other, path, Qos);
        }
    }
}
