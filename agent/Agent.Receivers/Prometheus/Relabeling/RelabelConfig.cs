using Agent.Core.Config;

namespace Agent.Receivers.Prometheus.Relabeling;

/// <summary>One rule of <c>relabel_configs</c> or <c>metric_relabel_configs</c>, with Prometheus' keys and defaults.</summary>
public sealed class RelabelConfig : IValidatable
{
    public static readonly string[] Actions =
        ["replace", "keep", "drop", "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase"];

    /// <summary>The labels whose values, joined by <see cref="Separator"/>, the rule reads.</summary>
    public List<string> SourceLabels { get; set; } = [];

    public string Separator { get; set; } = ";";

    /// <summary>Matched against the whole joined value (anchored at both ends, as in Prometheus).</summary>
    public AnchoredRegex Regex { get; set; } = AnchoredRegex.Create("(.*)");

    /// <summary>For <c>hashmod</c>: the modulus of the hash.</summary>
    public ulong Modulus { get; set; }

    /// <summary>The label a <c>replace</c>, <c>hashmod</c>, <c>lowercase</c>, <c>uppercase</c> writes, or <c>keepequal/dropequal</c> compares.</summary>
    public string? TargetLabel { get; set; }

    /// <summary>What a match becomes; <c>$1</c>, <c>${1}</c> and <c>${name}</c> refer to the regex's groups.</summary>
    public string Replacement { get; set; } = "$1";

    public string Action { get; set; } = "replace";

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!Actions.Contains(Action))
        {
            yield return ("action", $"\"{Action}\" is not one of {string.Join(", ", Actions)}");
            yield break;
        }

        bool needsTarget = Action is "replace" or "hashmod" or "lowercase" or "uppercase" or "keepequal" or "dropequal";
        if (needsTarget && string.IsNullOrEmpty(TargetLabel))
        {
            yield return ("target_label", $"is required by action {Action}");
        }

        if (Action == "hashmod" && Modulus == 0)
        {
            yield return ("modulus", "must be a positive number for action hashmod");
        }

        if (Action is "keepequal" or "dropequal" && (Regex.Pattern != "(.*)" || Replacement != "$1"))
        {
            yield return ("action", $"{Action} takes no regex or replacement");
        }

        if (Action is "labeldrop" or "labelkeep" && (SourceLabels.Count > 0 || TargetLabel is not null || Replacement != "$1"))
        {
            yield return ("action", $"{Action} reads only regex (label names), not source_labels, target_label or replacement");
        }
    }
}
