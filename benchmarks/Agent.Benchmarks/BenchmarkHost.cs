using Agent.Core.Components;
using Agent.Core.Telemetry;
using Agent.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Benchmarks;

/// <summary>
/// The host every benchmark hands its components: no logs, no extensions, and the agent's real metrics registry, so
/// a measured hot path pays for its counters as it does in production.
/// </summary>
internal sealed class BenchmarkHost(string? dataDirectory = null) : IComponentHost
{
    private static readonly PrometheusTelemetryRegistry Metrics = new(withProcessMetrics: false);

    private readonly SharedComponents _shared = new();

    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public ITelemetryRegistry Telemetry => Metrics;

    public IAgentStatus Status { get; } = new Running();

    public string DefaultDataDirectory => dataDirectory ?? Path.GetTempPath();

    public T GetOrAddShared<T>(ComponentId id, Func<T> create)
        where T : class => _shared.GetOrAdd(id, create);

    public T? GetExtension<T>(ComponentId id)
        where T : class => null;

    /// <summary>A context for a benchmarked component named <c>filelog/bench</c> (options unused).</summary>
    public ComponentContext Context() => new(new ComponentId("filelog", "bench"), new object(), this);

    private sealed class Running : IAgentStatus
    {
        public bool IsAlive => true;

        public bool IsReady => true;

        public string State => "ready";
    }
}
