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
