using System.Text;
using Agent.Core.Config;
using Agent.Receivers.Prometheus;
using Agent.Receivers.Prometheus.Exposition;
using Agent.Receivers.Prometheus.Relabeling;
using Agent.Receivers.Prometheus.Scraping;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Benchmarks.Receivers.Prometheus;

/// <summary>
/// What the prometheus receiver does with one scrape's body, without the network: 1 MB of kube-state-metrics-shaped
/// text parsed, labelled, metric-relabelled (two rules) and assembled into OTLP metrics. <c>FirstScrape</c> is a
/// target's first scrape (every series new: labels parsed, relabelled, interned); <c>RepeatScrape</c> the same body
/// again on a warm series cache (each series a lookup by its bytes). Per sample (<c>OperationsPerInvoke</c>).
/// </summary>
[MemoryDiagnoser]
public class ScrapeAssemblerBenchmarks
{
    private const int Samples = 8_040;
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string> _targetLabels = new() { ["job"] = "kube-state-metrics", ["instance"] = "10.0.0.7:8080" };
    private byte[] _body = [];
    private ScrapeConfig _config = null!;
    private ScrapeAssembler _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = Encoding.UTF8.GetBytes(KubeStateMetrics(Samples));
        _config = new ScrapeConfig
        {
            JobName = "kube-state-metrics",
            MetricRelabelConfigs =
            [
                new RelabelConfig { SourceLabels = ["__name__"], Regex = AnchoredRegex.Create("kube_pod_status_scheduled_time"), Action = "drop" },
                new RelabelConfig { Regex = AnchoredRegex.Create("uid"), Action = "labeldrop" },
            ],
        };
        _warm = new ScrapeAssembler(_config, _targetLabels);
        Scrape(_warm);
        if (_warm.Seen.Count == 0)
        {
            throw new InvalidOperationException("the fixture scraped nothing");
        }
    }

    /// <summary>The body's size, for the README.</summary>
    public int BodyBytes => _body.Length;

    [Benchmark(OperationsPerInvoke = Samples)]
    public int FirstScrape() => Scrape(new ScrapeAssembler(_config, _targetLabels));

    [Benchmark(OperationsPerInvoke = Samples)]
    public int RepeatScrape() => Scrape(_warm);

    private int Scrape(ScrapeAssembler assembler)
    {
        var outcome = new ScrapeOutcome();
        assembler.Read(_body, ExpositionFormat.Text, Now, outcome);
        var scope = new ScopeMetrics();
        GroupWriter.Write(scope, assembler.Seen, stale: false, 0);
        GroupWriter.Write(scope, assembler.Gone, stale: true, 1);
        return outcome.Failure is null ? scope.Metrics.Count : throw new InvalidOperationException(outcome.Failure);
    }

    /// <summary>About 1 MB of kube-state-metrics text: per pod its info, phases, restarts and readiness.</summary>
    internal static string KubeStateMetrics(int samples)
    {
        var text = new StringBuilder();
        int pods = samples / 10 - 1;
        Family(text, "kube_pod_info", "gauge", "Information about pod.", pods, (pod, ns) =>
            [$"kube_pod_info{{namespace=\"{ns}\",pod=\"{pod}\",uid=\"{Uid(pod)}\",host_ip=\"10.0.1.{pod.Length}\",pod_ip=\"10.244.3.17\",node=\"node-{pod.Length % 7}\",created_by_kind=\"ReplicaSet\",created_by_name=\"{pod[..^6]}\",priority_class=\"\",host_network=\"false\"}} 1"]);
        Family(text, "kube_pod_status_phase", "gauge", "The pods current phase.", pods, (pod, ns) =>
            [.. new[] { "Pending", "Succeeded", "Failed", "Unknown", "Running" }.Select(phase =>
                $"kube_pod_status_phase{{namespace=\"{ns}\",pod=\"{pod}\",uid=\"{Uid(pod)}\",phase=\"{phase}\"}} {(phase == "Running" ? 1 : 0)}")]);
        Family(text, "kube_pod_container_status_restarts_total", "counter", "The number of container restarts per container.", pods, (pod, ns) =>
            [$"kube_pod_container_status_restarts_total{{namespace=\"{ns}\",pod=\"{pod}\",uid=\"{Uid(pod)}\",container=\"app\"}} {pod.Length % 4}"]);
        Family(text, "kube_pod_status_ready", "gauge", "Describes whether the pod is ready to serve requests.", pods, (pod, ns) =>
            [$"kube_pod_status_ready{{namespace=\"{ns}\",pod=\"{pod}\",uid=\"{Uid(pod)}\",condition=\"true\"}} 1",
             $"kube_pod_status_ready{{namespace=\"{ns}\",pod=\"{pod}\",uid=\"{Uid(pod)}\",condition=\"false\"}} 0"]);
        Family(text, "kube_pod_status_scheduled_time", "gauge", "Unix timestamp when pod moved into scheduled status.", pods, (pod, ns) =>
            [$"kube_pod_status_scheduled_time{{namespace=\"{ns}\",pod=\"{pod}\",uid=\"{Uid(pod)}\"}} 1.764547e+09"]);
        Family(text, "kube_deployment_status_replicas_available", "gauge", "The number of available replicas per deployment.", 10, (pod, ns) =>
            [$"kube_deployment_status_replicas_available{{namespace=\"{ns}\",deployment=\"{pod[..^6]}\"}} 3"]);
        return text.ToString();
    }

    private static void Family(StringBuilder text, string name, string type, string help, int pods, Func<string, string, string[]> lines)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        for (int i = 0; i < pods; i++)
        {
            string pod = $"svc-{i / 8}-7d9f{i % 8}-x{i:D4}";
            foreach (string line in lines(pod, $"team-{i % 12}"))
            {
                text.Append(line).Append('\n');
            }
        }
    }

    private static string Uid(string pod) => $"3f2c{pod.Length:D4}-91ab-4c2d-8e7f-{pod.GetHashCode() & 0xffffff:x12}";
}
