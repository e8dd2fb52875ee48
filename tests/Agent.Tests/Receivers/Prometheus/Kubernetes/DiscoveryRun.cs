using Agent.Core.Components;
using Agent.Kubernetes;
using Agent.Receivers.Prometheus.Discovery;
using Agent.Receivers.Prometheus.Discovery.Kubernetes;
using Agent.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Receivers.Prometheus.Kubernetes;

/// <summary>A <see cref="KubernetesTargetSource"/> running against the API stand-in, keeping the last groups it reported.</summary>
internal sealed class DiscoveryRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private IReadOnlyList<TargetGroup> _groups = [];

    public DiscoveryRun(FakeKubernetesApi api, KubernetesSdConfig config, string job = "sd")
    {
        config.ApiServer = api.BaseUri.ToString();
        Receiver = new ComponentId("prometheus", Guid.NewGuid().ToString("N")[..8]);
        Job = job;
        var telemetry = new DiscoveryTelemetry(SelfMetrics.Registry, Receiver, job);
        var timing = new WatchTiming(TimeProvider.System, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));
        Source = new KubernetesTargetSource(config, telemetry, NullLogger.Instance, timing);
        _running = Source.RunAsync(groups => Volatile.Write(ref _groups, groups), _stop.Token);
    }

    public KubernetesTargetSource Source { get; }

    public ComponentId Receiver { get; }

    public string Job { get; }

    public IReadOnlyList<TargetGroup> Groups => Volatile.Read(ref _groups);

    /// <summary>Every target with its group's labels under it, as the scrape side sees them.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Targets =>
    [
        .. Groups.SelectMany(group => group.Targets.Select(target =>
        {
            var merged = new Dictionary<string, string>(group.Labels, StringComparer.Ordinal);
            foreach (var (name, value) in target)
            {
                merged[name] = value;
            }

            return (IReadOnlyDictionary<string, string>)merged;
        })),
    ];

    public double Failures(string resource, string reason) => SelfMetrics.Value(
        "agent_prometheus_kubernetes_sd_failures_total", ("receiver", Receiver.ToString()), ("job", Job), ("resource", resource), ("reason", reason));

    public Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> WaitAsync(Func<IReadOnlyList<IReadOnlyDictionary<string, string>>, bool> done, string what) =>
        Eventually.ReadUntilAsync(() => Task.FromResult(Targets), done, what);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
