using k8s.Models;

namespace Agent.Tests.Deployment;

/// <summary>manifests/daemonset: the node agent's access to the API and to the host.</summary>
public sealed class DaemonSetManifestTests
{
    private readonly List<object> _objects = Manifests.Build("daemonset");

    private AgentConfigText Config => new(Manifests.AgentConfig(_objects));

    public static TheoryData<string> WithRbac => new() { "daemonset", "gateway" };

    [Theory]
    [MemberData(nameof(WithRbac))]
    public void The_ClusterRole_only_reads_what_k8sattributes_watches_and_is_bound_to_the_agents_account(string folder)
    {
        var objects = Manifests.Build(folder);
        var config = new AgentConfigText(Manifests.AgentConfig(objects));
        var role = Assert.Single(objects.OfType<V1ClusterRole>());

        var granted = role.Rules.SelectMany(rule => rule.ApiGroups.SelectMany(group => rule.Resources.Select(resource => (group, resource)))).ToHashSet();
        Assert.Equal(config.WatchedResources().OrderBy(r => r).ToList(), granted.OrderBy(r => r).ToList());
        Assert.All(role.Rules, rule => Assert.Equal(new[] { "get", "list", "watch" }, rule.Verbs.Order()));
        Assert.All(role.Rules, rule => Assert.Null(rule.ResourceNames));

        var binding = Assert.Single(objects.OfType<V1ClusterRoleBinding>());
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        var (pod, _) = Manifests.AgentContainer(objects);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", pod.ServiceAccountName), (subject.Kind, subject.Name));
        Assert.Contains(objects.OfType<V1ServiceAccount>(), account => account.Metadata.Name == pod.ServiceAccountName);
    }

