using Agent.Core.Config;
using Agent.Kubernetes;
using Agent.Receivers.Prometheus;
using Agent.Receivers.Prometheus.Discovery.Kubernetes;
using Agent.Receivers.Prometheus.Relabeling;
using Agent.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Common.V1;
using static Agent.Tests.Fakes.KubernetesObjects;
using static Agent.Tests.Receivers.Prometheus.ScrapeHarness;

namespace Agent.Tests.Receivers.Prometheus.Kubernetes;

/// <summary>
/// The annotation recipe from Prometheus' Kubernetes example over the API stand-in and a real HTTP target that the
/// pod advertises: annotated pods are scraped where their annotations say, a changed annotation moves the scrape, a
/// pod that goes away stops being scraped.
/// </summary>
public class AnnotatedPodScrapeTests
{
    /// <summary>The relabel rules people copy from Prometheus' <c>prometheus-kubernetes.yml</c> for annotated pods.</summary>
    internal static List<RelabelConfig> Recipe() =>
    [
        Rule("keep", ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], regex: "true"),
        Rule("replace", ["__meta_kubernetes_pod_annotation_prometheus_io_scheme"], regex: "(https?)", target: "__scheme__"),
        Rule("replace", ["__meta_kubernetes_pod_annotation_prometheus_io_path"], regex: "(.+)", target: "__metrics_path__"),
        Rule("replace", ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"], regex: @"([^:]+)(?::\d+)?;(\d+)", target: "__address__", replacement: "$1:$2"),
        Rule("labelmap", regex: "__meta_kubernetes_pod_label_(.+)"),
        Rule("replace", ["__meta_kubernetes_namespace"], target: "namespace"),
        Rule("replace", ["__meta_kubernetes_pod_name"], target: "pod"),
    ];

    internal static Dictionary<string, string> Annotations(string port, string path = "/metrics") => new()
    {
        ["prometheus.io/scrape"] = "true",
        ["prometheus.io/port"] = port,
        ["prometheus.io/path"] = path,
    };

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task AnnotatedPodsAreScrapedFollowTheirAnnotationsAndStopWhenTheyVanish()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        await using var server = await ScrapeFixtureServer.StartAsync();
        string port = server.Address.Split(':')[1];
        var labels = new Dictionary<string, string> { ["app"] = "kube-state-metrics" };
        api.Put("pods", Pod("monitoring", "ksm-7d9f", "uid-ksm", "127.0.0.1", labels: labels, annotations: Annotations(port), ports: [("http", 8080)]));
        api.Put("pods", Pod("monitoring", "quiet", "uid-quiet", "127.0.0.1", ports: [("http", 8081)]));
        var sd = new KubernetesSdConfig { Role = "pod", ApiServer = api.BaseUri.ToString() };
        var config = new ScrapeConfig
        {
            JobName = "kubernetes-pods",
            ScrapeInterval = TimeSpan.FromMinutes(1),
            ScrapeTimeout = TimeSpan.FromSeconds(3),
            KubernetesSdConfigs = [sd],
            RelabelConfigs = Recipe(),
        };
        var telemetry = new DiscoveryTelemetry(SelfMetrics.Registry, new("prometheus", "annotated"), config.JobName);
        await using var harness = new ScrapeHarness(config, new KubernetesTargetSource(sd, telemetry, NullLogger.Instance, WatchTiming.Default));

        await harness.WaitAsync(r => Scrapes(r, server.Address).Count > 0, "a scrape of the annotated pod");

        var target = Assert.Single(harness.Targets);
        Assert.Equal($"http://{server.Address}/metrics", target.Url.ToString());
        var scrape = Scrapes(harness.Received, server.Address)[0];
        Assert.True(Up(scrape) == 1, harness.Log);
        var point = Metric(scrape, "kube_deployment_status_replicas_available")!.Gauge.DataPoints[0];
        Assert.Equal("ksm-7d9f", Label(point.Attributes, "pod"));
        Assert.Equal("monitoring", Label(point.Attributes, "namespace"));
        Assert.Equal("shop", Label(point.Attributes, "exported_namespace"));
        Assert.Equal("kube-state-metrics", Label(point.Attributes, "app"));

        api.Put("pods", Pod("monitoring", "ksm-7d9f", "uid-ksm", "127.0.0.1", labels: labels, annotations: Annotations(port, "/text-only"), ports: [("http", 8080)]));
        await harness.WaitAsync(_ => server.Requests.Any(r => r.Path == "/text-only"), "a scrape at the path the changed annotation names");
        Assert.Equal($"http://{server.Address}/text-only", Assert.Single(harness.Targets).Url.ToString());

        api.Delete("pods", "monitoring", "ksm-7d9f");
        await harness.WaitAsync(_ => harness.Targets.Count == 0, "no target once the pod is gone", advance: false);
    }

    private static string? Label(IEnumerable<KeyValue> attributes, string key) => attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    private static RelabelConfig Rule(string action, string[]? source = null, string? regex = null, string? target = null, string? replacement = null) => new()
    {
        Action = action,
        SourceLabels = [.. source ?? []],
        Regex = AnchoredRegex.Create(regex ?? "(.*)"),
        TargetLabel = target,
        Replacement = replacement ?? "$1",
    };
}
