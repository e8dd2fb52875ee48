using Agent.Core.Components;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Service;

/// <summary>What the running agent offers its components: logging, self-telemetry, health, the data directory and the configured extensions.</summary>
internal sealed class ComponentHost : IComponentHost
{
    private readonly Dictionary<ComponentId, object> _extensions = [];
    private readonly SharedComponents _shared = new();

    public ComponentHost(ILoggerFactory loggerFactory, string defaultDataDirectory, IAgentStatus status, ITelemetryRegistry telemetry)
    {
        LoggerFactory = loggerFactory;
        DefaultDataDirectory = defaultDataDirectory;
        Status = status;
        Telemetry = telemetry;
    }

    public ILoggerFactory LoggerFactory { get; }

    public ITelemetryRegistry Telemetry { get; }

    public IAgentStatus Status { get; }

    public string DefaultDataDirectory { get; }

    public T GetOrAddShared<T>(ComponentId id, Func<T> create)
        where T : class => _shared.GetOrAdd(id, create);

    /// <summary>Drops the shared state of components whose configuration a reload changed, so their new instances get fresh state.</summary>
    public void ForgetShared(IEnumerable<ComponentId> ids)
    {
        foreach (var id in ids)
        {
            _shared.Forget(id);
        }
    }

    public T? GetExtension<T>(ComponentId id)
        where T : class => _extensions.GetValueOrDefault(id) as T;

    public void AddExtension(ComponentId id, object extension) => _extensions[id] = extension;

    /// <summary>
    /// The agent's own state directory: AGENT_DATA_DIR when set, /var/lib/agent when running as root (a DaemonSet
    /// mounts a hostPath there), else the user's state directory.
    /// </summary>
    public static string DefaultDataDirectoryFor(Func<string, string?> environment)
    {
        if (environment("AGENT_DATA_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        if (OperatingSystem.IsLinux() && Environment.UserName == "root")
        {
            return "/var/lib/agent";
        }

        string state = environment("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(state, "agent");
    }
}
