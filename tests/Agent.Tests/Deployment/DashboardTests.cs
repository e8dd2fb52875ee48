using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agent.Tests.Deployment;

/// <summary>manifests/dashboards: valid JSON, PromQL that parses, provisioned by the kustomization.</summary>
public sealed partial class DashboardTests
{
    public static IReadOnlyList<string> Files { get; } = Directory.GetFiles(Manifests.PathOf("dashboards"), "*.json").Order().ToList();

    /// <summary>Every panel query of every dashboard, with Grafana's variables replaced by what Prometheus accepts.</summary>
    public static IReadOnlyList<(string Dashboard, string Title, string Expr)> Expressions() =>
        Files.SelectMany(file =>
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.GetProperty("panels").EnumerateArray()
                .SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(target =>
                    (Path.GetFileName(file), panel.GetProperty("title").GetString()!, Concrete(target.GetProperty("expr").GetString()!))))
                .ToList();
        }).ToList();

    /// <summary>The metric names the expressions read (every selector is written <c>name{...}</c>).</summary>
    public static IReadOnlySet<string> MetricNames() =>
        Expressions().SelectMany(e => MetricSelector().Matches(e.Expr).Select(m => m.Groups[1].Value)).ToHashSet();

    [Fact]
    public void Every_dashboard_is_valid_JSON_with_unique_panel_ids_and_a_uid()
    {
        Assert.Equal(2, Files.Count);
        foreach (string file in Files)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var root = document.RootElement;
            Assert.False(string.IsNullOrEmpty(root.GetProperty("uid").GetString()));
            var ids = root.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(root.GetProperty("panels").EnumerateArray(), p => Assert.NotEmpty(p.GetProperty("targets").EnumerateArray()));
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Every_expression_parses_as_PromQL()
    {
        var expressions = Expressions();
        using var scratch = new TempDirectory("agent-dashboards-");
        string directory = scratch.Path;
        var rules = new System.Text.StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        for (int i = 0; i < expressions.Count; i++)
        {
            rules.Append(System.Globalization.CultureInfo.InvariantCulture, $"      - alert: Panel{i}\n        expr: {JsonSerializer.Serialize(expressions[i].Expr)}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "dashboards.yaml"), rules.ToString());
        var (code, output) = await Promtool.RunAsync(directory, "check", "rules", "dashboards.yaml");

        Assert.True(code == 0, output);
        Assert.Contains($"SUCCESS: {expressions.Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kustomization_provisions_every_dashboard_and_the_data_sources()
    {
        var kustomization = Manifests.LoadMap("dashboards/kustomization.yaml");
        var generated = ((List<object>)kustomization["configMapGenerator"]).Cast<Dictionary<object, object>>()
            .SelectMany(map => Manifests.Strings(map, "files")).ToList();

        Assert.Equal(Files.Select(f => Path.GetFileName(f)).Append("datasources.yaml").Order(), generated.Order());

        var loki = ((List<object>)Manifests.LoadMap("dashboards/datasources.yaml")["datasources"]).Cast<Dictionary<object, object>>().Single(d => d["type"].ToString() == "loki");
        var field = (Dictionary<object, object>)Assert.Single((List<object>)((Dictionary<object, object>)loki["jsonData"])["derivedFields"]);
        Assert.Equal(("label", "trace_id", "tempo"), (field["matcherType"].ToString(), field["matcherRegex"].ToString(), field["datasourceUid"].ToString()));
    }

    // $__rate_interval and the multi-value variables become a range and a match-all regexp.
    private static string Concrete(string expr) => expr.Replace("$__rate_interval", "5m", StringComparison.Ordinal)
        .Replace("$instance", ".*", StringComparison.Ordinal).Replace("$namespace", ".*", StringComparison.Ordinal);

    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex MetricSelector();
}
