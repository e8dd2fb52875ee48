using System.Globalization;
using k8s.Models;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>
/// The pod role: one target per declared container port (<c>podIP:port</c>) and one per container without ports
/// (<c>podIP</c>), init containers included, under the pod's labels. A pod without an IP yet has no targets.
/// </summary>
internal static class PodTargets
{
    private const string Pod = MetaLabels.Prefix + "pod_";

    public static TargetGroup Group(V1Pod pod)
    {
        string source = SourceOf(pod.Metadata);
        string? ip = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(ip))
        {
            return new TargetGroup(source, [], new Dictionary<string, string>());
        }

        var targets = new List<IReadOnlyDictionary<string, string>>();
        foreach (var (container, init, statuses) in Containers(pod))
        {
            if (container.Ports is not { Count: > 0 } ports)
            {
                var target = ContainerLabels(container, statuses, init);
                target["__address__"] = ip;
                targets.Add(target);
                continue;
            }

            foreach (var port in ports)
            {
                var target = ContainerLabels(container, statuses, init);
                AddPort(target, port);
                target["__address__"] = MetaLabels.JoinHostPort(ip, port.ContainerPort);
                targets.Add(target);
            }
        }

        var labels = Labels(pod);
        labels[MetaLabels.Namespace] = pod.Metadata?.NamespaceProperty ?? string.Empty;
        return new TargetGroup(source, targets, labels);
    }

    public static string SourceOf(V1ObjectMeta? meta) => $"pod/{meta?.NamespaceProperty}/{meta?.Name}";

    /// <summary>What every target of the pod carries (also the endpoints role's pod labels).</summary>
    public static Dictionary<string, string> Labels(V1Pod pod)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Pod + "name"] = pod.Metadata?.Name ?? string.Empty,
            [Pod + "ip"] = pod.Status?.PodIP ?? string.Empty,
            [Pod + "ready"] = Ready(pod),
            [Pod + "phase"] = pod.Status?.Phase ?? string.Empty,
            [Pod + "node_name"] = pod.Spec?.NodeName ?? string.Empty,
            [Pod + "host_ip"] = pod.Status?.HostIP ?? string.Empty,
            [Pod + "uid"] = pod.Metadata?.Uid ?? string.Empty,
        };
        MetaLabels.AddObjectMeta(labels, "pod", pod.Metadata?.Labels, pod.Metadata?.Annotations);
        if (pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } controller)
        {
            labels[Pod + "controller_kind"] = controller.Kind;
            labels[Pod + "controller_name"] = controller.Name;
        }

        return labels;
    }

    /// <summary>A container's labels, without its port (the endpoints role adds the port it matched).</summary>
    public static Dictionary<string, string> ContainerLabels(V1Container container, IList<V1ContainerStatus>? statuses, bool init) => new(StringComparer.Ordinal)
    {
        [Pod + "container_name"] = container.Name,
        [Pod + "container_id"] = statuses?.FirstOrDefault(s => s.Name == container.Name)?.ContainerID ?? string.Empty,
        [Pod + "container_image"] = container.Image ?? string.Empty,
        [Pod + "container_init"] = init ? "true" : "false",
    };

    public static void AddPort(Dictionary<string, string> target, V1ContainerPort port)
    {
        target[Pod + "container_port_name"] = port.Name ?? string.Empty;
        target[Pod + "container_port_number"] = port.ContainerPort.ToString(CultureInfo.InvariantCulture);
        target[Pod + "container_port_protocol"] = port.Protocol ?? "TCP";
    }

    /// <summary>The pod's containers, then its init containers, each with the statuses its id is found in.</summary>
    public static IEnumerable<(V1Container Container, bool Init, IList<V1ContainerStatus>? Statuses)> Containers(V1Pod pod) =>
        (pod.Spec?.Containers ?? []).Select(c => (c, false, pod.Status?.ContainerStatuses))
            .Concat((pod.Spec?.InitContainers ?? []).Select(c => (c, true, pod.Status?.InitContainerStatuses)));

    /// <summary>The Ready condition's status in lower case, <c>unknown</c> without one.</summary>
    private static string Ready(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status?.ToLowerInvariant() ?? "unknown";
}
