using Agent.Core.Components;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Support;

/// <summary>
/// The one component host of the tests: extensions added by hand, a throwaway data directory unless given one, logs
/// dropped unless given a factory, and the tests' metrics registry (<see cref="SelfMetrics"/>).
/// </summary>
internal sealed class TestHost(ILoggerFactory? loggerFactory = null, string? dataDirectory = null) : IComponentHost
{
    private readonly Dictionary<ComponentId, object> _extensions = [];
    private readonly SharedComponents _shared = new();

    public ILoggerFactory LoggerFactory { get; } = loggerFactory ?? NullLoggerFactory.Instance;

    public ITelemetryRegistry Telemetry => SelfMetrics.Registry;

    public IAgentStatus Status { get; } = new ReadyStatus();

    public string DefaultDataDirectory { get; } = dataDirectory ?? Path.Combine(Path.GetTempPath(), "agent-tests", Guid.NewGuid().ToString("N"));

    public void AddExtension(ComponentId id, object extension) => _extensions[id] = extension;

    public T GetOrAddShared<T>(ComponentId id, Func<T> create)
        where T : class => _shared.GetOrAdd(id, create);

    public T? GetExtension<T>(ComponentId id)
        where T : class => _extensions.GetValueOrDefault(id) as T;

    /// <summary>A context for a component of this id and options on this host.</summary>
    public ComponentContext Context(ComponentId id, object options) => new(id, options, this);

    private sealed class ReadyStatus : IAgentStatus
    {
        public bool IsAlive => true;

        public bool IsReady => true;

        public string State => "ready";
    }
}
