using Agent.Core.Config;

namespace Agent.Processors.K8sAttributes;

/// <summary>Which pods are watched.</summary>
public sealed class K8sAttributesFilterOptions : IValidatable
{
    /// <summary>The environment variable holding this node's name (set from <c>spec.nodeName</c> by the downward API): watch only its pods.</summary>
    public string? NodeFromEnvVar { get; set; }

    /// <summary>The node's name written directly (used when <see cref="NodeFromEnvVar"/> is not set).</summary>
    public string? Node { get; set; }

    /// <summary>Watch only the pods of this namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>Label conditions pods must meet (the API's label selector).</summary>
    public List<K8sSelectorTerm> Labels { get; set; } = [];

    /// <summary>Field conditions pods must meet (the API's field selector).</summary>
    public List<K8sSelectorTerm> Fields { get; set; } = [];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var (list, name, ops) in new[] { (Labels, "labels", K8sSelectorTerm.LabelOps), (Fields, "fields", K8sSelectorTerm.FieldOps) })
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrEmpty(list[i].Key))
                {
                    yield return ($"{name}[{i}].key", "is required");
                }

                if (!ops.Contains(list[i].Op))
                {
                    yield return ($"{name}[{i}].op", $"unknown \"{list[i].Op}\": must be one of {string.Join(", ", ops)}");
                }
            }
        }
    }
}

/// <summary>One condition of a label or field selector.</summary>
public sealed class K8sSelectorTerm
{
    public static readonly IReadOnlyList<string> FieldOps = ["equals", "not-equals"];

    public static readonly IReadOnlyList<string> LabelOps = ["equals", "not-equals", "exists", "does-not-exist"];

    public string? Key { get; set; }

    public string Value { get; set; } = string.Empty;

    public string Op { get; set; } = "equals";

    /// <summary>The term in the API's selector syntax.</summary>
    public string ToSelector() => Op switch
    {
        "not-equals" => $"{Key}!={Value}",
        "exists" => Key!,
        "does-not-exist" => $"!{Key}",
        _ => $"{Key}={Value}",
    };
}
