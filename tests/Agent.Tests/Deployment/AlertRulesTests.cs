namespace Agent.Tests.Deployment;

/// <summary>manifests/alerts: the rules load, and each alert's unit test passes.</summary>
public sealed class AlertRulesTests
{
    private static readonly string Folder = Manifests.PathOf("alerts");

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task The_rules_pass_promtool_check_rules()
    {
        var (code, output) = await Promtool.RunAsync(Folder, "check", "rules", "agent-rules.yaml");

        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 12 rules found", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task The_rules_pass_their_promtool_unit_tests()
    {
        var (code, output) = await Promtool.RunAsync(Folder, "test", "rules", "agent-rules.test.yaml");

        Assert.True(code == 0, output);
    }

    [Fact]
    public void Every_alert_has_a_unit_test()
    {
        var rules = Manifests.LoadMap("alerts/agent-rules.yaml");
        var alerts = ((List<object>)rules["groups"]).Cast<Dictionary<object, object>>()
            .SelectMany(group => ((List<object>)group["rules"]).Cast<Dictionary<object, object>>())
            .Select(rule => rule["alert"].ToString()!)
            .ToHashSet();
        var tested = ((List<object>)Manifests.LoadMap("alerts/agent-rules.test.yaml")["tests"]).Cast<Dictionary<object, object>>()
            .SelectMany(test => ((List<object>)test["alert_rule_test"]).Cast<Dictionary<object, object>>())
            .Where(check => check.TryGetValue("exp_alerts", out object? expected) && ((List<object>)expected).Count > 0)
            .Select(check => check["alertname"].ToString()!)
            .ToHashSet();

        Assert.Equal(12, alerts.Count);
        Assert.Equal(alerts.Order(), tested.Order());
    }
}
