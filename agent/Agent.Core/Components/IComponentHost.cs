using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Core.Components;

/// <summary>What the running agent offers its components.</summary>
public interface IComponentHost
{
    ILoggerFactory LoggerFactory { get; }

    /// <summary>Where components record their own metrics; the host serves them on <c>/metrics</c>.</summary>
    ITelemetryRegistry Telemetry { get; }

    /// <summary>The agent's state, for components that report health.</summary>
    IAgentStatus Status { get; }

    /// <summary>The directory for state when no storage extension is named (checkpoints).</summary>
    string DefaultDataDirectory { get; }

    /// <summary>
    /// The object of type <typeparamref name="T"/> shared by every instance of component <paramref name="id"/> in
    /// this process, made by <paramref name="create"/> on the first call (see <see cref="SharedComponents"/>).
    /// </summary>
    T GetOrAddShared<T>(ComponentId id, Func<T> create)
        where T : class;

    /// <summary>The extension with this id, if it is configured and of the wanted kind.</summary>
    T? GetExtension<T>(ComponentId id)
        where T : class;
}
