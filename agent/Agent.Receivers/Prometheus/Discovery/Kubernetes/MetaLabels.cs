namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>The <c>__meta_kubernetes_*</c> names and the way Prometheus turns object labels and annotations into them.</summary>
internal static class MetaLabels
{
    public const string Prefix = "__meta_kubernetes_";
    public const string Namespace = Prefix + "namespace";

    /// <summary>
    /// Adds <c>{kind}_label_*</c>, <c>{kind}_labelpresent_*</c>, <c>{kind}_annotation_*</c> and
    /// <c>{kind}_annotationpresent_*</c> for an object's labels and annotations, names sanitised.
    /// </summary>
    public static void AddObjectMeta(Dictionary<string, string> into, string kind, IDictionary<string, string>? labels, IDictionary<string, string>? annotations)
    {
        AddPairs(into, $"{Prefix}{kind}_label_", $"{Prefix}{kind}_labelpresent_", labels);
        AddPairs(into, $"{Prefix}{kind}_annotation_", $"{Prefix}{kind}_annotationpresent_", annotations);
    }

    /// <summary>Prometheus' label name sanitising: every character outside <c>[a-zA-Z0-9_]</c> becomes <c>_</c>.</summary>
    public static string Sanitize(string name) => string.Create(name.Length, name, static (span, source) =>
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            span[i] = char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_';
        }
    });

    /// <summary><c>host:port</c>, IPv6 hosts in brackets, as Go's net.JoinHostPort.</summary>
    public static string JoinHostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";

    private static void AddPairs(Dictionary<string, string> into, string valuePrefix, string presentPrefix, IDictionary<string, string>? pairs)
    {
        if (pairs is null)
        {
            return;
        }

        foreach (var (key, value) in pairs)
        {
            string name = Sanitize(key);
            into[valuePrefix + name] = value;
            into[presentPrefix + name] = "true";
        }
    }
}
