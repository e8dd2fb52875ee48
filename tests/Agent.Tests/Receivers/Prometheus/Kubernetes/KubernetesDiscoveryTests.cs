using Agent.Receivers.Prometheus.Discovery.Kubernetes;
using Agent.Tests.Fakes;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.Receivers.Prometheus.Kubernetes;

/// <summary>The discovery's watches against the API stand-in: selectors, namespaces, changes and failures.</summary>
public class KubernetesDiscoveryTests
{
    private static Dictionary<string, string> App(string app) => new() { ["app"] = app };

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task PodsAppearChangeAndVanishAsTheWatchReports()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put("pods", Pod("shop", "web-0", "uid-0", "10.1.0.7"));
        await using var run = new DiscoveryRun(api, new KubernetesSdConfig { Role = "pod" });
        await run.WaitAsync(t => t.Count == 1, "the listed pod");

        api.Put("pods", Pod("shop", "web-1", "uid-1", "10.1.0.8"));
        await run.WaitAsync(t => t.Count == 2, "the added pod");

        api.Put("pods", Pod("shop", "web-1", "uid-1", "10.1.0.8", annotations: new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" }));
        await run.WaitAsync(t => t.Any(x => x.GetValueOrDefault("__meta_kubernetes_pod_annotation_prometheus_io_scrape") == "true"), "the changed annotation");

        api.Delete("pods", "shop", "web-0");
        var left = await run.WaitAsync(t => t.Count == 1, "the deleted pod gone");
        Assert.Equal("web-1", left[0]["__meta_kubernetes_pod_name"]);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task LabelAndFieldSelectorsGoToTheApiSoOnlyThisNodesMatchingPodsAreTargets()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put("pods", Pod("shop", "here", "uid-here", "10.1.0.7", node: "node-a", labels: App("web")));
        api.Put("pods", Pod("shop", "elsewhere", "uid-elsewhere", "10.1.0.8", node: "node-b", labels: App("web")));
        api.Put("pods", Pod("shop", "other-app", "uid-other", "10.1.0.9", node: "node-a", labels: App("db")));
        var config = new KubernetesSdConfig
        {
            Role = "pod",
            Selectors = [new RoleSelector { Role = "pod", Label = "app=web", Field = "spec.nodeName=node-a" }],
        };
        await using var run = new DiscoveryRun(api, config);
        await run.WaitAsync(t => t.Count == 1, "the one matching pod");

        api.Put("pods", Pod("shop", "later-elsewhere", "uid-le", "10.1.0.10", node: "node-b", labels: App("web")));
        api.Put("pods", Pod("shop", "later-here", "uid-lh", "10.1.0.11", node: "node-a", labels: App("web")));
        var targets = await run.WaitAsync(t => t.Count == 2, "the matching pod added later");

        Assert.Equal(["here", "later-here"], targets.Select(t => t["__meta_kubernetes_pod_name"]).Order());
        Assert.All(api.PodFieldSelectors, selector => Assert.Equal("spec.nodeName=node-a", selector));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task OnlyTheNamedNamespacesAreWatched()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put("pods", Pod("shop", "web-0", "uid-0", "10.1.0.7"));
        api.Put("pods", Pod("billing", "api-0", "uid-1", "10.1.0.8"));
        api.Put("pods", Pod("kube-system", "dns-0", "uid-2", "10.1.0.9"));
        var config = new KubernetesSdConfig { Role = "pod", Namespaces = new NamespaceDiscovery { Names = ["shop", "billing"] } };
        await using var run = new DiscoveryRun(api, config);

        var targets = await run.WaitAsync(t => t.Count == 2, "the pods of both namespaces");

        Assert.Equal(["billing", "shop"], targets.Select(t => t["__meta_kubernetes_namespace"]).Order());
        Assert.Equal(2, api.ListCount("pods"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task AnApiOutageIsCountedAndDiscoveryCatchesUpWhenTheApiReturns()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put("pods", Pod("shop", "web-0", "uid-0", "10.1.0.7"));
        await using var run = new DiscoveryRun(api, new KubernetesSdConfig { Role = "pod" });
        await run.WaitAsync(t => t.Count == 1, "the listed pod");

        await api.StopAsync();
        await Eventually.UntilAsync(() => run.Failures("pods", "unavailable") > 0, "the failed watch counted");
        api.Put("pods", Pod("shop", "web-1", "uid-1", "10.1.0.8"));
        Assert.Single(run.Targets);

        await api.StartAgainAsync();
        await run.WaitAsync(t => t.Count == 2, "the pod added during the outage");
    }
}
