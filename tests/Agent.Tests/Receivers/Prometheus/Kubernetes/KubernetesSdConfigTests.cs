using Agent.Config;
using Agent.Service;
using Agent.Tests.EndToEnd;
using Agent.Tests.Fakes;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.Receivers.Prometheus.Kubernetes;

/// <summary>
/// <c>kubernetes_sd_configs</c> written in the agent's YAML: the DaemonSet shape (a field selector on this node's
/// name from <c>${env:K8S_NODE_NAME}</c>, the annotation recipe) through a whole agent into remote-write, and the
/// errors a bad entry gets.
/// </summary>
public class KubernetesSdConfigTests
{
    private static string Config(Uri api, Uri remoteWrite) => $$"""
        receivers:
          prometheus:
            config:
              scrape_configs:
                - job_name: kubernetes-pods
                  scrape_interval: 1s
                  kubernetes_sd_configs:
                    - role: pod
                      api_server: {{api}}
                      selectors:
                        - role: pod
                          field: spec.nodeName=${env:K8S_NODE_NAME}
                  relabel_configs:
                    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
                      action: keep
                      regex: true
                    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scheme]
                      action: replace
                      regex: (https?)
                      target_label: __scheme__
                    - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
                      action: replace
                      regex: (.+)
                      target_label: __metrics_path__
                    - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
                      action: replace
                      regex: ([^:]+)(?::\d+)?;(\d+)
                      replacement: $1:$2
                      target_label: __address__
                    - action: labelmap
                      regex: __meta_kubernetes_pod_label_(.+)
                    - source_labels: [__meta_kubernetes_namespace]
                      action: replace
                      target_label: namespace
                    - source_labels: [__meta_kubernetes_pod_name]
                      action: replace
                      target_label: pod
        processors:
          batch: {timeout: 100ms}
        exporters:
          prometheusremotewrite:
            endpoint: {{remoteWrite}}
        service:
          telemetry:
            metrics: {level: none}
          pipelines:
            metrics:
              receivers: [prometheus]
              processors: [batch]
              exporters: [prometheusremotewrite]
        """;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TheDaemonSetRecipeScrapesOnlyTheAnnotatedPodsOfItsNodeIntoRemoteWrite()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        await using var server = await ScrapeFixtureServer.StartAsync();
        await using var elsewhere = await ScrapeFixtureServer.StartAsync();
        var labels = new Dictionary<string, string> { ["app"] = "kube-state-metrics" };
        api.Put("pods", Pod("monitoring", "ksm-here", "uid-here", "127.0.0.1", node: "node-a", labels: labels, annotations: AnnotatedPodScrapeTests.Annotations(server.Address.Split(':')[1]), ports: [("http", 8080)]));
        api.Put("pods", Pod("monitoring", "ksm-elsewhere", "uid-else", "127.0.0.1", node: "node-b", labels: labels, annotations: AnnotatedPodScrapeTests.Annotations(elsewhere.Address.Split(':')[1]), ports: [("http", 8080)]));
        await using var remoteWrite = await FakeRemoteWrite.StartAsync();
        await using var agent = await RunningAgent.StartAsync(Config(api.BaseUri, remoteWrite.WriteUri), name => name == "K8S_NODE_NAME" ? "node-a" : null);

        var series = await Eventually.ReadUntilAsync(
            () => Task.FromResult(remoteWrite.Series.FirstOrDefault(s => LabelOf(s, "__name__") == "kube_deployment_status_replicas_available")),
            found => found is not null,
            "the annotated pod's series in remote-write");

        Assert.Equal(
            ["kubernetes-pods", server.Address, "monitoring", "ksm-here", "kube-state-metrics", "shop"],
            new[] { "job", "instance", "namespace", "pod", "app", "exported_namespace" }.Select(name => LabelOf(series!, name)));
        Assert.All(api.PodFieldSelectors, selector => Assert.Equal("spec.nodeName=node-a", selector));
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public void A_bad_entry_is_named_by_file_line_and_key()
    {
        var errors = Assert.Throws<ConfigException>(() => new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("sd.yaml", """
            receivers:
              prometheus:
                config:
                  scrape_configs:
                    - job_name: pods
                      kubernetes_sd_configs:
                        - role: deployment
                        - role: pod
                          selectors: [{role: node, field: metadata.name=a}]
            exporters: {debug: }
            service:
              pipelines:
                metrics: {receivers: [prometheus], exporters: [debug]}
            """)).Errors.Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("sd.yaml:7:", StringComparison.Ordinal) && e.Contains("kubernetes_sd_configs[0].role", StringComparison.Ordinal) && e.Contains("pod, service, endpoints, node", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sd.yaml:9:", StringComparison.Ordinal) && e.Contains("kubernetes_sd_configs[1].selectors[0].role", StringComparison.Ordinal));
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void A_job_with_only_kubernetes_sd_configs_is_valid_and_one_with_no_source_is_not()
    {
        var loader = new ConfigLoader(ComponentRegistry.BuiltIn, _ => null);
        string Yaml(string sources) => $$"""
            receivers:
              prometheus:
                config:
                  scrape_configs:
                    - job_name: pods
            {{sources}}
            exporters: {debug: }
            service:
              pipelines:
                metrics: {receivers: [prometheus], exporters: [debug]}
            """;

        loader.Load("sd.yaml", Yaml("          kubernetes_sd_configs: [{role: pod}]"));
        var error = Assert.Single(Assert.Throws<ConfigException>(() => loader.Load("none.yaml", Yaml(string.Empty))).Errors);
        Assert.Contains("static_configs or kubernetes_sd_configs", error.ToString(), StringComparison.Ordinal);
    }

    private static string? LabelOf(Agent.Exporters.PrometheusRemoteWrite.Prompb.TimeSeries series, string name) =>
        series.Labels.FirstOrDefault(label => label.Name == name)?.Value;
}
