using System.Text.Json.Nodes;
using Agent.Receivers.Prometheus.Discovery.Kubernetes;
using Agent.Tests.Fakes;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.Receivers.Prometheus.Kubernetes;

/// <summary>
/// The targets and <c>__meta_kubernetes_*</c> labels of each role, as Prometheus documents them, from objects served
/// by the API stand-in and read through the real KubernetesClient.
/// </summary>
public class MetaLabelsPerRoleTests
{
    private const string M = "__meta_kubernetes_";

    private static readonly Dictionary<string, string> WebPod = new()
    {
        [M + "namespace"] = "shop",
        [M + "pod_name"] = "web-0",
        [M + "pod_ip"] = "10.1.0.7",
        [M + "pod_ready"] = "true",
        [M + "pod_phase"] = "Running",
        [M + "pod_node_name"] = "node-a",
        [M + "pod_host_ip"] = "192.168.1.10",
        [M + "pod_uid"] = "uid-web-0",
        [M + "pod_label_app_kubernetes_io_name"] = "web",
        [M + "pod_labelpresent_app_kubernetes_io_name"] = "true",
        [M + "pod_annotation_prometheus_io_scrape"] = "true",
        [M + "pod_annotationpresent_prometheus_io_scrape"] = "true",
        [M + "pod_controller_kind"] = "ReplicaSet",
        [M + "pod_controller_name"] = "web-5f6d",
    };

    private static readonly Dictionary<string, string> AppContainer = new()
    {
        [M + "pod_container_name"] = "app",
        [M + "pod_container_id"] = "containerd://abc123",
        [M + "pod_container_image"] = "registry.example:5000/team/app:1.4.2",
        [M + "pod_container_init"] = "false",
        [M + "pod_container_port_name"] = "http",
        [M + "pod_container_port_number"] = "8080",
        [M + "pod_container_port_protocol"] = "TCP",
    };

