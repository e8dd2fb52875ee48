using Agent.Core.Components;
using Agent.Core.Telemetry;
using Agent.Kubernetes;

namespace Agent.Receivers.Prometheus.Discovery.Kubernetes;

/// <summary>
/// The Kubernetes discovery's own metrics, shaped as the metadata cache's (by resource and reason / type) and
/// labelled with the receiver and job whose targets they are.
/// </summary>
internal sealed class DiscoveryTelemetry(ITelemetryRegistry registry, ComponentId receiver, string job) : IWatchTelemetry
{
    public void Failure(string resource, string reason) =>
        registry.Counter(
            "agent_prometheus_kubernetes_sd_failures_total",
            "Failures of the scrape receiver's Kubernetes discovery lists and watches, by resource and reason.",
            ["receiver", "job", "resource", "reason"],
            [receiver.ToString(), job, resource, reason]).Add(1);

    public void Event(string resource, string type) =>
        registry.Counter(
            "agent_prometheus_kubernetes_sd_events_total",
            "Watch events the scrape receiver's Kubernetes discovery applied, by resource and type.",
            ["receiver", "job", "resource", "type"],
            [receiver.ToString(), job, resource, type]).Add(1);

    public void Cached(string resource, int count) =>
        registry.Gauge(
            "agent_prometheus_kubernetes_sd_objects",
            "Objects the scrape receiver's Kubernetes discovery holds, by resource (one watch's worth per namespace).",
            ["receiver", "job", "resource"],
            [receiver.ToString(), job, resource]).Set(count);
}
