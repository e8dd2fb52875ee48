using Agent.Config;
using Agent.Tests.EndToEnd;

namespace Agent.Tests.Config;

/// <summary>The three embedded modes: which one is picked, what it holds, and that the real binary validates each.</summary>
public class DefaultConfigModesTests
{
    private static readonly DefaultConfig.HostFacts Host = new("vm-1", "linux", "0123456789abcdef0123456789abcdef");

    public static TheoryData<string, string[], bool> Modes => new()
    {
        { "daemonset", ["KUBERNETES_SERVICE_HOST", "POD_NAME", "POD_NAMESPACE", "POD_UID"], true },
        { "sidecar", ["POD_NAME", "POD_NAMESPACE", "POD_UID", "NODE_NAME"], false },
        { "standalone", ["POD_NAME"], false },
    };

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [MemberData(nameof(Modes))]
    public async Task Each_mode_is_detected_and_its_config_passes_agent_validate(string mode, string[] set, bool token)
    {
        var environment = set.ToDictionary(name => name, name => (string?)"x");
        var (name, yaml) = DefaultConfig.For(environment.GetValueOrDefault, _ => token, () => Host);
        string path = Path.Combine(Directory.CreateTempSubdirectory("agent-mode-").FullName, $"{mode}.yaml");
        await File.WriteAllTextAsync(path, yaml);

        var (code, output) = await AgentProcess.RunAsync("validate", "--config", path);

        Assert.Equal($"embedded:{mode}.yaml", name);
        Assert.True(code == 0, output);
        Assert.DoesNotContain("@", yaml, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void Each_mode_holds_its_pipelines()
    {
        var (_, daemonset) = DefaultConfig.For(new Dictionary<string, string?> { ["KUBERNETES_SERVICE_HOST"] = "h" }.GetValueOrDefault, _ => true, () => Host);
        var (_, sidecar) = DefaultConfig.For(new Dictionary<string, string?> { ["POD_NAME"] = "p", ["POD_NAMESPACE"] = "n", ["POD_UID"] = "u" }.GetValueOrDefault, _ => false, () => Host);
        var (_, standalone) = DefaultConfig.For(_ => null, _ => false, () => Host);

        Assert.Contains("receivers: [otlp, hostmetrics, containermetrics, prometheus]", daemonset, StringComparison.Ordinal);
        Assert.Contains("processors: [memory_limiter, k8sattributes, servicemapping, batch]", daemonset, StringComparison.Ordinal);
        Assert.Contains("node_from_env_var: K8S_NODE_NAME", daemonset, StringComparison.Ordinal);
        Assert.Contains("{key: k8s.pod.uid, value: \"${env:POD_UID}\", action: insert}", sidecar, StringComparison.Ordinal);
        Assert.Contains("processors: [memory_limiter, resource/pod, servicemapping, batch]", sidecar, StringComparison.Ordinal);
        Assert.Contains("{key: host.id, value: '0123456789abcdef0123456789abcdef', action: insert}", standalone, StringComparison.Ordinal);
        Assert.Contains("{key: host.name, value: 'vm-1', action: insert}", standalone, StringComparison.Ordinal);
        Assert.Contains("receivers: [otlp, hostmetrics]", standalone, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_name_with_a_quote_or_a_dollar_stays_the_literal_value()
    {
        string actions = new DefaultConfig.HostFacts("it's-$HOME", "linux", null).ToResourceActions();

        Assert.Contains("value: 'it''s-$$HOME'", actions, StringComparison.Ordinal);
        Assert.DoesNotContain("host.id", actions, StringComparison.Ordinal);
    }
}
