using System.Collections.Concurrent;
using Agent.Core.Components;
using Agent.Core.Telemetry;

namespace Agent.Receivers.Prometheus.Scraping;

/// <summary>The receiver's own counts per job: failed scrapes, bad lines and dropped samples, each by reason.</summary>
internal sealed class TargetTelemetry(ITelemetryRegistry registry, ComponentId receiver, string job)
{
    private readonly ConcurrentDictionary<(string, string), ICounter> _counters = new();

    public void ScrapeFailed(string reason) => Counter("agent_prometheus_scrape_failures_total", "Scrapes that failed (the target is up 0), by reason.", reason).Add(1);

    public void InvalidLines(string reason, int count) => Counter("agent_prometheus_invalid_lines_total", "Exposition lines that broke the format, by reason.", reason).Add(count);

    public void DroppedSamples(string reason, int count) => Counter("agent_prometheus_dropped_samples_total", "Samples left out of a good scrape, by reason.", reason).Add(count);

    private ICounter Counter(string name, string help, string reason) =>
        _counters.GetOrAdd((name, reason), key => registry.Counter(key.Item1, help, ["receiver", "job", "reason"], [receiver.ToString(), job, key.Item2]));
}
