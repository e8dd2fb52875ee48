using System.Globalization;
using Agent.Tests.EndToEnd;
using k8s.Models;

namespace Agent.Tests.Deployment;

/// <summary>What every deployment of the agent (DaemonSet, its overlay, gateway, sidecar) must get right.</summary>
public sealed class WorkloadManifestTests
{
    public static TheoryData<string> Deployments => new() { "daemonset", "daemonset/overlays/production", "gateway", "sidecar" };

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Probes_ask_the_agents_own_paths_on_its_telemetry_port(string folder)
    {
        var objects = Manifests.Build(folder);
        var config = new AgentConfigText(Manifests.AgentConfig(objects));
        var (_, agent) = Manifests.AgentContainer(objects);

        Assert.Equal("/healthz", agent.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", agent.ReadinessProbe.HttpGet.Path);
        Assert.Equal(config.TelemetryPort, PortNumber(agent, agent.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(config.TelemetryPort, PortNumber(agent, agent.ReadinessProbe.HttpGet.Port.Value));

        // The kubelet probes the pod's IP, so the endpoint must not be bound to localhost only.
        Assert.DoesNotContain("localhost", config.TelemetryAddress, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", config.TelemetryAddress, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Every_variable_the_config_reads_is_defined_by_the_container(string folder)
    {
        var objects = Manifests.Build(folder);
        var config = new AgentConfigText(Manifests.AgentConfig(objects));
        var environment = ContainerEnvironment.Resolve(Manifests.AgentContainer(objects).Agent, objects);

        Assert.NotEmpty(config.RequiredVariables);
        var undefined = config.RequiredVariables.Where(name => !environment.ContainsKey(name)).ToList();
        Assert.True(undefined.Count == 0, $"read by the config but not defined: {string.Join(", ", undefined)}");
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_GC_heap_limit_leaves_headroom_under_the_memory_limit(string folder)
    {
        var objects = Manifests.Build(folder);
        var (_, agent) = Manifests.AgentContainer(objects);

        long memoryLimit = agent.Resources.Limits["memory"].ToInt64();
        long heapLimit = HeapHardLimitVariable.Parse(Assert.Single(agent.Env, e => e.Name == HeapHardLimitVariable.Name).Value);

        double share = (double)heapLimit / memoryLimit;
        Assert.InRange(share, 0.5, 0.85);
        Assert.True(agent.Resources.Requests["memory"].ToInt64() <= memoryLimit);
        Assert.True(agent.Resources.Requests.ContainsKey("cpu"));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_agent_runs_with_a_read_only_root_no_privilege_escalation_and_default_seccomp(string folder)
    {
        var (pod, agent) = Manifests.AgentContainer(Manifests.Build(folder));

        Assert.True(agent.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(agent.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(new[] { "ALL" }, agent.SecurityContext.Capabilities.Drop);
        Assert.Empty((agent.SecurityContext.Capabilities.Add ?? []).Except(["DAC_READ_SEARCH"]));
        Assert.Equal("RuntimeDefault", (agent.SecurityContext.SeccompProfile ?? pod.SecurityContext?.SeccompProfile)?.Type);
    }

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [MemberData(nameof(Deployments))]
    public async Task Every_ConfigMap_config_passes_agent_validate_with_the_containers_environment(string folder)
    {
        var objects = Manifests.Build(folder);
        var environment = ContainerEnvironment.Resolve(Manifests.AgentContainer(objects).Agent, objects);
        using var directory = new TempDirectory("agent-manifest-");
        string path = directory.Combine("agent.yaml");
        await File.WriteAllTextAsync(path, Manifests.AgentConfig(objects));

        await using var agent = AgentProcess.Start(["validate", "--config", path], environment);
        int code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == 0, agent.Output);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Without_its_environment_the_DaemonSet_config_is_refused_so_the_validation_above_can_fail()
    {
        var objects = Manifests.Build("daemonset");
        var config = new AgentConfigText(Manifests.AgentConfig(objects));
        using var directory = new TempDirectory("agent-manifest-");
        string path = directory.Combine("agent.yaml");
        await File.WriteAllTextAsync(path, config.Yaml);

        // Blank every variable the config reads, whatever the test process happens to have set.
        var blank = config.AllVariables.ToDictionary(name => name, _ => string.Empty);
        await using var agent = AgentProcess.Start(["validate", "--config", path], blank);
        int code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, code);
        Assert.Contains("exporters.loki.endpoint", agent.Output, StringComparison.Ordinal);
    }

    private static int PortNumber(V1Container container, string port) =>
        int.TryParse(port, CultureInfo.InvariantCulture, out int number) ? number : container.Ports.Single(p => p.Name == port).ContainerPort;
}
