using k8s.Models;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>
/// The node role: one target per node at its kubelet port, on the first address of the first type present in
/// Prometheus' order; <c>instance</c> is the node's name. A node without addresses has no target.
/// </summary>
internal static class NodeTargets
{
    private const string Node = MetaLabels.Prefix + "node_";

    private static readonly string[] AddressPreference = ["InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"];

    public static TargetGroup Group(V1Node node)
    {
        string name = node.Metadata?.Name ?? string.Empty;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Node + "name"] = name,
            [Node + "provider_id"] = node.Spec?.ProviderID ?? string.Empty,
        };
        MetaLabels.AddObjectMeta(labels, "node", node.Metadata?.Labels, node.Metadata?.Annotations);

        var firstByType = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var address in node.Status?.Addresses ?? [])
        {
            firstByType.TryAdd(address.Type, address.Address);
        }

        string? host = AddressPreference.Select(firstByType.GetValueOrDefault).FirstOrDefault(a => a is not null);
        if (host is null)
        {
            return new TargetGroup("node/" + name, [], labels);
        }

        var target = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__address__"] = MetaLabels.JoinHostPort(host, node.Status?.DaemonEndpoints?.KubeletEndpoint?.Port ?? 10250),
            ["instance"] = name,
        };
        foreach (var (type, address) in firstByType)
        {
            target[Node + "address_" + MetaLabels.Sanitize(type)] = address;
        }

        return new TargetGroup("node/" + name, [target], labels);
    }
}
