using Agent.Receivers.Scraping;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// Options of the <c>containermetrics</c> receiver: the scraper controller's keys (<c>collection_interval</c>, default
/// 15 s as the kubelet's cAdvisor housekeeping reads it; <c>initial_delay</c>; <c>timeout</c>) plus where the host's
/// files are and which names to emit.
/// </summary>
public sealed class ContainerMetricsReceiverOptions() : ScraperControllerOptions(TimeSpan.FromSeconds(15))
{
    /// <summary>Where the host's <c>/</c> is mounted (a DaemonSet mounts it at e.g. <c>/hostfs</c>); cgroups are read at <c>&lt;root_path&gt;/sys/fs/cgroup</c>.</summary>
    public string RootPath { get; set; } = "/";

    public MetricNaming Naming { get; set; } = MetricNaming.Prometheus;

    /// <summary>The kubelet's pod log directory on the host, under <c>root_path</c>: pod names and namespaces come from its entries.</summary>
    public string PodLogsPath { get; set; } = "/var/log/pods";

    /// <summary>The kubelet's container log links on the host, under <c>root_path</c>: container names come from them.</summary>
    public string ContainerLogsPath { get; set; } = "/var/log/containers";

    /// <summary>Names and images from the Kubernetes API, when enabled; the log directories name what it does not know.</summary>
    public ContainerMetricsK8sMetadataOptions K8sMetadata { get; set; } = new();

    /// <summary>A path of the host as this process sees it.</summary>
    internal string OnHost(string hostPath) => Path.Join(RootPath.TrimEnd('/'), hostPath);

    public override IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var problem in base.Validate())
        {
            yield return problem;
        }

        foreach (var (key, path) in new[] { ("root_path", RootPath), ("pod_logs_path", PodLogsPath), ("container_logs_path", ContainerLogsPath) })
        {
            if (!Path.IsPathFullyQualified(path))
            {
                yield return (key, $"\"{path}\" must be an absolute path");
            }
        }
    }
}
