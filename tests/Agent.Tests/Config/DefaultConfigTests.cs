using Agent.Config;

namespace Agent.Tests.Config;

public class DefaultConfigTests
{
    [Fact]
    public void Outside_a_pod_the_standalone_default_is_used_with_the_debug_exporter()
    {
        var (name, yaml) = DefaultConfig.For(_ => null, _ => false);

        Assert.Equal("embedded:standalone.yaml", name);
        Assert.Contains("localhost:4317", yaml, StringComparison.Ordinal);
        Assert.Contains("exporters: [debug]", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("@", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void In_a_pod_with_a_service_account_the_daemonset_default_is_used()
    {
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.0.0.1" };

        var (name, yaml) = DefaultConfig.For(environment.GetValueOrDefault, path => path.EndsWith("serviceaccount/token", StringComparison.Ordinal));

        Assert.Equal("embedded:daemonset.yaml", name);
        Assert.Contains("${env:POD_IP:-0.0.0.0}:4317", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kubernetes_host_without_a_token_is_not_taken_for_a_pod()
    {
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.0.0.1" };

        Assert.Equal("embedded:standalone.yaml", DefaultConfig.For(environment.GetValueOrDefault, _ => false).Name);
    }

    [Fact]
    public void An_otlp_endpoint_in_the_environment_becomes_the_exporter_of_every_pipeline()
    {
        var environment = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://tempo:4317" };

        var (_, yaml) = DefaultConfig.For(environment.GetValueOrDefault, _ => false);

        Assert.Contains("endpoint: ${env:OTEL_EXPORTER_OTLP_ENDPOINT}", yaml, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(yaml, "exporters: [otlp]"));
        Assert.DoesNotContain("  debug:", yaml, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) =>
        (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}

public class DefaultConfigLoadsTests
{
    [Theory]
    [InlineData(false, null, null)]
    [InlineData(false, "http://tempo:4317", null)]
    [InlineData(true, null, null)]
    [InlineData(true, "http://tempo:4317", "http://loki:3100")]
    [InlineData(true, null, "http://loki:3100/loki/api/v1/push")]
    public void Every_embedded_default_loads_with_the_built_in_components(bool inPod, string? otlp, string? loki)
    {
        string data = Directory.CreateTempSubdirectory("agent-defaults-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["KUBERNETES_SERVICE_HOST"] = inPod ? "10.0.0.1" : null,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp,
            ["LOKI_ENDPOINT"] = loki,
            ["LOKI_TENANT"] = loki is null ? null : "team-a",
            ["AGENT_DATA_DIR"] = data,
        };
        var (name, yaml) = DefaultConfig.For(environment.GetValueOrDefault, _ => inPod);

        var config = new ConfigLoader(Agent.Service.ComponentRegistry.BuiltIn, environment.GetValueOrDefault).Load(name, yaml);

        var logs = config.Pipelines.Single(p => p.Id.Signal == Agent.Core.Model.Signal.Logs);
        Assert.Equal(inPod, logs.Receivers.Any(r => r.Type == "filelog"));
        Assert.Equal(loki is not null ? "loki" : otlp is not null ? "otlp" : "debug", Assert.Single(logs.Exporters).Type);
        Directory.Delete(data, recursive: true);
    }
}