    [Fact]
    public void Every_hostPath_is_mounted_read_only_except_the_data_directory()
    {
        var (pod, agent) = Manifests.AgentContainer(_objects);
        string dataDirectory = (string)Config.Path("extensions", "file_storage", "directory")!;
        var hostVolumes = pod.Volumes.Where(v => v.HostPath is not null).ToDictionary(v => v.Name, v => v.HostPath.Path);
        var hostMounts = agent.VolumeMounts.Where(m => hostVolumes.ContainsKey(m.Name)).ToList();

        var writable = Assert.Single(hostMounts, m => m.ReadOnlyProperty != true);
        Assert.StartsWith(writable.MountPath + "/", dataDirectory, StringComparison.Ordinal);

        // What the receivers read: pod logs where filelog looks, and the host's root, /proc and /sys at root_path.
        var mounted = hostMounts.ToDictionary(m => m.MountPath, m => hostVolumes[m.Name]);
        string rootPath = (string)Config.Path("receivers", "hostmetrics", "root_path")!;
        Assert.Equal(rootPath, Config.Path("receivers", "containermetrics", "root_path"));
        Assert.Equal("/", mounted[rootPath]);
        Assert.Equal("/proc", mounted[rootPath + "/proc"]);
        Assert.Equal("/sys", mounted[rootPath + "/sys"]);
        Assert.Equal("/var/log/pods", mounted["/var/log/pods"]);
        Assert.All((List<object>)Config.Path("receivers", "filelog", "include")!, pattern => Assert.StartsWith("/var/log/pods/", pattern.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void The_agent_keeps_only_DAC_READ_SEARCH_and_runs_on_every_node_first()
    {
        var daemonSet = Assert.Single(_objects.OfType<V1DaemonSet>());
        var (pod, agent) = Manifests.AgentContainer(_objects);

        Assert.Equal(new[] { "DAC_READ_SEARCH" }, agent.SecurityContext.Capabilities.Add);
        Assert.Contains(pod.Tolerations, t => t.OperatorProperty == "Exists" && t.Key is null && t.Effect is null);
        Assert.Contains(_objects.OfType<V1PriorityClass>(), c => c.Metadata.Name == pod.PriorityClassName && c.Value > 0);
        Assert.Equal("RollingUpdate", daemonSet.Spec.UpdateStrategy.Type);
        Assert.NotNull(daemonSet.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable);
        Assert.Equal(new[] { "K8S_NODE_NAME", "POD_IP", "POD_NAME", "POD_NAMESPACE" }, agent.Env.Where(e => e.ValueFrom?.FieldRef is not null).Select(e => e.Name).Order());
        Assert.Equal("K8S_NODE_NAME", Config.Path("processors", "k8sattributes", "filter", "node_from_env_var"));
    }

    [Fact]
    public void Backend_credentials_come_from_a_Secret()
    {
        var (_, agent) = Manifests.AgentContainer(_objects);
        var fromSecret = agent.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.Name).ToHashSet();
        var credentials = Config.RequiredVariables.Where(name => name.EndsWith("_USERNAME", StringComparison.Ordinal) || name.EndsWith("_PASSWORD", StringComparison.Ordinal)).ToHashSet();

        Assert.Equal(6, credentials.Count); // Loki, Tempo and remote-write, each a user and a password
        Assert.Subset(fromSecret, credentials);
        Assert.DoesNotContain(_objects.OfType<V1ConfigMap>().SelectMany(m => m.Data.Values), text => text.Contains("change-me", StringComparison.Ordinal));
    }

    [Fact]
    public void The_OTLP_Service_stays_on_the_node_and_its_ports_are_the_configs()
    {
        var service = Assert.Single(_objects.OfType<V1Service>());
        var (_, agent) = Manifests.AgentContainer(_objects);
        var template = Assert.Single(_objects.OfType<V1DaemonSet>()).Spec.Template;

        Assert.Equal("Local", service.Spec.InternalTrafficPolicy);
        Assert.Equal(template.Metadata.Labels["app.kubernetes.io/name"], service.Spec.Selector["app.kubernetes.io/name"]);
        foreach (string protocol in new[] { "grpc", "http" })
        {
            string endpoint = (string)Config.Path("receivers", "otlp", "protocols", protocol, "endpoint")!;
            int port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(service.Spec.Ports, p => p.Port == port && agent.Ports.Any(c => c.Name == p.TargetPort.Value && c.ContainerPort == port));
        }

        Assert.Equal("true", template.Metadata.Annotations["prometheus.io/scrape"]);
        Assert.Equal(Config.TelemetryPort.ToString(System.Globalization.CultureInfo.InvariantCulture), template.Metadata.Annotations["prometheus.io/port"]);
    }

    [Fact]
    public void The_optional_ServiceMonitor_scrapes_the_Services_metrics_port()
    {
        var monitor = Manifests.LoadMap("daemonset/servicemonitor.yaml");
        var spec = (Dictionary<object, object>)monitor["spec"];
        var service = Assert.Single(_objects.OfType<V1Service>());
        var endpoint = (Dictionary<object, object>)Assert.Single((List<object>)spec["endpoints"]);
        var labels = (Dictionary<object, object>)((Dictionary<object, object>)spec["selector"])["matchLabels"];

        Assert.Equal("ServiceMonitor", monitor["kind"]);
        Assert.All(labels, label => Assert.Equal(label.Value, service.Metadata.Labels[label.Key.ToString()!]));
        var port = Assert.Single(service.Spec.Ports, p => p.Name == endpoint["port"].ToString());
        Assert.Equal(new AgentConfigText(Manifests.AgentConfig(_objects)).TelemetryPort, port.Port);
        Assert.DoesNotContain("servicemonitor.yaml", Manifests.Strings(Manifests.LoadMap("daemonset/kustomization.yaml"), "resources"));
    }

    [Fact]
    public void The_overlay_changes_the_cluster_name_and_endpoints_and_nothing_else()
    {
        var overlay = Manifests.Build("daemonset/overlays/production");
        var baseSettings = _objects.OfType<V1ConfigMap>().Single(m => m.Metadata.Name == "agent-settings").Data;
        var settings = overlay.OfType<V1ConfigMap>().Single(m => m.Metadata.Name == "agent-settings").Data;

        Assert.Equal(baseSettings.Keys.Order(), settings.Keys.Order());
        Assert.All(baseSettings.Keys, key => Assert.NotEqual(baseSettings[key], settings[key]));
        Assert.Equal("prod-eu-1", settings["CLUSTER_NAME"]);
        Assert.Equal(_objects.Select(o => o.GetType()), overlay.Select(o => o.GetType()));
        Assert.Equal(Manifests.AgentConfig(_objects), Manifests.AgentConfig(overlay));
    }

    [Fact]
    public void The_base_lists_every_manifest_file_of_its_folder_but_the_optional_ServiceMonitor()
    {
        var listed = Manifests.Strings(Manifests.LoadMap("daemonset/kustomization.yaml"), "resources").Append("servicemonitor.yaml").Append("kustomization.yaml");
        var files = Directory.GetFiles(Manifests.PathOf("daemonset"), "*.yaml").Select(f => Path.GetFileName(f));

        Assert.Equal(files.Order(), listed.Order());
    }
}
