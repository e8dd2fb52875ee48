namespace Agent.Receivers.Prometheus.Discovery;

/// <summary>
/// Targets found by one discovery source, as Prometheus' target groups: each target is a label set holding at least
/// <c>__address__</c> and any <c>__meta_*</c> labels the source knows; <see cref="Labels"/> apply to all of them.
/// A source replaces its whole group whenever it changes (the same <see cref="Source"/> key).
/// </summary>
public sealed record TargetGroup(string Source, IReadOnlyList<IReadOnlyDictionary<string, string>> Targets, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// Where a scrape config's targets come from: <c>static_configs</c> today, a Kubernetes watch later. The source
/// calls <c>update</c> with its groups at start and each time they change, until the token fires.
/// </summary>
public interface ITargetSource
{
    Task RunAsync(Action<IReadOnlyList<TargetGroup>> update, CancellationToken cancellationToken);
}

/// <summary>The fixed targets of <c>static_configs</c>: one update, then nothing changes.</summary>
public sealed class StaticTargetSource(IReadOnlyList<StaticConfig> configs) : ITargetSource
{
    public Task RunAsync(Action<IReadOnlyList<TargetGroup>> update, CancellationToken cancellationToken)
    {
        update([.. configs.Select((config, i) => new TargetGroup(
            $"static/{i}",
            [.. config.Targets.Select(address => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["__address__"] = address })],
            config.Labels))]);
        return Task.CompletedTask;
    }
}
