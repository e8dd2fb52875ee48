using System.Globalization;
using k8s.Models;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>The service role: one target per service port, at the service's DNS name (<c>name.namespace.svc:port</c>).</summary>
internal static class ServiceTargets
{
    private const string Service = MetaLabels.Prefix + "service_";

    public static TargetGroup Group(V1Service service)
    {
        var meta = service.Metadata;
        string host = $"{meta?.Name}.{meta?.NamespaceProperty}.svc";
        string type = service.Spec?.Type ?? "ClusterIP";
        var targets = new List<IReadOnlyDictionary<string, string>>();
        foreach (var port in service.Spec?.Ports ?? [])
        {
            var target = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["__address__"] = MetaLabels.JoinHostPort(host, port.Port),
                [Service + "port_name"] = port.Name ?? string.Empty,
                [Service + "port_number"] = port.Port.ToString(CultureInfo.InvariantCulture),
                [Service + "port_protocol"] = port.Protocol ?? "TCP",
                [Service + "type"] = type,
            };
            if (type == "ExternalName")
            {
                target[Service + "external_name"] = service.Spec?.ExternalName ?? string.Empty;
            }
            else
            {
                target[Service + "cluster_ip"] = service.Spec?.ClusterIP ?? string.Empty;
            }

            if (type == "LoadBalancer")
            {
                target[Service + "loadbalancer_ip"] = service.Spec?.LoadBalancerIP ?? string.Empty;
            }

            targets.Add(target);
        }

        var labels = Labels(service);
        labels[MetaLabels.Namespace] = meta?.NamespaceProperty ?? string.Empty;
        return new TargetGroup($"svc/{meta?.NamespaceProperty}/{meta?.Name}", targets, labels);
    }

    /// <summary>The service's name, labels and annotations (also what the endpoints role adds for its service).</summary>
    public static Dictionary<string, string> Labels(V1Service service)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [Service + "name"] = service.Metadata?.Name ?? string.Empty };
        MetaLabels.AddObjectMeta(labels, "service", service.Metadata?.Labels, service.Metadata?.Annotations);
        return labels;
    }
}
