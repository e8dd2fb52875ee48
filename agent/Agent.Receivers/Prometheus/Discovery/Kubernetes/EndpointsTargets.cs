using k8s.Models;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>
/// The endpoints role: one target per address and port of an Endpoints object, with its service's labels when the
/// service is known and, for addresses backed by a known pod, the pod's labels and the container that declares the
/// port; that pod's other declared container ports become targets too.
/// </summary>
internal static class EndpointsTargets
{
    private const string Endpoint = MetaLabels.Prefix + "endpoint_";

    public static TargetGroup Group(V1Endpoints endpoints, Func<string, string, V1Service?> service, Func<string, string, V1Pod?> pod)
    {
        string ns = endpoints.Metadata?.NamespaceProperty ?? string.Empty;
        string name = endpoints.Metadata?.Name ?? string.Empty;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MetaLabels.Namespace] = ns,
            [MetaLabels.Prefix + "endpoints_name"] = name,
        };
        MetaLabels.AddObjectMeta(labels, "endpoints", endpoints.Metadata?.Labels, endpoints.Metadata?.Annotations);
        if (service(ns, name) is { } known)
        {
            foreach (var (key, value) in ServiceTargets.Labels(known))
            {
                labels[key] = value;
            }
        }

        var targets = new List<IReadOnlyDictionary<string, string>>();
        var seenPods = new Dictionary<string, (V1Pod Pod, HashSet<(int, string)> Ports)>(StringComparer.Ordinal);
        void Covered(V1Pod backing, Corev1EndpointPort port)
        {
            string key = backing.Metadata?.Uid ?? backing.Metadata?.Name ?? string.Empty;
            if (!seenPods.TryGetValue(key, out var entry))
            {
                entry = (backing, []);
                seenPods[key] = entry;
            }

            entry.Ports.Add((port.Port, port.Protocol ?? "TCP"));
        }

        foreach (var subset in endpoints.Subsets ?? [])
        {
            foreach (var port in subset.Ports ?? [])
            {
                foreach (var (address, ready) in (subset.Addresses ?? []).Select(a => (a, "true")).Concat((subset.NotReadyAddresses ?? []).Select(a => (a, "false"))))
                {
                    var target = AddressLabels(address, port, ready);
                    if (address.TargetRef is { Kind: "Pod" } reference && pod(reference.NamespaceProperty ?? ns, reference.Name) is { } backing)
                    {
                        AddPod(target, backing, port);
                        Covered(backing, port);
                    }

                    targets.Add(target);
                }
            }
        }

        foreach (var (backing, covered) in seenPods.Values)
        {
            targets.AddRange(UncoveredPorts(backing, covered));
        }

        return new TargetGroup($"endpoints/{ns}/{name}", targets, labels);
    }

    private static Dictionary<string, string> AddressLabels(V1EndpointAddress address, Corev1EndpointPort port, string ready)
    {
        var target = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__address__"] = MetaLabels.JoinHostPort(address.Ip, port.Port),
            [Endpoint + "port_name"] = port.Name ?? string.Empty,
            [Endpoint + "port_protocol"] = port.Protocol ?? "TCP",
            [Endpoint + "ready"] = ready,
        };
        if (!string.IsNullOrEmpty(address.Hostname))
        {
            target[Endpoint + "hostname"] = address.Hostname;
        }

        if (!string.IsNullOrEmpty(address.NodeName))
        {
            target[Endpoint + "node_name"] = address.NodeName;
        }

        if (address.TargetRef is { } reference)
        {
            target[Endpoint + "address_target_kind"] = reference.Kind ?? string.Empty;
            target[Endpoint + "address_target_name"] = reference.Name ?? string.Empty;
        }

        return target;
    }

    /// <summary>The pod's labels, and the container declaring the endpoint's port (number and protocol) if one does.</summary>
    private static void AddPod(Dictionary<string, string> target, V1Pod pod, Corev1EndpointPort port)
    {
        foreach (var (key, value) in PodTargets.Labels(pod))
        {
            target[key] = value;
        }

        foreach (var (container, init, statuses) in PodTargets.Containers(pod))
        {
            if (container.Ports?.FirstOrDefault(p => p.ContainerPort == port.Port && (p.Protocol ?? "TCP") == (port.Protocol ?? "TCP")) is { } declared)
            {
                foreach (var (key, value) in PodTargets.ContainerLabels(container, statuses, init))
                {
                    target[key] = value;
                }

                PodTargets.AddPort(target, declared);
                return;
            }
        }
    }

    /// <summary>A target for each port the pod's containers declare that no endpoint covers.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, string>> UncoveredPorts(V1Pod pod, HashSet<(int, string)> covered)
    {
        string? ip = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(ip))
        {
            yield break;
        }

        foreach (var (container, init, statuses) in PodTargets.Containers(pod))
        {
            foreach (var port in container.Ports ?? [])
            {
                if (covered.Contains((port.ContainerPort, port.Protocol ?? "TCP")))
                {
                    continue;
                }

                var target = PodTargets.Labels(pod);
                foreach (var (key, value) in PodTargets.ContainerLabels(container, statuses, init))
                {
                    target[key] = value;
                }

                PodTargets.AddPort(target, port);
                target["__address__"] = MetaLabels.JoinHostPort(ip, port.ContainerPort);
                yield return target;
            }
        }
    }
}
