using k8s.Models;

namespace Agent.Tests.Deployment;

/// <summary>manifests/sidecar and manifests/gateway.</summary>
public sealed class SidecarAndGatewayManifestTests
{
    [Fact]
    public void The_sidecar_is_a_native_sidecar_sharing_the_apps_log_volume_and_listening_on_localhost()
    {
        var objects = Manifests.Build("sidecar");
        var (pod, agent) = Manifests.AgentContainer(objects);
        var config = new AgentConfigText(Manifests.AgentConfig(objects));
        var app = Assert.Single(pod.Containers);

        Assert.Equal("Always", agent.RestartPolicy);
        Assert.Contains(agent, pod.InitContainers);
        var logs = Assert.Single(pod.Volumes, v => v.EmptyDir is not null && app.VolumeMounts.Any(m => m.Name == v.Name));
        var appMount = app.VolumeMounts.Single(m => m.Name == logs.Name);
        var agentMount = agent.VolumeMounts.Single(m => m.Name == logs.Name);
        Assert.True(agentMount.ReadOnlyProperty);
        Assert.All((List<object>)config.Path("receivers", "filelog", "include")!, pattern => Assert.StartsWith(agentMount.MountPath + "/", pattern.ToString(), StringComparison.Ordinal));
        Assert.Equal(appMount.MountPath, agentMount.MountPath);

        Assert.Equal("localhost:4317", config.Path("receivers", "otlp", "protocols", "grpc", "endpoint"));
        Assert.Equal("http://localhost:4317", app.Env.Single(e => e.Name == "OTEL_EXPORTER_OTLP_ENDPOINT").Value);
    }

    [Fact]
    public void The_gateway_scales_on_load_and_keeps_a_replica_through_disruptions()
    {
        var objects = Manifests.Build("gateway");
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var hpa = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
        var pdb = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        var service = Assert.Single(objects.OfType<V1Service>());
        var labels = deployment.Spec.Template.Metadata.Labels;

        Assert.Equal(("Deployment", deployment.Metadata.Name), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.True(hpa.Spec.MinReplicas >= 2);
        Assert.True(hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas);
        Assert.All(pdb.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
        Assert.True(int.Parse(pdb.Spec.MinAvailable.Value, System.Globalization.CultureInfo.InvariantCulture) < hpa.Spec.MinReplicas);
        Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, labels[l.Key]));
        Assert.Contains(service.Spec.Ports, p => p.Port == 4317);

        // Gateway mode: no node filter, so every node's pods are matched.
        var config = new AgentConfigText(Manifests.AgentConfig(objects));
        Assert.Null(config.Path("processors", "k8sattributes", "filter"));
    }
}
