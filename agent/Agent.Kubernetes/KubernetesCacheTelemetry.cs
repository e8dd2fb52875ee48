using Agent.Core.Telemetry;

namespace Agent.Kubernetes;

/// <summary>
/// The metadata cache's own metrics: every failure of a list or a watch by resource and reason, the events it
/// applied, and what it holds. Counted per process (the cache is shared), so they carry no component label.
/// </summary>
internal sealed class KubernetesCacheTelemetry(ITelemetryRegistry registry) : IWatchTelemetry
{
    public void Failure(string resource, string reason) =>
        registry.Counter(
            "agent_k8s_watch_failures_total",
            "Failures of the Kubernetes metadata cache's lists and watches, by resource and reason.",
            ["resource", "reason"],
            [resource, reason]).Add(1);

    public void Event(string resource, string type) =>
        registry.Counter(
            "agent_k8s_watch_events_total",
            "Watch events the Kubernetes metadata cache applied, by resource and type.",
            ["resource", "type"],
            [resource, type]).Add(1);

    public void Cached(string resource, int count) =>
        registry.Gauge(
            "agent_k8s_cached_objects",
            "Objects held by the Kubernetes metadata cache, by resource (deleted pods in their grace period included).",
            ["resource"],
            [resource]).Set(count);
}
