namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// What names one cgroup in a scrape: its pod's namespace and name, its container's name and image. Null where no
/// source knows it (a pod before the kubelet made its log directory; a sandbox; an image without API access).
/// </summary>
/// <param name="Image">The image reference as cAdvisor's <c>image</c> label gives it: name and tag rejoined.</param>
internal readonly record struct CgroupIdentity(string? Namespace, string? Pod, string? Container, string? ImageName, string? ImageTag, string? Image);
