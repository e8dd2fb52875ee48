using Agent.Core.Telemetry;
using Prometheus;
using ICounter = Agent.Core.Telemetry.ICounter;
using IGauge = Agent.Core.Telemetry.IGauge;

namespace Agent.Telemetry;

/// <summary>
/// The agent's own metrics in a prometheus-net registry of its own (not the library's static default), with the
/// process and runtime metrics beside them; <c>/metrics</c> serves it.
/// </summary>
internal sealed class PrometheusTelemetryRegistry : ITelemetryRegistry
{
    private readonly MetricFactory _factory;

    public PrometheusTelemetryRegistry(bool withProcessMetrics = true)
    {
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
        if (withProcessMetrics)
        {
            DotNetStats.Register(Registry);
            GcMetrics.Register(Registry);
        }
    }

    public CollectorRegistry Registry { get; }

    public ICounter Counter(string name, string help, string[] labelNames, string[] labelValues) =>
        new CounterChild(_factory.CreateCounter(name, help, labelNames).WithLabels(labelValues));

    public IGauge Gauge(string name, string help, string[] labelNames, string[] labelValues) =>
        new GaugeChild(_factory.CreateGauge(name, help, labelNames).WithLabels(labelValues));

    /// <summary>Writes every metric in the Prometheus text format.</summary>
    public Task WriteTextAsync(Stream destination, CancellationToken cancellationToken) =>
        Registry.CollectAndExportAsTextAsync(destination, cancellationToken);

    private sealed class CounterChild(Counter.Child child) : ICounter
    {
        public void Add(double value) => child.Inc(value);
    }

    private sealed class GaugeChild(Gauge.Child child) : IGauge
    {
        public void Set(double value) => child.Set(value);
    }
}
