using System.Collections.Concurrent;
using Agent.Core.Telemetry;

namespace Agent.Tests.Fuzz;

/// <summary>A registry that only sums what each counter was given, read back by name: cheap enough to make one per iteration.</summary>
internal sealed class CountingRegistry : ITelemetryRegistry
{
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();

    /// <summary>The sum over every label value of the counter <paramref name="name"/>.</summary>
    public double Total(string name) => _instruments.Where(i => i.Key.StartsWith(name + "|", StringComparison.Ordinal)).Sum(i => i.Value.Value);

    public ICounter Counter(string name, string help, string[] labelNames, string[] labelValues) => Get(name, labelValues);

    public IGauge Gauge(string name, string help, string[] labelNames, string[] labelValues) => Get(name, labelValues);

    private Instrument Get(string name, string[] labelValues) =>
        _instruments.GetOrAdd(name + "|" + string.Join('|', labelValues), _ => new Instrument());

    private sealed class Instrument : ICounter, IGauge
    {
        public double Value { get; private set; }

        public void Add(double value) => Value += value;

        public void Set(double value) => Value = value;
    }
}
