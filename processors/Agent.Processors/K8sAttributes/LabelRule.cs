using Agent.Core.Config;

namespace Agent.Processors.K8sAttributes;

/// <summary>One <c>labels</c> or <c>annotations</c> rule, ready to run over an object's pairs.</summary>
internal sealed record LabelRule(string Source, bool Annotations, string? Key, ConfigRegex? KeyRegex, string? TagName)
{
    public static LabelRule From(K8sFieldExtractOptions options, string kind) =>
        new(options.From, kind == "annotations", string.IsNullOrEmpty(options.Key) ? null : options.Key, options.KeyRegex, string.IsNullOrEmpty(options.TagName) ? null : options.TagName);

    /// <summary>Adds an attribute for each pair the rule selects: the exact key, or every key the pattern matches.</summary>
    public void AddMatches(IReadOnlyList<KeyValuePair<string, string>> pairs, List<KeyValuePair<string, string>> into)
    {
        foreach (var (key, value) in pairs)
        {
            if (Key is not null)
            {
                if (string.Equals(key, Key, StringComparison.Ordinal))
                {
                    into.Add(KeyValuePair.Create(TagName ?? DefaultName(key), value));
                }

                continue;
            }

            var match = KeyRegex!.Regex.Match(key);
            if (match.Success)
            {
                // tag_name may refer to the pattern's groups ($1…); without one, the default name keeps the key.
                into.Add(KeyValuePair.Create(TagName is null ? DefaultName(key) : match.Result(TagName), value));
            }
        }
    }

    /// <summary>The Collector's default: <c>k8s.pod.labels.&lt;key&gt;</c>, <c>k8s.namespace.annotations.&lt;key&gt;</c>…</summary>
    private string DefaultName(string key) => $"k8s.{Source}.{(Annotations ? "annotations" : "labels")}.{key}";
}
