using Agent.Core.Config;
using Agent.Receivers.Prometheus.Relabeling;

namespace Agent.Tests.Receivers.Prometheus;

/// <summary>One case per action, with the outcome the Prometheus documentation describes for it.</summary>
public class RelabelerTests
{
    private static Dictionary<string, string> Target() => new(StringComparer.Ordinal)
    {
        ["__address__"] = "127.0.0.1:9100",
        ["__meta_kubernetes_pod_label_app"] = "web",
        ["__meta_kubernetes_pod_label_tier"] = "Front",
        ["__meta_kubernetes_namespace"] = "shop",
        ["job"] = "node",
        ["env"] = "prod",
    };

    private static RelabelConfig Rule(string action, string[]? source = null, string? regex = null, string? target = null, string? replacement = null, ulong modulus = 0, string? separator = null) => new()
    {
        Action = action,
        SourceLabels = [.. source ?? []],
        Regex = regex is null ? AnchoredRegex.Create("(.*)") : AnchoredRegex.Create(regex),
        TargetLabel = target,
        Replacement = replacement ?? "$1",
        Modulus = modulus,
        Separator = separator ?? ";",
    };

    private static (bool Kept, string Labels) Run(params RelabelConfig[] rules)
    {
        foreach (var rule in rules)
        {
            Assert.Empty(rule.Validate());
        }

        var labels = Target();
        bool kept = new Relabeler(rules).Apply(labels);
        return (kept, string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Where(l => !l.Key.StartsWith("__meta", StringComparison.Ordinal)).Select(l => $"{l.Key}={l.Value}")));
    }

    [Fact]
    public void ReplaceWritesTheExpandedReplacementWhenTheWholeValueMatches()
    {
        // The documented address rewrite: keep the host, put the port from an annotation.
        var (kept, labels) = Run(Rule("replace", ["__address__", "__meta_kubernetes_namespace"], regex: "([^:]+)(?::\\d+)?;(.*)", target: "instance", replacement: "${1}-$2"));

        Assert.True(kept);
        Assert.Equal("__address__=127.0.0.1:9100,env=prod,instance=127.0.0.1-shop,job=node", labels);
    }

    [Fact]
    public void ReplaceLeavesLabelsAloneWhenTheRegexMatchesOnlyPartOfTheValue()
    {
        // Anchored: "web" does not match the value "127.0.0.1:9100" even though ".0" is in it.
        var (_, labels) = Run(Rule("replace", ["__address__"], regex: "\\.0", target: "x", replacement: "y"));

        Assert.DoesNotContain("x=", labels, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceWithTheDefaultsCopiesTheSourceAndAnEmptyResultRemovesTheTarget()
    {
        var (_, copied) = Run(Rule("replace", ["__meta_kubernetes_namespace"], target: "namespace"));
        var (_, removed) = Run(Rule("replace", ["missing"], target: "env"));

        Assert.Contains("namespace=shop", copied, StringComparison.Ordinal);
        Assert.DoesNotContain("env=", removed, StringComparison.Ordinal);
    }

    [Fact]
    public void KeepDropsTargetsWhoseJoinedValueDoesNotMatch()
    {
        Assert.True(Run(Rule("keep", ["__meta_kubernetes_pod_label_app"], regex: "web|api")).Kept);
        Assert.False(Run(Rule("keep", ["__meta_kubernetes_pod_label_app"], regex: "we")).Kept);
    }

    [Fact]
    public void DropDropsTargetsWhoseJoinedValueMatches()
    {
        Assert.False(Run(Rule("drop", ["job", "env"], regex: "node;prod")).Kept);
        Assert.True(Run(Rule("drop", ["job", "env"], regex: "node;prod", separator: "/")).Kept);
    }

    [Fact]
    public void KeepEqualAndDropEqualCompareTheJoinedSourceWithTheTargetLabel()
    {
        Assert.True(Run(Rule("replace", ["__meta_kubernetes_pod_label_app"], target: "app_copy"), Rule("keepequal", ["__meta_kubernetes_pod_label_app"], target: "app_copy")).Kept);
        Assert.False(Run(Rule("keepequal", ["job"], target: "env")).Kept);
        Assert.False(Run(Rule("dropequal", ["job"], target: "job")).Kept);
        Assert.True(Run(Rule("dropequal", ["job"], target: "env")).Kept);
    }

    [Fact]
    public void HashModWritesTheLastEightBytesOfTheMd5ModuloTheModulus()
    {
        // md5("127.0.0.1:9100") read as Prometheus reads it, modulo 8, is 6 (computed outside the agent).
        var (_, labels) = Run(Rule("hashmod", ["__address__"], target: "__tmp_hash", modulus: 8));

        Assert.Contains("__tmp_hash=6", labels, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelMapCopiesMatchingLabelsUnderTheReplacementName()
    {
        var (_, labels) = Run(Rule("labelmap", regex: "__meta_kubernetes_pod_label_(.+)"));

        Assert.Equal("__address__=127.0.0.1:9100,app=web,env=prod,job=node,tier=Front", labels);
    }

    [Fact]
    public void LabelDropAndLabelKeepFilterLabelNames()
    {
        Assert.Equal("__address__=127.0.0.1:9100,job=node", Run(Rule("labeldrop", regex: "env")).Labels);
        Assert.Equal("env=prod,job=node", Run(Rule("labelkeep", regex: "job|env")).Labels);
    }

    [Fact]
    public void LowercaseAndUppercaseWriteTheJoinedValueInThatCase()
    {
        var (_, labels) = Run(
            Rule("lowercase", ["__meta_kubernetes_pod_label_tier"], target: "tier"),
            Rule("uppercase", ["env"], target: "env_upper"));

        Assert.Contains("tier=front", labels, StringComparison.Ordinal);
        Assert.Contains("env_upper=PROD", labels, StringComparison.Ordinal);
    }

    [Fact]
    public void RulesRunInOrderAndADropStopsThem()
    {
        var (kept, _) = Run(Rule("replace", ["env"], target: "env", replacement: "dev"), Rule("drop", ["env"], regex: "dev"));

        Assert.False(kept);
    }

    [Theory]
    [InlineData("explode", "action")]
    [InlineData("replace", "target_label")]
    [InlineData("hashmod", "modulus")]
    public void ARuleMissingWhatItsActionNeedsIsRefused(string action, string key)
    {
        var rule = new RelabelConfig { Action = action, TargetLabel = action == "hashmod" ? "t" : null };

        Assert.Contains(rule.Validate(), problem => problem.Key == key);
    }
}