    public static TheoryData<string, string, int> Cases => new()
    {
        // role, the target's address, how many targets the role finds
        { "pod", "10.1.0.7:8080", 3 },
        { "pod", "10.1.0.7", 3 },
        { "service", "web.shop.svc:80", 1 },
        { "node", "10.0.0.5:10250", 1 },
        { "endpoints", "10.1.0.7:8080", 3 },
        { "endpoints", "10.1.0.8:8080", 3 },
        { "endpoints", "10.1.0.7:9090", 3 },
    };

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Cases))]
    public async Task EachRoleGivesPrometheusTargetsAndMetaLabels(string role, string address, int count)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        PutCluster(api);
        await using var run = new DiscoveryRun(api, new KubernetesSdConfig { Role = role });

        var expected = Expected(role, address);
        expected["__address__"] = address;

        // The endpoints role reads three watches that list in any order: its labels are complete once all have.
        var targets = await run.WaitAsync(
            t => t.Count == count && t.Any(x => x["__address__"] == address && x.Count == expected.Count),
            $"{count} {role} targets with {address} and all its labels");

        var actual = targets.Single(t => t["__address__"] == address);
        Assert.Equal(expected.OrderBy(l => l.Key), actual.OrderBy(l => l.Key));
    }

    private static void PutCluster(FakeKubernetesApi api)
    {
        var pod = Pod(
            "shop",
            "web-0",
            "uid-web-0",
            "10.1.0.7",
            labels: new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web" },
            owner: ("ReplicaSet", "web-5f6d", "rs-uid"),
            containerId: "abc123",
            annotations: new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" },
            ports: [("http", 8080), ("metrics", 9090)]);
        pod["spec"]!["containers"]![0]!["ports"]!.AsArray().RemoveAt(1);
        pod["spec"]!["containers"]!.AsArray().Add(new JsonObject
        {
            ["name"] = "sidecar",
            ["image"] = "exporter:2",
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "metrics", ["containerPort"] = 9090, ["protocol"] = "TCP" }),
        });
        pod["spec"]!["initContainers"] = new JsonArray(new JsonObject { ["name"] = "setup", ["image"] = "busybox:1.36" });
        pod["status"]!["initContainerStatuses"] = new JsonArray(new JsonObject
        {
            ["name"] = "setup",
            ["image"] = "busybox:1.36",
            ["imageID"] = string.Empty,
            ["ready"] = false,
            ["restartCount"] = 0,
            ["containerID"] = "containerd://init1",
        });
        api.Put("pods", pod);
        api.Put("services", KubernetesObjects.Service("shop", "web", [("http", 80)], new Dictionary<string, string> { ["app"] = "web" }));
        api.Put("endpoints", Endpoints("shop", "web", [("10.1.0.7", "web-0", true), ("10.1.0.8", "web-1", false)], [("http", 8080)]));
        api.Put("nodes", Node("node-a", new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" }, [("Hostname", "node-a"), ("ExternalIP", "203.0.113.5"), ("InternalIP", "10.0.0.5")]));
    }

    private static Dictionary<string, string> Expected(string role, string address) => (role, address) switch
    {
        ("pod", "10.1.0.7:8080") => With(WebPod, AppContainer),
        ("pod", _) => With(WebPod, new()
        {
            [M + "pod_container_name"] = "setup",
            [M + "pod_container_id"] = "containerd://init1",
            [M + "pod_container_image"] = "busybox:1.36",
            [M + "pod_container_init"] = "true",
        }),
        ("service", _) => new()
        {
            [M + "namespace"] = "shop",
            [M + "service_name"] = "web",
            [M + "service_label_app"] = "web",
            [M + "service_labelpresent_app"] = "true",
            [M + "service_port_name"] = "http",
            [M + "service_port_number"] = "80",
            [M + "service_port_protocol"] = "TCP",
            [M + "service_type"] = "ClusterIP",
            [M + "service_cluster_ip"] = "10.96.0.20",
        },
        ("node", _) => new()
        {
            ["instance"] = "node-a",
            [M + "node_name"] = "node-a",
            [M + "node_provider_id"] = "test://node-a",
            [M + "node_label_kubernetes_io_os"] = "linux",
            [M + "node_labelpresent_kubernetes_io_os"] = "true",
            [M + "node_address_Hostname"] = "node-a",
            [M + "node_address_ExternalIP"] = "203.0.113.5",
            [M + "node_address_InternalIP"] = "10.0.0.5",
        },
        ("endpoints", "10.1.0.7:8080") => With(EndpointsOf("web-0", "true"), WebPod, AppContainer),
        ("endpoints", "10.1.0.8:8080") => EndpointsOf("web-1", "false"),
        _ => With(EndpointsGroup(), WebPod, new()
        {
            [M + "pod_container_name"] = "sidecar",
            [M + "pod_container_id"] = string.Empty,
            [M + "pod_container_image"] = "exporter:2",
            [M + "pod_container_init"] = "false",
            [M + "pod_container_port_name"] = "metrics",
            [M + "pod_container_port_number"] = "9090",
            [M + "pod_container_port_protocol"] = "TCP",
        }),
    };

    private static Dictionary<string, string> EndpointsGroup() => new()
    {
        [M + "namespace"] = "shop",
        [M + "endpoints_name"] = "web",
        [M + "service_name"] = "web",
        [M + "service_label_app"] = "web",
        [M + "service_labelpresent_app"] = "true",
    };

    private static Dictionary<string, string> EndpointsOf(string pod, string ready) => With(EndpointsGroup(), new()
    {
        [M + "endpoint_port_name"] = "http",
        [M + "endpoint_port_protocol"] = "TCP",
        [M + "endpoint_ready"] = ready,
        [M + "endpoint_node_name"] = "node-a",
        [M + "endpoint_address_target_kind"] = "Pod",
        [M + "endpoint_address_target_name"] = pod,
    });

    private static Dictionary<string, string> With(params Dictionary<string, string>[] parts)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parts.SelectMany(p => p))
        {
            all[name] = value;
        }

        return all;
    }
}
