using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Agent.Tests.Fakes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// One pod's three signals through one agent: its log file under a <c>/var/log/pods</c>-shaped directory, and spans
/// and metrics from the real .NET SDK sent from the pod's IP (127.0.0.2, loopback too) without any Kubernetes
/// attribute. <c>k8sattributes</c> (on the Kubernetes API stand-in through the real KubernetesClient) and
/// <c>servicemapping</c> must give all three the same <c>namespace</c>, <c>pod</c>, <c>job</c> and
/// <c>instance</c> in Loki, in remote-write and in OTLP, so one workload's logs, metrics and traces join.
/// </summary>
public sealed class OneWorkloadAcrossSignalsTests
{
    private const string Namespace = "shop";
    private const string PodName = "checkout-5f6d";
    private const string PodUid = "uid-checkout-1";
    private const string Job = "shop/checkout";
    private const string Instance = "uid-checkout-1/app";
    private static readonly IPAddress PodAddress = IPAddress.Parse("127.0.0.2");

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Logs_metrics_and_traces_of_one_pod_carry_the_same_namespace_pod_job_and_instance()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put("pods", Pod(Namespace, PodName, PodUid, PodAddress.ToString(), labels: new Dictionary<string, string> { ["app.kubernetes.io/name"] = "checkout" }));
        var pods = Directory.CreateTempSubdirectory("agent-pods-");
        try
        {
            string container = Path.Combine(pods.FullName, $"{Namespace}_{PodName}_{PodUid}", "app");
            Directory.CreateDirectory(container);
            await File.WriteAllTextAsync(Path.Combine(container, "0.log"), "2026-12-01T10:00:00.000000000Z stdout F order 42 paid\n");

            await using var loki = await FakeLoki.StartAsync();
            await using var remoteWrite = await FakeRemoteWrite.StartAsync();
            await using var backend = await FakeOtlpBackend.StartAsync();
            await using var agent = await RunningAgent.StartAsync(Config(api.BaseUri, pods.FullName, loki.PushUri, remoteWrite.WriteUri, backend.GrpcHostPort));

            SendSpanAndCounterFrom(PodAddress, agent.HttpAddress);

            var entry = await Eventually.ReadUntilAsync(() => Task.FromResult(loki.Entries.Count > 0 ? loki.Entries[0] : null), found => found is not null, "the pod's log line in Loki");
            Assert.Equal("order 42 paid", entry!.Line);
            Assert.Equal([Namespace, PodName, Job, Instance], new[] { "namespace", "pod", "job", "instance" }.Select(name => LokiValue(entry, name)));

            var series = await Eventually.ReadUntilAsync(
                () => Task.FromResult(remoteWrite.Series.FirstOrDefault(s => LabelOf(s, "__name__") == "orders_paid_total")), found => found is not null, "the pod's counter in remote-write");
            Assert.Equal([Namespace, PodName, Job, Instance], new[] { "namespace", "pod", "job", "instance" }.Select(name => LabelOf(series!, name)));

            await backend.WaitForSpansAsync(1, TimeSpan.FromSeconds(30));
            var resource = backend.Traces.SelectMany(r => r.ResourceSpans).Single().Resource;
            Assert.Equal([Namespace, PodName, Job, Instance], new[] { "namespace", "pod", "job", "instance" }.Select(name => AttributeOf(resource, name)));
            Assert.Equal("checkout", AttributeOf(resource, "service.name"));
            Assert.Equal(Namespace, AttributeOf(resource, "service.namespace"));
            Assert.Equal(Instance, AttributeOf(resource, "service.instance.id"));
        }
        finally
        {
            pods.Delete(recursive: true);
        }
    }

    private static string Config(Uri api, string pods, Uri loki, Uri remoteWrite, string otlp) => $$"""
        receivers:
          otlp:
            protocols:
              http: {endpoint: 127.0.0.1:0}
          filelog:
            include: ["{{pods}}/*/*/*.log"]
            start_at: beginning
            operators: [{type: container}]
            poll_interval: 50ms
        processors:
          k8sattributes:
            auth_type: none
            endpoint: {{api}}
            wait_for_metadata: true
            extract:
              metadata: [k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.node.name, k8s.container.name]
              labels: [{key: app.kubernetes.io/name}]
          servicemapping:
            cluster: test
          batch: {timeout: 100ms}
        exporters:
          loki:
            endpoint: {{loki}}
          prometheusremotewrite:
            endpoint: {{remoteWrite}}
          otlp:
            endpoint: {{otlp}}
            tls: {insecure: true}
        service:
          telemetry:
            metrics: {level: none}
          pipelines:
            logs:
              receivers: [filelog]
              processors: [k8sattributes, servicemapping, batch]
              exporters: [loki]
            metrics:
              receivers: [otlp]
              processors: [k8sattributes, servicemapping, batch]
              exporters: [prometheusremotewrite]
            traces:
              receivers: [otlp]
              processors: [k8sattributes, servicemapping, batch]
              exporters: [otlp]
        """;

    /// <summary>The .NET SDK with its default resource (service.name unknown_service:…), as an app that set nothing.</summary>
    private static void SendSpanAndCounterFrom(IPAddress local, Uri agent)
    {
        string name = "shop.checkout." + Guid.NewGuid().ToString("N");
        void Exporter(OtlpExporterOptions options, string path)
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(agent, path);
            options.HttpClientFactory = () => LoopbackSource.HttpClientFrom(local);
        }

        using var source = new ActivitySource(name);
        using var meter = new Meter(name);
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault())
            .AddSource(name)
            .AddOtlpExporter(o =>
            {
                Exporter(o, "/v1/traces");
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
        using var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault())
            .AddMeter(name)
            .AddOtlpExporter((o, reader) =>
            {
                Exporter(o, "/v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build();
        meter.CreateCounter<long>("orders.paid").Add(1);
        source.StartActivity("POST /pay", ActivityKind.Server)!.Stop();
        Assert.True(tracing.ForceFlush(10_000));
        Assert.True(metrics.ForceFlush(10_000));
    }

    private static string? LokiValue(FakeLokiEntry entry, string name) =>
        entry.Labels.TryGetValue(name, out string? value) ? value : entry.MetadataValue(name);

    private static string? LabelOf(Agent.Exporters.PrometheusRemoteWrite.Prompb.TimeSeries series, string name) =>
        series.Labels.FirstOrDefault(label => label.Name == name)?.Value;

    private static string? AttributeOf(OpenTelemetry.Proto.Resource.V1.Resource resource, string key) =>
        resource.Attributes.FirstOrDefault(attribute => attribute.Key == key)?.Value.StringValue;
}
