using Agent.Core.Config;

namespace Agent.Processors.K8sAttributes;

/// <summary>What is added to each resource.</summary>
public sealed class K8sAttributesExtractOptions : IValidatable
{
    /// <summary>The Collector's default metadata.</summary>
    public static readonly IReadOnlyList<string> DefaultMetadata =
        ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.pod.start_time", "k8s.deployment.name", "k8s.node.name"];

    public List<string> Metadata { get; set; } = [.. DefaultMetadata];

    public List<K8sFieldExtractOptions> Labels { get; set; } = [];

    public List<K8sFieldExtractOptions> Annotations { get; set; } = [];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        for (int i = 0; i < Metadata.Count; i++)
        {
            if (!MetadataKeys.Supported.Contains(Metadata[i]))
            {
                yield return ($"metadata[{i}]", $"unknown \"{Metadata[i]}\": must be one of {string.Join(", ", MetadataKeys.Supported)}");
            }
        }
    }
}

/// <summary>One label or annotation rule: a key (or a pattern over keys) copied to a resource attribute.</summary>
public sealed class K8sFieldExtractOptions : IValidatable
{
    public static readonly IReadOnlyList<string> Sources = ["pod", "namespace", "node"];

    /// <summary>The attribute's name; with <see cref="KeyRegex"/> it may use <c>$1</c>… for the pattern's groups. Empty for <c>k8s.&lt;from&gt;.labels.&lt;key&gt;</c>.</summary>
    public string? TagName { get; set; }

    public string? Key { get; set; }

    public ConfigRegex? KeyRegex { get; set; }

    /// <summary><c>pod</c>, <c>namespace</c> or <c>node</c>.</summary>
    public string From { get; set; } = "pod";

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Key) == (KeyRegex is null))
        {
            yield return ("key", "give exactly one of key and key_regex");
        }

        if (!Sources.Contains(From))
        {
            yield return ("from", $"unknown \"{From}\": must be one of {string.Join(", ", Sources)}");
        }
    }
}
