using System.Collections.Concurrent;

namespace Agent.Core.Telemetry;

/// <summary>
/// The children of one metric family, looked up once per distinct key and then held, so a hot path that counts
/// pays a dictionary read, not a registry lookup with a fresh label array.
/// </summary>
/// <typeparam name="TKey">What varies per call (signal, transport, reason).</typeparam>
/// <typeparam name="TMetric">A counter or a gauge.</typeparam>
internal sealed class LabeledMetrics<TKey, TMetric>(Func<TKey, TMetric> create)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TMetric> _children = new();

    public TMetric this[TKey key] => _children.TryGetValue(key, out var metric) ? metric : _children.GetOrAdd(key, create);
}
