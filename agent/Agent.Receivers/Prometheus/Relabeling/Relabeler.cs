using System.Security.Cryptography;
using System.Text;

namespace Agent.Receivers.Prometheus.Relabeling;

/// <summary>
/// Applies relabel rules in order to one label set, as Prometheus does: each rule may change labels or drop the
/// whole set. Regexes are anchored and run without backtracking (RE2's guarantees). The label set is changed in
/// place; the result says whether it is kept.
/// </summary>
public sealed class Relabeler(IReadOnlyList<RelabelConfig> rules)
{
    public static readonly Relabeler None = new([]);

    public bool IsEmpty => rules.Count == 0;

    /// <summary>True when the labels survive every rule; false when a rule dropped them.</summary>
    public bool Apply(Dictionary<string, string> labels)
    {
        foreach (var rule in rules)
        {
            if (!Apply(rule, labels))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Apply(RelabelConfig rule, Dictionary<string, string> labels)
    {
        switch (rule.Action)
        {
            case "keep":
                return rule.Regex.IsMatch(Joined(rule, labels));
            case "drop":
                return !rule.Regex.IsMatch(Joined(rule, labels));
            case "keepequal":
                return Joined(rule, labels) == ValueOf(labels, rule.TargetLabel!);
            case "dropequal":
                return Joined(rule, labels) != ValueOf(labels, rule.TargetLabel!);
            case "replace":
                Replace(rule, labels);
                return true;
            case "lowercase":
                Set(labels, rule.TargetLabel!, Joined(rule, labels).ToLowerInvariant());
                return true;
            case "uppercase":
                Set(labels, rule.TargetLabel!, Joined(rule, labels).ToUpperInvariant());
                return true;
            case "hashmod":
                Set(labels, rule.TargetLabel!, (HashOf(Joined(rule, labels)) % rule.Modulus).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return true;
            case "labelmap":
                foreach (var (name, value) in labels.ToArray())
                {
                    var match = rule.Regex.Regex.Match(name);
                    if (match.Success)
                    {
                        Set(labels, match.Result(rule.Replacement), value);
                    }
                }

                return true;
            case "labeldrop":
            case "labelkeep":
                bool keepMatching = rule.Action == "labelkeep";
                foreach (var name in labels.Keys.ToArray())
                {
                    if (rule.Regex.IsMatch(name) != keepMatching)
                    {
                        labels.Remove(name);
                    }
                }

                return true;
            default:
                throw new InvalidOperationException($"unknown relabel action {rule.Action}");
        }
    }

    private static void Replace(RelabelConfig rule, Dictionary<string, string> labels)
    {
        var match = rule.Regex.Regex.Match(Joined(rule, labels));
        if (!match.Success)
        {
            return;
        }

        // Prometheus expands both the target name and the value, and skips the rule when the name is not valid.
        string target = match.Result(rule.TargetLabel!);
        if (!IsLabelName(target))
        {
            return;
        }

        Set(labels, target, match.Result(rule.Replacement));
    }

    /// <summary>A value set to empty removes the label, as an empty label is no label in Prometheus.</summary>
    private static void Set(Dictionary<string, string> labels, string name, string value)
    {
        if (value.Length == 0)
        {
            labels.Remove(name);
        }
        else
        {
            labels[name] = value;
        }
    }

    private static string ValueOf(Dictionary<string, string> labels, string name) => labels.GetValueOrDefault(name, string.Empty);

    private static string Joined(RelabelConfig rule, Dictionary<string, string> labels) => rule.SourceLabels.Count switch
    {
        0 => string.Empty,
        1 => ValueOf(labels, rule.SourceLabels[0]),
        _ => string.Join(rule.Separator, rule.SourceLabels.Select(name => ValueOf(labels, name))),
    };

    /// <summary>Prometheus' hashmod hash: the last 8 bytes of the MD5 of the value, read big-endian.</summary>
    internal static ulong HashOf(string value)
    {
        Span<byte> digest = stackalloc byte[16];
        // Not security: the hash must be MD5 so that targets shard as in Prometheus.
#pragma warning disable CA5351
        MD5.HashData(Encoding.UTF8.GetBytes(value), digest);
#pragma warning restore CA5351
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest[8..]);
    }

    internal static bool IsLabelName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
