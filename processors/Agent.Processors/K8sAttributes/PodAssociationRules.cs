using System.Net;
using Agent.Kubernetes;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Processors.K8sAttributes;

/// <summary>
/// The <c>pod_association</c> rules, checked once and tried in order for each resource: the first rule whose
/// sources are all present and name a cached pod wins. What a rule can look up is what the cache indexes: an
/// IP (the connection's peer address, <c>k8s.pod.ip</c> or any attribute holding an IP), <c>k8s.pod.uid</c>,
/// <c>k8s.pod.name</c> with <c>k8s.namespace.name</c>, or <c>container.id</c>.
/// </summary>
internal sealed class PodAssociationRules
{
    private readonly Rule[] _rules;

    private PodAssociationRules(Rule[] rules)
    {
        _rules = rules;
    }

    private enum Lookup
    {
        Connection,
        IpAttribute,
        Uid,
        NameAndNamespace,
        ContainerId,
    }

    /// <summary>The default order: the connection, then the resource's uid, IP, name and namespace, container id.</summary>
    public static PodAssociationRules Default { get; } = new(
    [
        new Rule(Lookup.Connection, null),
        new Rule(Lookup.Uid, MetadataKeys.PodUid),
        new Rule(Lookup.IpAttribute, MetadataKeys.PodIp),
        new Rule(Lookup.NameAndNamespace, MetadataKeys.PodName),
        new Rule(Lookup.ContainerId, MetadataKeys.ContainerId),
    ]);

    public static PodAssociationRules Compile(IReadOnlyList<PodAssociationRuleOptions> options) =>
        options.Count == 0 ? Default : new([.. options.Select(ToRule)]);

    /// <summary>What is wrong with one configured rule, or null.</summary>
    public static string? Problem(PodAssociationRuleOptions rule)
    {
        if (rule.Sources.Count == 0)
        {
            return "sources: must list at least one source";
        }

        foreach (var source in rule.Sources)
        {
            if (source.From is not ("connection" or "resource_attribute"))
            {
                return $"sources: unknown from \"{source.From}\": must be connection or resource_attribute";
            }

            if (source.From == "resource_attribute" && string.IsNullOrEmpty(source.Name))
            {
                return "sources: a resource_attribute source needs a name";
            }
        }

        var names = rule.Sources.Select(source => source.From == "connection" ? "connection" : source.Name!).Order(StringComparer.Ordinal).ToArray();
        bool nameAndNamespace = names.SequenceEqual([MetadataKeys.NamespaceName, MetadataKeys.PodName]);
        return names.Length == 1 || nameAndNamespace
            ? null
            : $"sources: {string.Join(" + ", names)} cannot name a pod; a rule has one source, or k8s.pod.name with k8s.namespace.name";
    }

    /// <summary>The pod the resource belongs to, and whether it was found by the connection's address.</summary>
    /// <param name="peerIp">The connection's peer address as text (see <see cref="AddressText"/>), null when the data has no client.</param>
    public PodMetadata? Find(KubernetesMetadataCache cache, IList<KeyValue> attributes, string? peerIp, out bool byConnection)
    {
        byConnection = false;
        foreach (var rule in _rules)
        {
            var pod = rule.Lookup switch
            {
                Lookup.Connection => peerIp is null ? null : cache.PodByIp(peerIp),
                Lookup.IpAttribute => StringOf(attributes, rule.Attribute!) is { } ip ? cache.PodByIp(ip) : null,
                Lookup.Uid => StringOf(attributes, rule.Attribute!) is { } uid ? cache.PodByUid(uid) : null,
                Lookup.ContainerId => StringOf(attributes, rule.Attribute!) is { } id ? cache.PodByContainerId(id) : null,
                _ => StringOf(attributes, MetadataKeys.PodName) is { } name && StringOf(attributes, MetadataKeys.NamespaceName) is { } ns
                    ? cache.PodByName(ns, name)
                    : null,
            };
            if (pod is not null)
            {
                byConnection = rule.Lookup == Lookup.Connection;
                return pod;
            }
        }

        return null;
    }

    /// <summary>The peer's address as the API writes a pod's IP (an IPv4 client seen on a dual-stack socket is mapped back).</summary>
    public static string AddressText(IPAddress peer) => (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).ToString();

    /// <summary>The string value of the attribute <paramref name="key"/>, or null when absent or empty.</summary>
    public static string? StringOf(IList<KeyValue> attributes, string key)
    {
        for (int i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            if (string.Equals(attribute.Key, key, StringComparison.Ordinal))
            {
                return attribute.Value?.StringValue is { Length: > 0 } value ? value : null;
            }
        }

        return null;
    }

    private static Rule ToRule(PodAssociationRuleOptions options)
    {
        if (options.Sources.Count == 2)
        {
            return new Rule(Lookup.NameAndNamespace, MetadataKeys.PodName);
        }

        var source = options.Sources[0];
        return source.From == "connection"
            ? new Rule(Lookup.Connection, null)
            : source.Name switch
            {
                MetadataKeys.PodUid => new Rule(Lookup.Uid, source.Name),
                MetadataKeys.ContainerId => new Rule(Lookup.ContainerId, source.Name),
                _ => new Rule(Lookup.IpAttribute, source.Name),
            };
    }

    private sealed record Rule(Lookup Lookup, string? Attribute);
}
